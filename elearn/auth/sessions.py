"""Server-side sign-in sessions on top of Flask-Login.

The session cookie holds a random token, never the user id; the database keeps the
token's hash in :class:`UserSession`. Deleting rows signs browsers out at once: at
sign-out (this browser), at a password change or reset (every other browser), and
when an account is deleted. Sessions end after ``SESSION_IDLE_MINUTES`` without a
request and ``SESSION_MAX_HOURS`` after sign-in, whatever the activity.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from elearn.auth.models import User, UserSession
from elearn.core.models import as_utc, utcnow
from elearn.extensions import db

LAST_SEEN_RESOLUTION = timedelta(seconds=60)  # write last_seen_at at most once a minute

# Built once: every signed-in request runs it, and building a statement costs more than running it.
_SESSION_AND_USER = (
    select(User, UserSession.id, UserSession.created_at, UserSession.last_seen_at)
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash")).options(joinedload(User.grants))
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()



def sign_in(user: User) -> None:
    """Start a new session: the old cookie's contents are dropped (no session fixation)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id,
                               user_agent=(request.user_agent.string or "")[:200]))
    db.session.commit()
    user.session_token = token
    session.permanent = True
    login_user(user)


def sign_out(user: User) -> None:
    if user.session_token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(user.session_token)))
        db.session.commit()
    logout_user()
    session.clear()


def end_other_sessions(user: User) -> int:
    """Sign the user out everywhere but here; returns how many sessions ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.session_token:
        query = query.where(UserSession.token_hash != _hash(user.session_token))
    return db.session.execute(query).rowcount


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: one query (the user's roles joined in), plus a write at most once a minute."""
    row = db.session.execute(_SESSION_AND_USER, {"token_hash": _hash(token)}).unique().first()
    if row is None:
        return None
    user, session_id, created_at, last_seen_at = row
    now = utcnow()
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=config["SESSION_MAX_HOURS"])
    if now - as_utc(last_seen_at) > idle or now - as_utc(created_at) > lifetime:
        db.session.execute(delete(UserSession).where(UserSession.id == session_id))
        db.session.commit()
        return None
    if now - as_utc(last_seen_at) > LAST_SEEN_RESOLUTION:
        db.session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
        db.session.commit()
    user.session_token = token
    return user
