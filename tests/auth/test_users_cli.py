"""``flask users create`` refuses what the sign-in form refuses, and a partner admin without a variant."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.extensions import db
from tests.conftest import csrf_from

PASSWORD = "a strong admin passphrase"


def create(runner, *args: str):
    return runner.invoke(args=["users", "create", "--password", PASSWORD, *args])


def accounts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    "email",
    ["not-an-address", "two@@example.org", "a@b", "space in@example.org", "dot.@example.org", "a@example..org"],
)
def test_addresses_the_sign_in_form_refuses_are_refused(runner, app, client, email):
    page = client.get("/login").get_data(as_text=True)
    form = client.post("/login", data={"csrf_token": csrf_from(page), "email": email, "password": PASSWORD})
    assert form.status_code != 302  # the form refuses it too

    result = create(runner, "--email", email)

    assert result.exit_code == 2 and "is not an email address the sign-in form accepts" in result.output
    assert accounts(app) == 0


def test_the_address_is_stored_as_the_form_would(runner, app):
    result = create(runner, "--email", "  Ilze.Berzina@Example.LV ", "--role", "cohort_lead")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "ilze.berzina@example.lv"


def test_a_partner_admin_needs_a_variant(runner, app):
    """Which versions --variant accepts: tests/auth/test_partner_admin_versions.py."""
    refused = create(runner, "--email", "partner@example.org", "--role", "partner_admin")
    assert refused.exit_code == 2 and "--role partner_admin needs --variant" in refused.output
    stray = create(runner, "--email", "partner@example.org", "--role", "admin", "--variant", "lv-LV")
    assert stray.exit_code == 2 and "--variant is only for --role partner_admin" in stray.output
    assert accounts(app) == 0
