"""Saved filters: saving, listing, changing how often they mail, and unsubscribing by a signed link."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from elearn.auth.models import User
from elearn.board.errors import BoardError
from elearn.board.filters import BoardFilter
from elearn.board.models import DAILY, OFF, WEEKLY, SavedFilter
from elearn.board.text import _line
from elearn.core.models import utcnow
from elearn.extensions import db

UNSUBSCRIBE_SALT = "board-unsubscribe"


def save_filter(user: User, name: str, board_filter: BoardFilter, frequency: str) -> SavedFilter:
    if frequency not in {OFF, DAILY, WEEKLY}:
        raise BoardError(_l("Choose how often to get mail."), "frequency")
    saved = SavedFilter(
        user_id=user.id,
        name=_line(name) or board_filter.query() or str(_l("All posts")),
        query=board_filter.query(),
        frequency=frequency,
        last_sent_at=utcnow(),
    )
    db.session.add(saved)
    db.session.flush()
    return saved


def saved_filters(user: User) -> list[SavedFilter]:
    return list(
        db.session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(SavedFilter.created_at))
    )


def own_filter(user: User, filter_id: int) -> SavedFilter | None:
    saved = db.session.get(SavedFilter, filter_id)
    return saved if saved is not None and saved.user_id == user.id else None


def set_frequency(saved: SavedFilter, frequency: str) -> None:
    if frequency not in {OFF, DAILY, WEEKLY}:
        raise BoardError(_l("Choose how often to get mail."), "frequency")
    if saved.frequency == OFF and frequency != OFF:
        saved.last_sent_at = utcnow()  # start from now, not from the last digest months ago
    saved.frequency = frequency


def delete_filter(saved: SavedFilter) -> None:
    db.session.delete(saved)


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(saved: SavedFilter) -> str:
    """Signed, without expiry: the link in a year-old digest still unsubscribes (RFC 8058)."""
    return _unsubscribe_serializer().dumps({"f": saved.id, "u": saved.user_id})


def filter_for_token(token: str) -> SavedFilter | None:
    try:
        data = _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    saved = db.session.get(SavedFilter, data.get("f"))
    return saved if saved is not None and saved.user_id == data.get("u") else None


def unsubscribe(saved: SavedFilter) -> None:
    saved.frequency = OFF
