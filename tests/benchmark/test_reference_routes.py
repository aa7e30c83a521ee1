"""The benchmark's reference routes (``benchmarks/reference_routes.py``): not part of elearn,
public on the app the benchmark builds, and the fortunes page is one escaped query."""

from __future__ import annotations

import html
import importlib.util
import re
import runpy

import pytest
from flask import Flask
from sqlalchemy import event

from benchmarks import reference_routes
from benchmarks.reference_routes import FORTUNES, create_fortunes, fortune
from elearn.auth.access import PUBLIC, RULES, rule_for
from elearn.extensions import db


@pytest.fixture
def bench_app(app):
    """The test app with the reference routes added, as benchmarks/wsgi.py adds them, and the fortunes."""
    reference_routes.register(app)
    with app.app_context():
        create_fortunes(db.session.connection())
        db.session.commit()
    yield app
    with app.app_context():
        fortune.drop(db.session.connection(), checkfirst=True)
        db.session.commit()


def test_production_app_has_no_benchmark_route_nor_rule(app, client):
    assert not any(rule.rule.startswith("/_bench") for rule in app.url_map.iter_rules())
    assert not any(endpoint.startswith("benchmark.") for endpoint in RULES)
    assert importlib.util.find_spec("elearn.benchmark") is None
    assert client.get("/_bench/hello").status_code == 404


@pytest.mark.own_app  # bench_app adds routes
def test_every_benchmark_route_has_a_public_rule_on_its_app_only(bench_app):
    endpoints = {rule.endpoint for rule in bench_app.url_map.iter_rules() if rule.rule.startswith("/_bench")}
    assert endpoints == set(reference_routes.RULES) == {"benchmark.hello", "benchmark.fortunes"}
    with bench_app.app_context():
        assert all(rule_for(endpoint) is PUBLIC for endpoint in endpoints)
    with Flask("production").app_context():  # another app in the process has no such rule
        assert all(rule_for(endpoint) is None for endpoint in endpoints)


def test_wsgi_entry_is_elearn_with_the_reference_routes(app, monkeypatch):
    """``gunicorn benchmarks.wsgi:app`` (benchmarks/run.py): elearn's app from the environment, as deployed."""
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("ELEARN_SIGNING_KEY", app.config["SIGNING_KEY"])
    monkeypatch.setenv("ELEARN_COURSES_PATH", app.config["COURSES_PATH"])
    served = runpy.run_module("benchmarks.wsgi")["app"]
    endpoints = {rule.endpoint for rule in served.url_map.iter_rules()}
    assert endpoints == {rule.endpoint for rule in app.url_map.iter_rules()} | set(reference_routes.RULES)
    try:
        response = served.test_client().get("/_bench/hello")
        assert response.status_code == 200 and response.get_data(as_text=True) == "Hello, World!"
    finally:
        with served.app_context():
            db.engine.dispose()


@pytest.mark.own_app
def test_hello(bench_app):
    response = bench_app.test_client().get("/_bench/hello")
    assert response.status_code == 200 and response.get_data(as_text=True) == "Hello, World!"
    assert response.mimetype == "text/plain"


@pytest.mark.own_app
def test_fortunes_one_query_sorted_and_escaped(bench_app):
    statements = []
    with bench_app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = bench_app.test_client().get("/_bench/fortunes")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    queries = [s for s in statements if not s.upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))]
    assert len(queries) == 1 and "benchmark_fortune" in queries[0]  # a test's savepoints are not the page's
    messages = re.findall(r"<tr><td>\d+</td><td>(.*?)</td></tr>", page)
    assert len(messages) == len(FORTUNES) + 1
    assert "<script>" not in page and "&lt;script&gt;alert(&#34;This should not be displayed" in page
    assert "フレームワークのベンチマーク" in page
    plain = [html.unescape(m) for m in messages]
    assert plain == sorted(plain) and "Additional fortune added at request time." in plain
