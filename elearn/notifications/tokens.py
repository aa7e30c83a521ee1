"""The signed unsubscribe links of notification mails: a person and a kind, no expiry, no sign-in."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from elearn.auth.models import User
from elearn.extensions import db
from elearn.notifications import kinds

SALT = "notifications-unsubscribe"
EVERY_DAILY = "*"  # the digest's link: every kind the person gets daily


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, kind_name: str) -> str:
    """Signed, without expiry: the link in a year-old mail still works (RFC 8058)."""
    return _serializer().dumps({"u": user_id, "k": kind_name})


def subscription_for(token: str) -> tuple[User, str] | None:
    """(the person, the kind or EVERY_DAILY) a link names, or None if it is forged or its person is gone."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not (data.get("k") == EVERY_DAILY or data.get("k") in kinds.KINDS):
        return None
    user = db.session.get(User, data.get("u"))
    return (user, data["k"]) if user is not None else None
