"""The session cookie's signature is checked once per worker, and a kept cookie behaves as a checked one."""

from __future__ import annotations

import time

from elearn.core import session_cookie
from tests.conftest import csrf_from, sign_in


def _open(app, cookie: str | None):
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"} if cookie else {}
    with app.test_request_context("/", headers=headers):
        from flask import request

        return app.session_interface.open_session(app, request)


def _signed(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def test_a_kept_cookie_gives_every_request_a_session_of_its_own(app):
    cookie = _signed(app, {"_flashes": [["message", "Saved"]], "csrf_token": "abc"})
    first = _open(app, cookie)
    assert cookie in app.session_interface._kept  # checked, and kept
    first["_flashes"].append(["error", "changed in one request"])
    first["csrf_token"] = "changed"
    second = _open(app, cookie)
    assert dict(second) == {"_flashes": [["message", "Saved"]], "csrf_token": "abc"}
    assert not second.modified


def test_a_cookie_with_a_wrong_signature_is_refused_and_not_kept(app):
    cookie = _signed(app, {"_user_id": "token"})
    assert dict(_open(app, cookie)) == {"_user_id": "token"}
    body, signature = cookie.rsplit(".", 1)
    forged = f"{body}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"  # not the last character: padding bits
    other_key = f"{body}.{_signed(app, {'x': 1}).rsplit('.', 1)[1]}"
    for bad in (forged, other_key, "not-a-cookie"):
        assert dict(_open(app, bad)) == {}
        assert bad not in app.session_interface._kept


def test_a_kept_cookie_expires_with_the_session_lifetime(app, monkeypatch):
    cookie = _signed(app, {"_user_id": "token"})
    assert dict(_open(app, cookie)) == {"_user_id": "token"}
    lifetime = app.permanent_session_lifetime.total_seconds()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + lifetime - 5)
    assert dict(_open(app, cookie)) == {"_user_id": "token"}
    monkeypatch.setattr(time, "time", lambda: now + lifetime + 5)
    assert dict(_open(app, cookie)) == {}  # as itsdangerous says of the signature: expired


def test_the_store_is_bounded(app, monkeypatch):
    monkeypatch.setattr(session_cookie, "MAX_KEPT", 3)
    for number in range(7):
        _open(app, _signed(app, {"n": number}))
        assert len(app.session_interface._kept) <= 3


def test_signing_out_still_ends_the_session_whose_cookie_was_kept(app, make_user):
    """The cookie is kept, the sign-in it names is not: the user_session row decides on every request."""
    make_user("ana@example.org")
    client = app.test_client()
    sign_in(client, "ana@example.org")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    page = client.get("/me/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert replay.get("/me/").status_code == 302  # to the sign-in page
