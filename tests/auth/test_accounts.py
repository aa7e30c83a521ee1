"""Accounts end to end through the test client, with mail read from a real local SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from elearn.auth.models import User, UserSession
from elearn.extensions import db
from tests.conftest import PASSWORD, csrf_from, post_form, sign_in
from tests.factories import TWO_MODULE_FILES, import_course

NEW = {
    "name": "Ilze Bērziņa",
    "email": "Ilze@Example.org",
    "password": "a long and quiet river",
    "country": "LV",
    "language": "lv",
}


def register_and_confirm(client, mailbox, data=NEW):
    response = post_form(client, "/register", data)
    assert response.status_code == 200 and "ilze@example.org" in response.get_data(as_text=True).lower()
    link = mailbox.link_in("ilze@example.org")
    assert "/confirm/" in link
    return client.get(link.split("localhost", 1)[-1])


def test_register_confirm_by_mail_and_sign_in(client, mailbox, app):
    register_and_confirm(client, mailbox)
    message = mailbox.last_to("ilze@example.org")
    with app.test_request_context(), force_locale("lv"):
        latvian_subject = gettext("Confirm your email address")
    assert latvian_subject != "Confirm your email address"
    assert message["Subject"] == latvian_subject  # mail goes out in the user's language
    response = sign_in(client, "ilze@example.org", NEW["password"])
    assert response.headers["Location"] == "/me/"
    assert "Ilze" in client.get("/me/profile").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("$argon2id$")
        assert user.email == "ilze@example.org" and user.email_confirmed_at is not None


def test_a_registration_whose_request_fails_mails_nothing_and_keeps_no_account(client, mailbox, app, monkeypatch):
    """The account and its confirmation mail are one unit: the mail waits for the commit."""
    from elearn.auth import views

    page = client.get("/register").get_data(as_text=True)

    def fail_after_the_service(template, **context):
        raise RuntimeError(f"the page {template} failed")

    monkeypatch.setattr(views, "render_template", fail_after_the_service)
    with pytest.raises(RuntimeError, match="check_mail"):  # services.register ran and registered the mail
        client.post("/register", data={"csrf_token": csrf_from(page), **NEW})
    assert mailbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "ilze@example.org")) is None
    monkeypatch.undo()
    register_and_confirm(client, mailbox)  # the same registration, without the failure: mailed and kept
    assert len(mailbox.messages) == 1


def test_the_confirmation_mail_is_sent_after_the_commit(app, mailbox, monkeypatch):
    """Inside the transaction nothing is sent; the commit sends it."""
    from elearn.auth import services
    from elearn.core.transaction import commit

    with app.test_request_context():
        services.register(**NEW)
        assert mailbox.messages == []
        commit()
    assert "/confirm/" in mailbox.link_in("ilze@example.org")


def test_unconfirmed_account_cannot_sign_in(client, mailbox):
    post_form(client, "/register", NEW)
    response = post_form(client, "/login", {"email": NEW["email"], "password": NEW["password"]})
    assert response.status_code == 200
    assert "confirm your email address first" in response.get_data(as_text=True)


def test_registering_an_existing_address_reveals_nothing_and_mails_the_owner(client, mailbox, make_user):
    make_user("ilze@example.org")
    response = post_form(client, "/register", NEW)
    assert "We have sent a message to" in response.get_data(as_text=True)
    assert "already have one" in mailbox.last_to("ilze@example.org").get_body(("plain",)).get_content()


def test_weak_passwords_are_refused_and_the_form_keeps_what_was_typed(client):
    for password, message in [
        ("short", "at least 8 characters"),
        ("password123", "too common"),
        ("x" * 129, "at most 128 characters"),
    ]:
        page = post_form(client, "/register", {**NEW, "password": password}).get_data(as_text=True)
        assert message in page, password
        assert 'value="Ilze Bērziņa"' in page and 'value="Ilze@Example.org"' in page
    long_enough = "x" * 64 + " a passphrase"
    page = post_form(client, "/register", {**NEW, "password": long_enough}).get_data(as_text=True)
    assert "Check your mail" in page


def test_password_reset_by_mail_is_single_use(client, mailbox, make_user, app):
    make_user("ana@example.org")
    post_form(client, "/password/forgot", {"email": "ana@example.org"})
    path = mailbox.link_in("ana@example.org").split("localhost", 1)[-1]
    response = post_form(client, path, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    sign_in(client, "ana@example.org", "a brand new passphrase")
    again = client.get(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_forgot_password_says_the_same_for_unknown_addresses(client, mailbox):
    page = post_form(client, "/password/forgot", {"email": "nobody@example.org"}).get_data(as_text=True)
    assert "If an account exists for nobody@example.org" in page
    assert mailbox.messages == []


def test_logout_ends_the_session_on_the_server(client, make_user, app):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    stolen_cookie = client.get_cookie("session").value
    page = client.get("/me/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    thief = app.test_client()
    thief.set_cookie("session", stolen_cookie)
    assert thief.get("/me/").status_code == 302  # back to sign in: the old cookie is worthless


def test_password_change_signs_out_other_devices(app, make_user):
    make_user("ana@example.org")
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, "ana@example.org")
    sign_in(laptop, "ana@example.org")
    response = post_form(
        laptop,
        "/me/password",
        {"current": PASSWORD, "password": "another fine passphrase", "confirm": "another fine passphrase"},
        page_url="/me/profile",
    )
    assert response.status_code == 302
    assert laptop.get("/me/").status_code == 200
    assert phone.get("/me/").status_code == 302


def test_session_cookie_changes_at_sign_in(client, make_user):
    """Session fixation: whatever cookie the visitor had before, signing in starts a new session."""
    make_user("ana@example.org")
    client.get("/courses/?lang=lv")
    client.get("/login")
    before = client.get_cookie("session").value
    sign_in(client, "ana@example.org")
    assert client.get_cookie("session").value != before


def test_idle_sessions_expire(client, make_user, app):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        row.last_seen_at = row.last_seen_at - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
        db.session.commit()
    assert client.get("/me/").status_code == 302


def test_next_redirects_only_within_the_site(client, make_user):
    make_user("ana@example.org")
    for target, expected in [
        ("/courses/", "/courses/"),
        ("https://evil.example/", "/me/"),
        ("//evil.example/x", "/me/"),
        ("/\\evil.example", "/me/"),
        ("javascript:alert(1)", "/me/"),
    ]:
        client.get("/login")
        response = post_form(
            client, "/login", {"email": "ana@example.org", "password": PASSWORD, "next": target}, page_url="/login"
        )
        assert response.headers["Location"] == expected, target
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/me/").get_data(as_text=True))})


def test_brute_force_login_gets_429_with_when_to_retry(client, make_user):
    make_user("ana@example.org")
    statuses = []
    for _ in range(7):
        response = post_form(client, "/login", {"email": "ana@example.org", "password": "wrong guess"})
        statuses.append(response.status_code)
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Please try again in 1 minute" in response.get_data(as_text=True)
    # the right password is refused too while the account is paused
    assert post_form(client, "/login", {"email": "ana@example.org", "password": PASSWORD}).status_code == 429


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user("ana@example.org")
    assert client.post("/login", data={"email": "ana@example.org", "password": PASSWORD}).status_code == 400
    sign_in(client, "ana@example.org")
    assert client.post("/logout").status_code == 400
    assert client.get("/me/").status_code == 200  # still signed in


def test_profile_edit_and_account_deletion(client, make_user, app):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    response = post_form(client, "/me/profile", {"name": "Ana Novak", "country": "SI", "language": "sl"})
    assert response.status_code == 302
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'lang="sl"' in page  # the saved language is the interface language
    refused = post_form(client, "/me/delete", {"password": "wrong"}, page_url="/me/profile")
    assert refused.status_code == 400
    post_form(client, "/me/delete", {"password": PASSWORD}, page_url="/me/profile")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert client.get("/me/").status_code == 302


def test_users_create_command(runner, app):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Admin@Example.org",
            "--role",
            "admin",
            "--password",
            "a strong admin passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "admin@example.org" and user.has_role("admin")
    weak = runner.invoke(args=["users", "create", "--email", "b@example.org", "--password", "password"])
    assert weak.exit_code != 0 and "too common" in weak.output


def test_users_create_command_is_one_unit_of_work(runner, app, monkeypatch):
    """The command commits when it ends; a failure after the account was made keeps nothing."""
    from elearn.auth import cli

    def fail(_message):
        raise RuntimeError("the terminal went away")

    monkeypatch.setattr(cli.click, "echo", fail)
    result = runner.invoke(args=["users", "create", "--email", "c@example.org", "--password", "a strong passphrase"])
    assert isinstance(result.exception, RuntimeError)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "c@example.org")) is None


def test_admin_grants_and_removes_roles(client, make_user, app, write_course):
    import_course(app, write_course, TWO_MODULE_FILES)  # its version lv-LV
    make_user("admin@example.org", roles=("admin",))
    target = make_user("lead@example.org")
    sign_in(client, "admin@example.org")
    url = f"/admin/users/{target}"
    refused = post_form(client, f"{url}/roles", {"role": "partner_admin"}, page_url=url)
    assert refused.status_code == 400 and "Choose at least one course version" in refused.get_data(as_text=True)
    post_form(client, f"{url}/roles", {"role": "partner_admin", "variants": "lv-LV"}, page_url=url)
    with app.app_context():
        user = db.session.get(User, target)
        assert user.variants_administered() == {"lv-LV"}
        grant_id = user.grants[0].id
    post_form(client, f"{url}/roles/{grant_id}/revoke", page_url=url)
    with app.app_context():
        assert db.session.get(User, target).roles == {"learner"}


@pytest.mark.real_commits  # the two workers' own connections must see Ana
def test_rate_limits_are_shared_through_redis_when_configured(committing_database_url, make_user):
    """Two app instances (two gunicorn workers) share one limit through Redis."""
    import uuid

    import redis

    from elearn import create_app

    url = "redis://127.0.0.1:6379/15"
    server = redis.Redis.from_url(url)
    server.ping()  # the suite needs the Redis of this machine (see README)
    prefix = uuid.uuid4().hex
    make_user("ana@example.org")
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": prefix,
        "SQLALCHEMY_DATABASE_URI": committing_database_url,
    }
    apps = [create_app(config), create_app(config)]
    workers = [a.test_client() for a in apps]
    try:
        statuses = [
            post_form(workers[i % 2], "/login", {"email": "ana@example.org", "password": "wrong"}).status_code
            for i in range(6)
        ]
        assert statuses == [200] * 5 + [429]
    finally:
        # this test's keys only: make test runs the suite on SQLite and on PostgreSQL at once
        for key in server.scan_iter(match=f"*{prefix}*"):
            server.delete(key)
        server.close()
        for worker_app in apps:
            with worker_app.app_context():
                db.engine.dispose()


def test_forged_or_tampered_links_are_refused(client, mailbox, make_user):
    page = client.get("/confirm/garbage")
    assert page.status_code == 400 and "This confirmation link is not valid." in page.get_data(as_text=True)
    make_user("ana@example.org")
    post_form(client, "/password/forgot", {"email": "ana@example.org"})
    path = mailbox.link_in("ana@example.org").split("localhost", 1)[-1]
    tampered = client.get(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert tampered.status_code == 400 and "This reset link is not valid." in tampered.get_data(as_text=True)


def test_the_registration_form_offers_the_language_being_read(client):
    page = client.get("/register?lang=lv").get_data(as_text=True)
    assert '<option selected value="lv">Latviešu</option>' in page  # the form's select, not the header menu


def test_admin_pages_name_roles_in_the_readers_language(client, make_user):
    """Role names as people read them, translated; "Role" is the account's role, not an interviewee's job."""
    make_user("admin@example.org", roles=("admin",), language="lv")  # signed-in people read their own language
    target = make_user("lead@example.org", roles=("cohort_lead",))
    sign_in(client, "admin@example.org")
    page = client.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "<li>Dalībnieks</li>" in page and "Grupas vadītājs" in page  # learner, cohort lead
    assert '<label for="role">Loma</label>' in page and "Amats" not in page
    assert '<option value="partner_admin">Partnera administrators</option>' in page
    assert "cohort_lead" not in page.replace('value="cohort_lead"', "")
    listing = client.get("/admin/users/").get_data(as_text=True)
    assert "Dalībnieks, Grupas vadītājs" in listing or "Grupas vadītājs, Dalībnieks" in listing
    assert "Vietnes administrators" in listing
