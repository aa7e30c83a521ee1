"""The digest mails: the posts new since the last one, for each saved filter that is due."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from elearn.board.filters import BoardFilter
from elearn.board.models import DAILY, WEEKLY, Post, SavedFilter
from elearn.board.saved_filters import unsubscribe_token
from elearn.core import mail
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

    ``flask board digest`` runs this from cron (daily) for each of :func:`due_filters`, each
    filter in a unit of work of its own; weekly filters go every seventh day. A filter with
    nothing new gets no mail, but its window moves on.

    The mail leaves here, before the caller commits ``last_sent_at``, and not after the commit
    like the board's other mail: a mail that fails raises, so the unit of work rolls this
    filter back and the next run sends the same digest again. Sending after the commit would
    lose that digest for good whenever the mail server refuses it; this order can at worst
    send one twice, if the commit itself fails after the mail left.
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
    mail.deliver(message)
