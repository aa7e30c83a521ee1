"""The digest mails: the posts new since the last one, for each saved filter that is due."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from elearn.board.filters import BoardFilter
from elearn.board.models import DAILY, WEEKLY, Post, SavedFilter
from elearn.board.saved_filters import unsubscribe_token
from elearn.core import mail
from elearn.core.transaction import unit_of_work
from elearn.extensions import db

DIGEST_MAX_POSTS = 50


def due_filters(now: datetime) -> list[SavedFilter]:
    daily = (SavedFilter.frequency == DAILY) & or_(
        SavedFilter.last_sent_at.is_(None), SavedFilter.last_sent_at <= now - timedelta(hours=20)
    )
    weekly = (SavedFilter.frequency == WEEKLY) & or_(
        SavedFilter.last_sent_at.is_(None), SavedFilter.last_sent_at <= now - timedelta(days=6, hours=20)
    )
    return list(db.session.scalars(select(SavedFilter).where(daily | weekly).order_by(SavedFilter.id)))


def send_digest(saved: SavedFilter, now: datetime) -> bool:
    """Mail one due filter the published posts matching it since its last digest; True if a mail went out.

    The worker's daily job (elearn.board.tasks) and ``flask board digest`` run this for each of
    :func:`due_filters` (:func:`send_due_digests`), each filter in a unit of work of its own;
    weekly filters go every seventh day. A filter with nothing new gets no mail, but its
    window moves on.

    The digest is queued in the outbox (elearn.core.outbox) in the same transaction that
    moves ``last_sent_at`` on: both commit, or neither. A refusing mail server no longer loses
    the digest (the outbox retries it) nor sends it twice (the window has moved on with it).
    """
    board_filter = BoardFilter.from_args(_parse_query(saved.query))
    statement = board_filter.apply(select(Post)).where(Post.author_id.is_distinct_from(saved.user_id))
    if saved.last_sent_at is not None:
        statement = statement.where(Post.created_at > saved.last_sent_at)
    posts = list(db.session.scalars(statement.where(Post.created_at <= now).limit(DIGEST_MAX_POSTS)).unique())
    saved.last_sent_at = now
    if not posts:
        return False
    _send_digest(saved, posts, board_filter)
    return True


def _parse_query(query: str) -> dict[str, str]:
    return dict(parse_qsl(query))


def _send_digest(saved: SavedFilter, posts: list[Post], board_filter: BoardFilter) -> None:
    user = saved.user
    link = url_for("board.unsubscribe", token=unsubscribe_token(saved), _external=True)
    message = mail.compose(
        user.email,
        _l("New on the board: %(name)s", name=saved.name),
        "board/mail/digest",
        language=user.language,
        user=user,
        saved=saved,
        posts=posts,
        unsubscribe_link=link,
        board_link=url_for("board.index", _external=True, **board_filter.params()),
        filters_link=url_for("board.my_filters", _external=True),
    )
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.deliver(message, kind="digest", ref=f"board-digest:{saved.id}")


def send_due_digests(now: datetime) -> tuple[int, int]:
    """Every due filter's digest, each filter a unit of work of its own: (mailed, failed).

    One that fails (a template error …) stays due for the next run and does not undo, or
    hold up, the others'.
    """
    sent = failed = 0
    for filter_id in [saved.id for saved in due_filters(now)]:
        try:
            with unit_of_work():
                mailed = send_digest(db.session.get_one(SavedFilter, filter_id), now)
        except Exception:
            failed += 1
            current_app.logger.exception("The digest of saved filter %s failed", filter_id)
        else:
            sent += 1 if mailed else 0
    return sent, failed
