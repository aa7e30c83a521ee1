"""Every route × every role (and anonymous): allowed, 403, or a redirect to sign in.

The expected outcome is computed from ``elearn.auth.access.RULES`` and checked against
what the app really answers, so a route added without a rule fails here, and a rule
that the app does not enforce fails here too.
"""

from __future__ import annotations

import pytest

from elearn.auth.access import RULES
from elearn.auth.models import ROLES
from tests.conftest import sign_in
from tests.factories import all_endpoints, sign_in_without_csrf


def test_every_endpoint_has_an_access_rule(app):
    missing = sorted({endpoint for endpoint, _m, _u in all_endpoints(app)} - set(RULES))
    assert missing == [], f"routes without an access rule in elearn/auth/access.py: {missing}"
    stale = sorted(set(RULES) - {endpoint for endpoint, _m, _u in all_endpoints(app)})
    assert stale == [], f"rules for routes that no longer exist: {stale}"


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
