"""Reading the board: pages of published posts, the countries in use, the replies a user sees."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from elearn.board.filters import BoardFilter
from elearn.board.models import PUBLISHED, Post, Reply
from elearn.board.permissions import can_moderate
from elearn.core.pagination import Page
from elearn.extensions import db

PER_PAGE = 20


def list_posts(board_filter: BoardFilter, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of published posts matching the filter: two queries (count, rows) and one for tags."""
    page = max(1, page)
    matching = board_filter.apply(select(Post))
    total = db.session.scalar(select(func.count()).select_from(matching.order_by(None).subquery()))
    items = list(db.session.scalars(matching.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, total=total or 0, number=page, per_page=per_page)


def my_posts(user, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A user's own posts in every state (waiting, published, hidden), newest first: count and rows."""
    page = max(1, page)
    mine = select(Post).where(Post.author_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(mine.subquery()))
    rows = mine.order_by(Post.created_at.desc(), Post.id.desc()).limit(per_page).offset((page - 1) * per_page)
    return Page(items=list(db.session.scalars(rows).unique()), total=total or 0, number=page, per_page=per_page)


def countries_in_use() -> list[str]:
    return list(
        db.session.scalars(select(Post.country).where(Post.status == PUBLISHED).distinct().order_by(Post.country))
    )


def replies_for(user, post: Post) -> list[Reply]:
    """The replies a user sees: published ones, their own, and all of them for the post's moderators."""
    statement = select(Reply).where(Reply.post_id == post.id).order_by(Reply.created_at, Reply.id)
    if not user.is_authenticated:
        statement = statement.where(Reply.status == PUBLISHED)
    elif not can_moderate(user, post.country):
        statement = statement.where(or_(Reply.status == PUBLISHED, Reply.author_id == user.id))
    return list(db.session.scalars(statement))
