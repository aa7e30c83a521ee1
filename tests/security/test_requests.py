"""CSRF on every POST endpoint, session fixation, open redirects."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.auth.models import UserSession
from elearn.extensions import db
from tests.conftest import PASSWORD, csrf_from, post_form, sign_in
from tests.factories import all_endpoints


def test_csrf_protection_is_on_in_tests(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True and app.config.get("WTF_CSRF_CHECK_DEFAULT", True)


# POST endpoints exempt from CSRF (@csrf.exempt), each with what protects it instead
EXEMPT = {
    "board.unsubscribe": "RFC 8058 one-click unsubscribe from mail programs: the signed token in the URL",
    "notifications.unsubscribe": "RFC 8058 one-click unsubscribe from mail programs: the signed token in the URL",
}


def exempt_endpoints(app) -> set[str]:
    """Endpoints Flask-WTF skips: their view or their blueprint marked with csrf.exempt."""
    from elearn.extensions import csrf

    return {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
        or app.blueprints.get(endpoint.rpartition(".")[0]) in csrf._exempt_blueprints
    }


def test_only_listed_endpoints_are_exempt_from_csrf(app):
    assert exempt_endpoints(app) == set(EXEMPT)


@pytest.mark.parametrize("role", [None, "admin"])
def test_every_post_endpoint_refuses_a_request_without_a_token(app, world, role):
    """Found from app.url_map: a POST route added later is checked too; before any write, even for admins."""
    client = app.test_client()
    if role:
        sign_in(client, world[role])
    posts = [
        (endpoint, url) for endpoint, method, url in all_endpoints(app) if method == "POST" and endpoint not in EXEMPT
    ]
    assert len(posts) >= 30
    with app.app_context():
        sessions = db.session.scalar(select(func.count()).select_from(UserSession))
    failures = []
    for endpoint, url in posts:
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data=data)
            if response.status_code != 400:
                failures.append(f"{endpoint} {url} {data} → {response.status_code}")
    assert failures == []
    if role:
        assert client.get("/me/").status_code == 200  # still signed in: logout and delete did nothing
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(UserSession)) == sessions


def test_a_token_from_another_session_is_refused(app, make_user):
    make_user("ana@example.org")
    attacker, victim = app.test_client(), app.test_client()
    foreign = csrf_from(attacker.get("/login").get_data(as_text=True))
    sign_in(victim, "ana@example.org")
    response = victim.post(
        "/me/profile", data={"csrf_token": foreign, "name": "Hacked", "country": "LV", "language": "en"}
    )
    assert response.status_code == 400


# ---------------------------------------------------------------- session fixation


def test_signing_in_replaces_a_planted_session(app, make_user):
    """An attacker's cookie planted before sign-in is worthless after it, and so is the old token."""
    make_user("ana@example.org")
    attacker = app.test_client()
    attacker.get("/login")
    planted = attacker.get_cookie("session").value
    victim = app.test_client()
    victim.set_cookie("session", planted)
    page = victim.get("/login").get_data(as_text=True)
    victim.post("/login", data={"csrf_token": csrf_from(page), "email": "ana@example.org", "password": PASSWORD})
    after = victim.get_cookie("session").value
    assert after != planted
    assert victim.get("/me/").status_code == 200
    attacker.set_cookie("session", planted)
    assert attacker.get("/me/").status_code == 302  # the planted cookie did not become signed in
    # the CSRF token of the planted session no longer works in the victim's session
    response = victim.post(
        "/me/profile", data={"csrf_token": csrf_from(page), "name": "X", "country": "LV", "language": "en"}
    )
    assert response.status_code == 400


def test_signing_in_again_ends_nothing_else_and_signing_out_invalidates_the_cookie(app, make_user):
    make_user("ana@example.org")
    client = app.test_client()
    sign_in(client, "ana@example.org")
    first = client.get_cookie("session").value
    sign_in(client, "ana@example.org")
    second = client.get_cookie("session").value
    assert first != second
    replay = app.test_client()
    replay.set_cookie("session", second)
    assert replay.get("/me/").status_code == 200
    post_form(client, "/logout", page_url="/me/")
    assert replay.get("/me/").status_code == 302


# ---------------------------------------------------------------- open redirects

EVIL = [
    "//evil.example",
    "//evil.example/me/",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "///evil.example",
    "https:evil.example",
    "https:/evil.example",
    "//evil.example@elearn.local",
    "/@evil.example",
    "http://localhost@evil.example",
    "／／evil.example",
    "/．evil.example",
    "%09//evil.example",
]


def stays_on_site(location: str) -> bool:
    """A path of this site, even for a browser that drops tabs and newlines and reads \\ as /."""
    from urllib.parse import urlsplit

    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    return cleaned.startswith("/") and not cleaned.startswith("//") and not urlsplit(cleaned).netloc


@pytest.mark.parametrize("target", EVIL)
def test_next_never_leaves_the_site(app, make_user, target):
    from elearn.auth.views import safe_next

    make_user("ana@example.org")
    client = app.test_client()
    # through the query string, as the access check builds it, and through the form
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    response = client.post(
        "/login", data={"csrf_token": csrf_from(page), "email": "ana@example.org", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert stays_on_site(response.headers["Location"]), (target, response.headers["Location"])
    with app.test_request_context():
        assert stays_on_site(safe_next(target)), target


def test_marking_a_unit_done_does_not_redirect_off_site(app, make_user, write_course):
    from tests.factories import ONE_MODULE_FILES, import_course

    import_course(app, write_course, ONE_MODULE_FILES)
    make_user("ana@example.org")
    client = app.test_client()
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    for target in ("//evil.example", "https://evil.example/", "/courses/demo/"):
        response = post_form(
            client, "/me/courses/demo/one/lesson/done", {"next_url": target}, page_url="/courses/demo/one/lesson/"
        )
        assert response.status_code == 302
        assert response.headers["Location"] in ("/courses/demo/", "/me/"), target
