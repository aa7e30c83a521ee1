"""The moderators' audit log: writing an entry for each act, reading a page of it."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.board.models import ModerationAction, Organisation, Post, Reply
from elearn.board.permissions import _country_clause
from elearn.core.pagination import Page
from elearn.extensions import db


def _log(
    action: str,
    target: str,
    actor: User,
    country: str,
    *,
    post: Post | None = None,
    reply: Reply | None = None,
    organisation: Organisation | None = None,
    title: str = "",
    reason: str = "",
) -> None:
    db.session.add(
        ModerationAction(
            action=action,
            target=target,
            actor_id=actor.id,
            country=country,
            post_id=post.id if post else None,
            reply_id=reply.id if reply else None,
            organisation_id=organisation.id if organisation else None,
            title=title[:200],
            reason=reason,
        )
    )


def audit_log(moderator: User, page: int = 1, per_page: int = 50) -> Page:
    statement = select(ModerationAction).where(_country_clause(ModerationAction.country, moderator))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    items = db.session.scalars(
        statement.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(per_page)
        .offset((max(1, page) - 1) * per_page)
    ).all()
    return Page(list(items), total or 0, max(1, page), per_page)
