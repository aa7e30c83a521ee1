"""``elearn.auth.access.allow``: a rule for a route registered from outside elearn, on one app only."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from elearn.auth.access import PUBLIC, SIGNED_IN, allow, rule_for

pytestmark = pytest.mark.own_app  # routes are added to the app


def add_outside_route(app) -> None:
    extra = Blueprint("outside", __name__)
    extra.add_url_rule("/outside", "page", lambda: "outside page")
    app.register_blueprint(extra)


def test_a_route_without_a_rule_is_refused_until_allowed(app):
    add_outside_route(app)
    client = app.test_client()
    assert client.get("/outside").status_code == 403
    allow(app, "outside.page", PUBLIC)
    response = client.get("/outside")
    assert response.status_code == 200 and response.get_data(as_text=True) == "outside page"


def test_an_allowed_rule_is_enforced(app):
    add_outside_route(app)
    allow(app, "outside.page", SIGNED_IN)
    response = app.test_client().get("/outside")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_allow_is_per_app(app):
    other = Flask("other")  # another app in the same process, as the tests make many
    allow(app, "outside.page", PUBLIC)
    with app.app_context():
        assert rule_for("outside.page") is PUBLIC
    with other.app_context():
        assert rule_for("outside.page") is None


def test_elearn_routes_keep_their_rules(app):
    with pytest.raises(ValueError, match="already has a rule"):
        allow(app, "auth.profile", PUBLIC)
    with app.app_context():
        assert rule_for("auth.profile") is SIGNED_IN
