"""Pages' CSRF tokens are signed once per session and worker, and Flask-WTF accepts them as its own."""

from __future__ import annotations

import time

from flask_wtf.csrf import validate_csrf

from tests.conftest import csrf_from, sign_in


def test_a_session_keeps_one_signed_token_and_it_is_accepted(app, make_user, monkeypatch):
    make_user("ana@example.org")
    make_user("ben@example.org")
    ana, ben = app.test_client(), app.test_client()
    sign_in(ana, "ana@example.org")
    sign_in(ben, "ben@example.org")
    now, tokens = time.time(), []
    for seconds, url in enumerate(("/me/", "/me/", "/courses/", "/me/profile")):
        monkeypatch.setattr(time, "time", lambda seconds=seconds: now + 10 * seconds)  # a new timestamp each
        tokens.append(csrf_from(ana.get(url).get_data(as_text=True)))
    # The session's first token is Flask-WTF's; from the next request on, the one this worker signed
    # is on every page: the page's form and the header's sign-out button agree.
    assert len(set(tokens[1:])) == 1
    assert csrf_from(ben.get("/me/").get_data(as_text=True)) != tokens[0]
    with ana.session_transaction() as session:
        raw = session["csrf_token"]
    with app.test_request_context("/"):
        from flask import session

        session["csrf_token"] = raw
        for token in tokens[:2]:
            validate_csrf(token)  # Flask-WTF's own check: raises if not valid
    response = ana.post(
        "/me/profile", data={"csrf_token": tokens[0], "name": "Ana B", "country": "LV", "language": "en"}
    )
    assert response.status_code == 302
    assert (
        ben.post(
            "/me/profile", data={"csrf_token": tokens[0], "name": "X", "country": "LV", "language": "en"}
        ).status_code
        == 400
    )


def test_with_a_time_limit_every_page_signs_afresh(app, make_user, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 60
    make_user("ana@example.org")
    client = app.test_client()
    sign_in(client, "ana@example.org")
    first = csrf_from(client.get("/me/").get_data(as_text=True))
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 30)
    second = csrf_from(client.get("/me/").get_data(as_text=True))
    assert second != first  # a new timestamp: Flask-WTF's generate_csrf, not the kept token
    monkeypatch.setattr(time, "time", lambda: now + 90)
    expired = client.post("/me/profile", data={"csrf_token": first, "name": "Ana", "country": "LV", "language": "en"})
    assert expired.status_code == 400
    fresh = csrf_from(client.get("/me/").get_data(as_text=True))
    assert (
        client.post(
            "/me/profile", data={"csrf_token": fresh, "name": "Ana", "country": "LV", "language": "en"}
        ).status_code
        == 302
    )
