"""Ids beyond 64 bits in URLs are a 404, not a 500; signed-in pages are never kept in a browser's cache."""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from elearn.core.routing import ID_MAX
from tests.conftest import sign_in
from tests.factories import SAMPLE_ARGS, all_endpoints

TWENTY_DIGITS = 10**20 - 1


def integer_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule with an ``<int:...>`` variable, each set to a 20-digit id."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            numbers = {name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)}
            if not numbers:
                continue
            args = {name: TWENTY_DIGITS if name in numbers else SAMPLE_ARGS[name] for name in rule.arguments}
            url = url_for(rule.endpoint, **args)
            found += [(rule.endpoint, method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_every_integer_id_in_a_url_fits_64_bits(app, client, make_user, unlimited):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    routes = integer_routes(app)
    assert len(routes) > 30 and any(url.startswith(f"/cohorts/{TWENTY_DIGITS}/") for _, _, url in routes)
    answers = {(endpoint, method): client.open(url, method=method).status_code for endpoint, method, url in routes}
    # 405: the 20-digit URL of a POST route matched nothing with an int, then a GET-only route
    assert {key: status for key, status in answers.items() if status not in (404, 405)} == {}
    assert list(answers.values()).count(404) > 30


def test_the_largest_id_the_database_holds_is_still_a_route(app, client, make_user):
    """Every id column is an ``integer``: 32 bits on PostgreSQL, the tighter of the two databases."""
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    for number in (ID_MAX, ID_MAX + 1, 2**63 - 1, 2**63, TWENTY_DIGITS):
        assert client.get(f"/cohorts/{number}/").status_code == 404
        assert client.get(f"/board/posts/{number}").status_code == 404
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/cohorts/{ID_MAX}/")[1] == {"cohort_id": ID_MAX}  # matched, then no such cohort


# responses that choose their own caching: static files, course media and the favicon are public
OWN_CACHING = {"static", "learning.media", "core.favicon"}


@pytest.mark.parametrize("signed_in", [True, False])
def test_signed_in_pages_are_not_stored(app, client, course, make_user, unlimited, signed_in):
    make_user("learner@example.org")
    if signed_in:
        sign_in(client, "learner@example.org")
    stored = {}
    for endpoint, method, url in all_endpoints(app):
        if method != "GET" or endpoint in OWN_CACHING or endpoint == "auth.logout":
            continue
        response = client.get(url)
        if response.headers.get("Cache-Control") != "no-store":
            stored[endpoint] = (response.status_code, response.headers.get("Cache-Control"))
    if signed_in:
        assert stored == {}
    else:
        assert len(stored) > 20  # public pages of a visitor without a session may be cached
    with client.get("/static/elearn.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_signing_in_and_out_are_not_stored(client, make_user):
    make_user("learner@example.org")
    assert sign_in(client, "learner@example.org").headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        assert "_user_id" in session
