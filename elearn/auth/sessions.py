"""Server-side sign-in sessions on top of Flask-Login.

The session cookie holds a random token, never the user id; the database keeps the
token's hash in :class:`UserSession`. Deleting rows signs browsers out at once: at
sign-out (this browser), at a password change or reset (every other browser), and
when an account is deleted. Sessions end after ``SESSION_IDLE_MINUTES`` without a
request and ``SESSION_MAX_HOURS`` after sign-in, whatever the activity.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import ColumnElement, Select, bindparam, delete, select, update
from sqlalchemy.orm import attributes

from elearn.auth.models import RoleGrant, User, UserSession
from elearn.core.models import as_loaded, as_utc, rows_matched, utcnow
from elearn.extensions import db

LAST_SEEN_RESOLUTION = timedelta(seconds=60)  # write last_seen_at at most once a minute

# Every signed-in request runs this, so it is built once and reads plain columns (a row per
# role grant, one for a learner); load_user makes the ORM objects from them (core.models.as_loaded).
_USER, _GRANT, _SESSION = User.__table__, RoleGrant.__table__, UserSession.__table__
# Figures other domains add to that one query, each a scalar subquery on the user's id, set as
# attributes of the user (notifications: the unread count in the page header): no extra statement.
_FIGURES: dict[str, Callable[[ColumnElement], ColumnElement]] = {}


def add_user_figure(name: str, make: Callable[[ColumnElement], ColumnElement]) -> None:
    """Load ``make(user id column)`` with the signed-in user, as ``user.<name>`` (a domain's receivers call it)."""
    _FIGURES[name] = make
    _session_and_user.cache_clear()


@functools.cache
def _session_and_user() -> Select:
    return (
        select(
            *_USER.c,
            *(column.label(f"grant_{column.key}") for column in _GRANT.c),
            _SESSION.c.id.label("session_id"),
            _SESSION.c.created_at.label("session_created_at"),
            _SESSION.c.last_seen_at.label("session_last_seen_at"),
            *(make(_USER.c.id).label(f"figure_{name}") for name, make in _FIGURES.items()),
        )
        .select_from(
            _SESSION.join(_USER, _USER.c.id == _SESSION.c.user_id).outerjoin(_GRANT, _GRANT.c.user_id == _USER.c.id)
        )
        .where(_SESSION.c.token_hash == bindparam("token_hash"))
        .order_by(_GRANT.c.id)
    )


_END_SESSION = delete(_SESSION).where(_SESSION.c.id == bindparam("session_id"))
_SEEN = update(_SESSION).where(_SESSION.c.id == bindparam("session_id")).values(last_seen_at=bindparam("now"))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(user: User) -> None:
    """Start a new session: the old cookie's contents are dropped (no session fixation)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(token_hash=_hash(token), user_id=user.id, user_agent=(request.user_agent.string or "")[:200])
    )
    user.session_token = token
    session.permanent = True
    login_user(user)


def sign_out(user: User) -> None:
    if user.session_token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(user.session_token)))
    logout_user()
    session.clear()


def end_other_sessions(user: User) -> int:
    """Sign the user out everywhere but here; returns how many sessions ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.session_token:
        query = query.where(UserSession.token_hash != _hash(user.session_token))
    return rows_matched(db.session.execute(query))


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: one query (the user's roles joined in), plus a write at most once a minute."""
    rows = db.session.execute(_session_and_user(), {"token_hash": _hash(token)}).all()
    if not rows:
        return None
    first = rows[0]._mapping
    session_id, created_at, last_seen_at = (
        first["session_id"],
        first["session_created_at"],
        first["session_last_seen_at"],
    )
    now = utcnow()
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=config["SESSION_MAX_HOURS"])
    if now - as_utc(last_seen_at) > idle or now - as_utc(created_at) > lifetime:
        db.session.execute(_END_SESSION, {"session_id": session_id})
        return None
    if now - as_utc(last_seen_at) > LAST_SEEN_RESOLUTION:
        db.session.execute(_SEEN, {"session_id": session_id, "now": now})
    user = _user_from(rows)
    user.session_token = token
    for name in _FIGURES:
        setattr(user, name, first[f"figure_{name}"])
    return user


def _user_from(rows) -> User:
    """The user of :func:`_session_and_user`'s rows, with their role grants, as the ORM would load them."""
    first = rows[0]._mapping
    grants = [
        as_loaded(db.session, RoleGrant, {c.key: row._mapping[f"grant_{c.key}"] for c in _GRANT.c})
        for row in rows
        if row._mapping["grant_id"] is not None
    ]
    user = as_loaded(db.session, User, {c.key: first[c] for c in _USER.c}, grants=grants)
    for grant in grants:
        attributes.set_committed_value(grant, "user", user)
    return user


def delete_expired() -> int:
    """Delete the sessions that ended (idle too long, or too old) but were never used again; how many."""
    now = utcnow()
    config = current_app.config
    idle_since = now - timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    started_before = now - timedelta(hours=config["SESSION_MAX_HOURS"])
    query = delete(UserSession).where(
        (UserSession.last_seen_at < idle_since) | (UserSession.created_at < started_before)
    )
    return rows_matched(db.session.execute(query))
