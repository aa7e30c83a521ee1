"""Personal data on the board: export and erasure (the contract is in ``elearn/auth/personal_data.py``).

Erasure deletes what the person wrote (posts with their replies, replies, reports,
messages, saved filters) and their memberships; what others need keeps its record
without the person: moderators' acts stay in the audit log without their name, join
declarations stay with the organisation without the declarant or the responsible person.
An organisation whose only admin leaves this way gets its oldest member as admin.
"""

from __future__ import annotations

import sys
from types import ModuleType

from sqlalchemy import delete, func, or_, select, update

from elearn.board.models import (
    APPROVED,
    ContactMessage,
    JoinDeclaration,
    Membership,
    ModerationAction,
    Post,
    Reply,
    Report,
    SavedFilter,
)
from elearn.core import signals
from elearn.extensions import db

NAME = "board"
ORDER = 50

COLUMNS = {
    "board_post.author_id",
    "board_reply.author_id",
    "board_report.reporter_id",
    "board_report.resolved_by_id",
    "board_moderation_action.actor_id",
    "board_membership.user_id",
    "board_join_declaration.submitted_by_id",
    "board_join_declaration.decided_by_id",
    "board_join_declaration.responsible_person",
    "board_saved_filter.user_id",
    "board_contact_message.sender_id",
    "board_contact_message.recipient_id",
}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _declared_by(user):
    """Declarations they sent, or that name them as the responsible person (a copy of their name)."""
    name = (user.name or "").strip().lower()
    if not name:
        return JoinDeclaration.submitted_by_id == user.id
    return or_(JoinDeclaration.submitted_by_id == user.id, func.lower(JoinDeclaration.responsible_person) == name)


def export(user) -> dict:
    posts = db.session.scalars(select(Post).where(Post.author_id == user.id).order_by(Post.id))
    replies = db.session.scalars(select(Reply).where(Reply.author_id == user.id).order_by(Reply.id))
    reports = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id).order_by(Membership.id))
    declarations = db.session.scalars(select(JoinDeclaration).where(_declared_by(user)).order_by(JoinDeclaration.id))
    filters = db.session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(SavedFilter.id))
    messages = db.session.scalars(
        select(ContactMessage)
        .where(or_(ContactMessage.sender_id == user.id, ContactMessage.recipient_id == user.id))
        .order_by(ContactMessage.id)
    )
    resolved = db.session.scalars(select(Report).where(Report.resolved_by_id == user.id).order_by(Report.id))
    decided = db.session.scalars(
        select(JoinDeclaration).where(JoinDeclaration.decided_by_id == user.id).order_by(JoinDeclaration.id)
    )
    acts = db.session.scalars(
        select(ModerationAction).where(ModerationAction.actor_id == user.id).order_by(ModerationAction.id)
    )
    return {
        "posts": [
            {
                "id": p.id,
                "kind": p.kind,
                "title": p.title,
                "text": p.body_md,
                "country": p.country,
                "region": p.region,
                "language": p.language,
                "tags": p.tags,
                "status": p.status,
                "organisation": p.organisation.name if p.organisation else None,
                "event_date": _iso(p.event_date),
                "event_place": p.event_place,
                "created_at": _iso(p.created_at),
            }
            for p in posts
        ],
        "replies": [
            {"post_id": r.post_id, "text": r.body_md, "status": r.status, "created_at": _iso(r.created_at)}
            for r in replies
        ],
        "reports": [
            {"post_id": r.post_id, "reply_id": r.reply_id, "reason": r.reason, "created_at": _iso(r.created_at)}
            for r in reports
        ],
        "memberships": [
            {"organisation": m.organisation.name, "admin": m.is_admin, "status": m.status, "since": _iso(m.created_at)}
            for m in memberships
        ],
        "join_declarations": [
            {
                "organisation": d.organisation.name,
                "address": d.address,
                "tax_number": d.tax_number,
                "responsible_person": d.responsible_person,
                "responsible_function": d.responsible_function,
                "decision": d.decision,
                "submitted_at": _iso(d.submitted_at),
            }
            for d in declarations
        ],
        "saved_filters": [
            {"name": f.name, "filter": f.query, "mail": f.frequency, "created_at": _iso(f.created_at)} for f in filters
        ],
        "messages": [
            {
                "direction": "sent" if m.sender_id == user.id else "received",
                "post_id": m.post_id,
                "text": m.body,
                "shared_email": m.share_email,
                "created_at": _iso(m.created_at),
            }
            for m in messages
        ],
        "reports_you_resolved": [
            {"post_id": r.post_id, "reply_id": r.reply_id, "resolved_at": _iso(r.resolved_at)} for r in resolved
        ],
        "join_declarations_you_decided": [
            {"organisation": d.organisation.name, "decision": d.decision, "decided_at": _iso(d.decided_at)}
            for d in decided
        ],
        "moderation_acts": [
            {
                "action": a.action,
                "target": a.target,
                "title": a.title,
                "reason": a.reason,
                "created_at": _iso(a.created_at),
            }
            for a in acts
        ],
    }


def erase(user) -> None:
    uid = user.id
    touched = set(db.session.scalars(select(Reply.post_id).where(Reply.author_id == uid)))
    db.session.execute(
        delete(ContactMessage).where(or_(ContactMessage.sender_id == uid, ContactMessage.recipient_id == uid))
    )
    db.session.execute(delete(Report).where(Report.reporter_id == uid))
    db.session.execute(update(Report).where(Report.resolved_by_id == uid).values(resolved_by_id=None))
    db.session.execute(delete(Reply).where(Reply.author_id == uid))
    db.session.execute(delete(Post).where(Post.author_id == uid))
    db.session.execute(delete(SavedFilter).where(SavedFilter.user_id == uid))
    db.session.execute(update(ModerationAction).where(ModerationAction.actor_id == uid).values(actor_id=None))
    db.session.execute(
        update(JoinDeclaration)
        .where(_declared_by(user))
        .values(submitted_by_id=None, responsible_person="", responsible_function="")
    )
    db.session.execute(update(JoinDeclaration).where(JoinDeclaration.decided_by_id == uid).values(decided_by_id=None))
    led = list(
        db.session.scalars(
            select(Membership.organisation_id).where(Membership.user_id == uid, Membership.is_admin.is_(True))
        )
    )
    db.session.execute(delete(Membership).where(Membership.user_id == uid))
    for organisation_id in led:
        _keep_an_admin(organisation_id)
    for post_id in touched:
        _recount(post_id)
    db.session.flush()


def _keep_an_admin(organisation_id: int) -> None:
    admins = (
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.organisation_id == organisation_id, Membership.is_admin.is_(True), Membership.status == APPROVED
        )
    )
    if db.session.scalar(admins):
        return
    oldest = db.session.scalar(
        select(Membership)
        .where(Membership.organisation_id == organisation_id, Membership.status == APPROVED)
        .order_by(Membership.created_at, Membership.id)
        .limit(1)
    )
    if oldest is not None:
        oldest.is_admin = True


def _recount(post_id: int) -> None:
    count = select(func.count()).select_from(Reply).where(Reply.post_id == post_id, Reply.status == "published")
    db.session.execute(update(Post).where(Post.id == post_id).values(reply_count=count.scalar_subquery()))


# ---------------------------------------------------------------- connected to the domain events


@signals.account_erasing.connect
def _erase(user, **_) -> None:
    erase(user)


@signals.personal_data_exported.connect
def _export(user, **_) -> tuple[str, dict]:
    return NAME, export(user)


@signals.personal_data_columns.connect
def _columns(_sender, **_) -> ModuleType:
    return sys.modules[__name__]


__all__ = ["COLUMNS", "NAME", "ORDER", "erase", "export"]
