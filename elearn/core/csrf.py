"""The CSRF token a page's forms carry: Flask-WTF's, signed once per session and worker.

Flask-WTF signs the session's random token anew on every page that shows a form (the
sign-out button is on every page for a signed-in user): JSON, a zlib attempt, base64, a
timestamp and two HMACs, a tenth of a reading page's own work. The signature's timestamp
is only checked when ``WTF_CSRF_TIME_LIMIT`` is set; elearn leaves it unset (a form stays
valid as long as the sign-in session), so a token signed earlier for the same session is
exactly as valid as a new one. So each worker signs a session's token once and puts it,
before the view runs, where Flask-WTF's ``generate_csrf`` looks first (``g``): templates'
``csrf_token()`` and every form use it. With a time limit set, every page signs afresh, as
Flask-WTF does. Validation is Flask-WTF's, unchanged.
"""

from __future__ import annotations

from functools import lru_cache

from flask import g, request, session
from itsdangerous import URLSafeTimedSerializer


@lru_cache(maxsize=4096)
def _signed(raw_token: str, secret_key: str) -> str:
    """What Flask-WTF's ``generate_csrf`` makes of the session's random token (its serializer and salt)."""
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw_token)


def init_app(app) -> None:
    """Before the view runs, put this session's kept token where Flask-WTF looks first (``g``)."""

    @app.before_request
    def use_the_kept_token():
        config = app.config
        if not request.cookies or config.get("WTF_CSRF_TIME_LIMIT") is not None:
            return  # no session yet (Flask-WTF makes its token), or tokens that expire
        field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        raw = session.get(field)
        if isinstance(raw, str):
            setattr(g, field, _signed(raw, config.get("WTF_CSRF_SECRET_KEY") or app.secret_key))
