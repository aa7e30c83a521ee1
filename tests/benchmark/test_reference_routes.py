"""The benchmark's reference routes: off by default, public, and the fortunes page is one escaped query."""

from __future__ import annotations

import re

import pytest

from elearn import create_app
from elearn.auth.access import PUBLIC, RULES
from elearn.benchmark.views import FORTUNES, create_fortunes
from elearn.extensions import db


@pytest.fixture
def bench_app(app):
    """The test app's database, with the benchmark routes registered."""
    bench = create_app(
        {
            **{
                k: app.config[k]
                for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "COURSES_PATH", "SIGNING_KEY")
            },
            "BENCHMARK_ROUTES": True,
        }
    )
    with bench.app_context():
        create_fortunes(db.engine)
    yield bench
    with bench.app_context():
        from elearn.benchmark.views import fortune

        fortune.drop(db.engine, checkfirst=True)
        db.session.remove()
        db.engine.dispose()


def test_routes_are_absent_unless_configured(app, client):
    assert not any(rule.endpoint.startswith("benchmark.") for rule in app.url_map.iter_rules())
    assert client.get("/_bench/hello").status_code == 404


def test_every_benchmark_route_has_a_public_rule(bench_app):
    endpoints = {rule.endpoint for rule in bench_app.url_map.iter_rules() if rule.endpoint.startswith("benchmark.")}
    assert endpoints == {e for e in RULES if e.startswith("benchmark.")} == {"benchmark.hello", "benchmark.fortunes"}
    assert all(RULES[e] is PUBLIC for e in endpoints)


def test_hello(bench_app):
    response = bench_app.test_client().get("/_bench/hello")
    assert response.status_code == 200 and response.get_data(as_text=True) == "Hello, World!"
    assert response.mimetype == "text/plain"


def test_fortunes_one_query_sorted_and_escaped(bench_app):
    from sqlalchemy import event

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
    assert len(statements) == 1 and "benchmark_fortune" in statements[0]
    messages = re.findall(r"<tr><td>\d+</td><td>(.*?)</td></tr>", page)
    assert len(messages) == len(FORTUNES) + 1
    assert "<script>" not in page and "&lt;script&gt;alert(&#34;This should not be displayed" in page
    assert "フレームワークのベンチマーク" in page
    import html

    plain = [html.unescape(m) for m in messages]
    assert plain == sorted(plain) and "Additional fortune added at request time." in plain
