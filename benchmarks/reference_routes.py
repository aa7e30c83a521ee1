"""Two reference pages the benchmark compares the real pages with, served by the same app.

``/_bench/hello`` is the cheapest route the app can answer (every ``before_request``
hook still runs); ``/_bench/fortunes`` is TechEmpower's "fortunes" shape: one SELECT
of a small table, a row added in memory, sorted, rendered through a Jinja template
with escaping.

They are not part of elearn: :func:`create_app` builds the production app with
``elearn.create_app()`` and adds this blueprint and its access rules (public) to it.
``benchmarks/wsgi.py`` serves that app to gunicorn; ``benchmarks/run.py`` also uses it
in-process to count SQL. A normal deployment (``wsgi.py``) has neither route.

The fortune table lives in its own ``MetaData``, not the models': it is not part of the
schema (no migration), and ``benchmarks/seed.py`` creates and fills it with
:func:`create_fortunes`.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, insert, select

import elearn
from elearn.auth import access
from elearn.extensions import db

bp = Blueprint("benchmark", __name__, url_prefix="/_bench", template_folder="templates")

# Each endpoint's access rule, given to the app with elearn.auth.access.allow.
RULES = {"benchmark.hello": access.PUBLIC, "benchmark.fortunes": access.PUBLIC}

fortune = Table(
    "benchmark_fortune",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("message", String(2048), nullable=False),
)

# TechEmpower's twelve fortunes: markup to escape, and text beyond ASCII.
FORTUNES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]


def create_fortunes(connection: Connection) -> None:
    """Create the fortune table (if missing) and fill it with :data:`FORTUNES` (if empty); the caller commits."""
    fortune.create(connection, checkfirst=True)
    if connection.execute(select(fortune.c.id).limit(1)).first() is None:
        connection.execute(insert(fortune), [{"id": i, "message": m} for i, m in enumerate(FORTUNES, 1)])


@bp.get("/hello")
def hello():
    return Response("Hello, World!", mimetype="text/plain")


@bp.get("/fortunes")
def fortunes():
    rows = [(row.id, row.message) for row in db.session.execute(select(fortune.c.id, fortune.c.message))]
    rows.append((0, "Additional fortune added at request time."))
    rows.sort(key=lambda row: row[1])
    return render_template("benchmark/fortunes.html", fortunes=rows)


def register(app: Flask) -> None:
    """Add the reference routes and their public access rules to an elearn app."""
    app.register_blueprint(bp)
    for endpoint, rule in RULES.items():
        access.allow(app, endpoint, rule)


def create_app(test_config: dict | None = None) -> Flask:
    """elearn's app as deployed (``elearn.create_app``), with the reference routes added."""
    app = elearn.create_app(test_config)
    register(app)
    return app
