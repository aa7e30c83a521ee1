"""Every route × every role (and anonymous): allowed, 403, or a redirect to sign in.

The expected outcome is computed from ``elearn.auth.access.RULES`` and checked against
what the app really answers, so a route added without a rule fails here, and a rule
that the app does not enforce fails here too.
"""

from __future__ import annotations

import pytest

from elearn.auth.access import RULES
from elearn.auth.models import ROLES
from elearn.courses.importer import sync_tree
from elearn.extensions import db
from tests.conftest import sign_in
from tests.courses.test_pages import course_files

# Sample values for URL variables, so every route can be requested.
SAMPLE_ARGS = {
    "course_slug": "demo",
    "module_slug": "m1",
    "unit_slug": "quiz",
    "number": 1,
    "filename": "photo.png",
    "token": "not-a-token",
    "user_id": 1,
    "grant_id": 1,
    "certificate_id": "A" * 22,
    "key": "default",
    "tag": "lv-LV",
    "cohort_id": 1,
    "code": "ABCDEFGH",
    "fmt": "csv",
    # board
    "post_id": 1,
    "reply_id": 1,
    "message_id": 1,
    "membership_id": 1,
    "filter_id": 1,
    "report_id": 1,
    "declaration_id": 1,
    "slug": "no-such-organisation",
    "action": "hide",
}


def all_endpoints(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule of the app."""
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            args = {name: SAMPLE_ARGS[name] for name in rule.arguments}
            url = url_for(rule.endpoint, **args) if rule.endpoint != "static" else "/static/elearn.css"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url))
    return found


def test_every_endpoint_has_an_access_rule(app):
    missing = sorted({endpoint for endpoint, _m, _u in all_endpoints(app)} - set(RULES))
    assert missing == [], f"routes without an access rule in elearn/auth/access.py: {missing}"
    # benchmark.* routes exist only with ELEARN_BENCHMARK_ROUTES; tests/benchmark checks their rules
    optional = {endpoint for endpoint in RULES if endpoint.startswith("benchmark.")}
    stale = sorted(set(RULES) - optional - {endpoint for endpoint, _m, _u in all_endpoints(app)})
    assert stale == [], f"rules for routes that no longer exist: {stale}"


@pytest.fixture
def world(app, write_course, make_user):
    root = write_course(course_files())
    with app.app_context():
        assert sync_tree(root).ok
        db.session.commit()  # as the import command's unit of work would
    users = {}
    for role in ROLES:
        make_user(f"{role}@example.org", roles=(role,))
        users[role] = f"{role}@example.org"
    with app.app_context():  # a partner admin holds a variant
        from sqlalchemy import select

        from elearn.auth.models import RoleGrant

        db.session.scalar(select(RoleGrant).where(RoleGrant.role == "partner_admin")).scope = "lv-LV"
        db.session.commit()
    return users


@pytest.mark.parametrize("role", [None, *ROLES])
def test_role_route_matrix(app, world, role):
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix is about access, CSRF has its own test
    client = app.test_client()
    if role:
        sign_in_without_csrf(client, world[role])
    failures = []
    for endpoint, method, url in all_endpoints(app):
        if endpoint in {"auth.logout", "auth.delete_account", "auth.change_password"}:
            continue  # they end or change this very session; covered in test_accounts.py
        rule = RULES[endpoint]
        response = client.open(url, method=method)
        response.close()  # file responses (media, static) hold their file open until closed
        status = response.status_code
        if not rule.signed_in:
            ok = status not in (401, 403) and not _to_login(response)
        elif role is None:
            ok = _to_login(response)
        elif rule.roles and role not in rule.roles:
            ok = status == 403
        else:
            ok = status != 403 and not _to_login(response) and status < 500
        if not ok:
            failures.append(f"{role or 'anonymous'} {method} {url} ({endpoint}) → {status}")
    assert failures == []


def _to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def sign_in_without_csrf(client, email):
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_learner_cannot_open_another_learners_attempt(app, world):
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, world["learner"])
    sign_in(bob, world["trainer"])
    from tests.conftest import post_form

    post_form(alice, "/me/courses/demo/enrol", page_url="/courses/demo/")
    response = post_form(alice, "/me/courses/demo/m1/quiz/attempts", page_url="/courses/demo/m1/quiz/")
    attempt_url = response.headers["Location"]
    assert alice.get(attempt_url).status_code == 200
    assert bob.get(attempt_url).status_code == 404
    assert bob.post(attempt_url, data={"q0": "0"}).status_code == 400  # no token: refused before anything
    post_form(bob, "/me/courses/demo/enrol", page_url="/courses/demo/")
    page = bob.get("/courses/demo/").get_data(as_text=True)
    from tests.conftest import csrf_from

    assert bob.post(attempt_url, data={"csrf_token": csrf_from(page), "q0": "0"}).status_code == 404
