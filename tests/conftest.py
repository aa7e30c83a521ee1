"""Test fixtures: an app on a fresh real database per test, a client, a query counter.

The database is a SQLite file in the test's temporary folder, or the PostgreSQL
database named by ``DATABASE_URL`` (``.ci/run`` runs the whole suite on both).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import event

from elearn import create_app
from elearn.extensions import db

REPO = Path(__file__).resolve().parents[1]
DEMO_COURSES = REPO / "courses"


@pytest.fixture
def app(tmp_path):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "COURSES_PATH": str(DEMO_COURSES),
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def appctx(app):
    """An application context for tests that use the database directly.

    Requests made with ``client`` get their own context, as in production; tests that
    mix both should not use this fixture but ``with app.app_context():`` blocks.
    """
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: …`` records the SQL statements run inside."""
    from contextlib import contextmanager

    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def write_course(tmp_path):
    """Write a course tree from {relative path: text}; returns the courses folder."""

    def write(files: dict[str, str], root: Path | None = None, slug: str = "demo") -> Path:
        base = root or tmp_path / "courses"
        for rel, text in files.items():
            path = base / slug / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return base

    return write


@pytest.fixture
def demo(app):
    """The demo course from courses/, imported."""
    from elearn.courses.importer import sync_tree

    with app.app_context():
        report = sync_tree(DEMO_COURSES)
    assert report.ok, "\n".join(map(str, report.problems))
    return report
