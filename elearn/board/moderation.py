"""Reports from members, moderators' decisions on posts and replies, and the moderation queue."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager, joinedload

from elearn.auth.models import User
from elearn.board import notices
from elearn.board.audit import _log
from elearn.board.errors import BoardError
from elearn.board.filters import printable
from elearn.board.models import (
    APPROVED,
    HIDDEN,
    PENDING,
    PUBLISHED,
    JoinDeclaration,
    Membership,
    Organisation,
    Post,
    Reply,
    Report,
)
from elearn.board.permissions import _country_clause, can_moderate, can_see_post
from elearn.board.posts import _recount
from elearn.core.models import utcnow
from elearn.extensions import db


def report(reporter: User, post: Post, reason: str, reply: Reply | None = None) -> Report:
    same_reply = Report.reply_id.is_(None) if reply is None else Report.reply_id == reply.id
    existing = db.session.scalar(
        select(Report).where(
            Report.reporter_id == reporter.id,
            Report.post_id == post.id,
            same_reply,
            Report.resolved_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    row = Report(
        post_id=post.id, reply_id=reply.id if reply else None, reporter_id=reporter.id, reason=printable(reason).strip()
    )
    db.session.add(row)
    db.session.flush()
    notices.report_filed(row, post, reporter)
    return row


def hidden_from_reporter(user, post: Post) -> bool:
    """Whether ``user`` reported ``post`` and the moderators have hidden it from them (not its author's view)."""
    if post.status != HIDDEN or not user.is_authenticated or can_see_post(user, post):
        return False
    reported = select(Report.id).where(Report.post_id == post.id, Report.reporter_id == user.id)
    return db.session.scalar(reported.limit(1)) is not None


def _resolve_reports(moderator: User, post: Post, reply: Reply | None) -> None:
    statement = update(Report).where(Report.post_id == post.id, Report.resolved_at.is_(None))
    statement = statement.where(Report.reply_id == reply.id) if reply else statement.where(Report.reply_id.is_(None))
    db.session.execute(statement.values(resolved_at=utcnow(), resolved_by_id=moderator.id))


def moderate(moderator: User, action: str, post: Post, reason: str, reply: Reply | None = None) -> None:
    """Hide, restore or approve a post or a reply; hiding and restoring need a reason."""
    if not can_moderate(moderator, post.country):
        raise BoardError(_l("You do not moderate posts from this country."))
    reason = printable(reason or "").strip()
    if action in {"hide", "restore"} and not reason:
        raise BoardError(_l("Please give a reason: the author sees it, and it goes into the audit log."), "reason")
    item = reply or post
    new_status = {"hide": HIDDEN, "restore": PUBLISHED, "approve": PUBLISHED}.get(action)
    if new_status is None:
        raise BoardError(_l("Unknown action."))
    if action == "approve" and item.status != PENDING:
        raise BoardError(_l("This is not waiting for approval."))
    if action == "restore" and item.status != HIDDEN:
        raise BoardError(_l("This is not hidden."))
    item.status = new_status
    item.moderation_reason = reason if action == "hide" else ""
    if action in {"hide", "restore"}:
        _resolve_reports(moderator, post, reply)
    _log(
        action,
        "reply" if reply else "post",
        moderator,
        post.country,
        post=post,
        reply=reply,
        title=post.title,
        reason=reason,
    )
    if reply is not None:
        _recount(post)
    notices.decided(moderator, action, post, reply, reason)
    if action == "approve" and reply is not None:
        notices.replied(post, reply)


def release_members_posts(moderator: User, organisation: Organisation) -> int:
    """Publish the posts and replies of the organisation's members that wait as their first (how many).

    The moderator has just vouched for the organisation. A post they hid and its author
    edited since (it waits with the reason it was hidden for) stays for a moderator to read."""
    reason = str(_l("Released when %(name)s was approved", name=organisation.name))
    members = select(Membership.user_id).where(
        Membership.organisation_id == organisation.id, Membership.status == APPROVED
    )
    waiting_posts = db.session.scalars(
        select(Post)
        .where(Post.status == PENDING, Post.moderation_reason == "", Post.author_id.in_(members))
        .where(_country_clause(Post.country, moderator))
        .order_by(Post.created_at)
    ).all()
    for post in waiting_posts:
        moderate(moderator, "approve", post, reason)
    waiting_replies = db.session.scalars(
        select(Reply)
        .join(Post, Reply.post_id == Post.id)
        .where(Reply.status == PENDING, Reply.author_id.in_(members), Post.status == PUBLISHED)
        .where(_country_clause(Post.country, moderator))
        .order_by(Reply.created_at)
    ).all()
    for reply in waiting_replies:
        moderate(moderator, "approve", reply.post, reason, reply)
    return len(waiting_posts) + len(waiting_replies)


def dismiss_report(moderator: User, row: Report, reason: str) -> None:
    if not can_moderate(moderator, row.post.country):
        raise BoardError(_l("You do not moderate posts from this country."))
    row.resolved_at, row.resolved_by_id = utcnow(), moderator.id
    _log(
        "dismiss",
        "report",
        moderator,
        row.post.country,
        post=row.post,
        reply=row.reply,
        title=row.post.title,
        reason=printable(reason or "").strip(),
    )


@dataclass
class Queue:
    reports: list[Report]
    posts: list[Post]
    replies: list[Reply]
    declarations: list[JoinDeclaration]

    def __len__(self) -> int:
        return len(self.reports) + len(self.posts) + len(self.replies) + len(self.declarations)


def moderation_queue(moderator: User) -> Queue:
    """Open reports, waiting posts, replies and organisations in the moderator's countries, oldest first."""
    reports = db.session.scalars(
        select(Report)
        .options(contains_eager(Report.post), joinedload(Report.reply))  # with their reporters: a fixed count
        .join(Post, Report.post_id == Post.id)
        .where(Report.resolved_at.is_(None), _country_clause(Post.country, moderator))
        .order_by(Report.created_at)
    ).all()
    posts = db.session.scalars(
        select(Post).where(Post.status == PENDING, _country_clause(Post.country, moderator)).order_by(Post.created_at)
    ).all()
    replies = db.session.scalars(
        select(Reply)
        .join(Post, Reply.post_id == Post.id)
        .where(Reply.status == PENDING, _country_clause(Post.country, moderator))
        .order_by(Reply.created_at)
    ).all()
    declarations = db.session.scalars(
        select(JoinDeclaration)
        .join(Organisation)
        .where(JoinDeclaration.decision == PENDING, _country_clause(Organisation.country, moderator))
        .order_by(JoinDeclaration.submitted_at)
    ).all()
    return Queue(list(reports), list(posts), list(replies), list(declarations))
