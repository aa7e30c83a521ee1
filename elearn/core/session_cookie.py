"""Flask's signed session cookie, with each cookie's signature checked once per worker.

A browser sends the same session cookie on every request until the session changes
(``SESSION_REFRESH_EACH_REQUEST`` is off), and Flask checks it from scratch each time: a
serializer and a signer built, the key derived and the signature computed (two HMACs),
base64 and the timestamp decoded. :class:`CheckedOnceSessionInterface` keeps, per cookie
value, the session's JSON and when it was signed, and on the next request only parses
that JSON again (so no two requests share a mutable session). A kept cookie older than the
session lifetime goes through Flask's own check again, so it expires exactly as before; a
cookie with a bad signature is never kept. The store is bounded and belongs to the app.
"""

from __future__ import annotations

import time

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

MAX_KEPT = 10_000  # cookies kept per worker (a few hundred bytes each)


class CheckedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: dict[str, tuple[str, int]] = {}  # cookie -> (its JSON, when it was signed)

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._kept.get(value)
        if kept is not None and int(time.time()) - kept[1] <= max_age:  # itsdangerous's own test of age
            return self.session_class(self.serializer.loads(kept[0]))
        serializer = self.get_signing_serializer(app)
        try:
            payload, signed_at = serializer.make_signer().unsign(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        try:
            data = serializer.load_payload(payload)
        except BadSignature:  # BadPayload: signed, but does not decode
            return self.session_class()
        if len(self._kept) >= MAX_KEPT:
            self._kept.clear()
        self._kept[value] = (self.serializer.dumps(data), int(signed_at.timestamp()))
        return self.session_class(data)
