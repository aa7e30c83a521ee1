"""Storing notifications, the list and its read state, each person's choices, and unsubscribing."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, select, update

from elearn.auth.models import User
from elearn.core.models import rows_matched, utcnow
from elearn.core.pagination import Page
from elearn.extensions import db
from elearn.notifications import kinds, mailing
from elearn.notifications.kinds import DAILY, MAIL, OFF
from elearn.notifications.models import DIGEST, MAILED, NOT_MAILED, Notification, NotificationSetting
from elearn.notifications.tokens import EVERY_DAILY

PER_PAGE = 30


def notify(kind_name: str, recipients: Iterable[User], payload: dict, actor: User | None = None) -> list[Notification]:
    """A notification of ``kind_name`` for each recipient but ``actor``, mailed as each chose (after the commit)."""
    kind = kinds.kind(kind_name)
    people = {user.id: user for user in recipients if user is not None and (actor is None or user.id != actor.id)}
    if not people:
        return []
    chosen = dict(
        db.session.execute(
            select(NotificationSetting.user_id, NotificationSetting.choice).where(
                NotificationSetting.kind == kind.name, NotificationSetting.user_id.in_(people)
            )
        ).all()
    )
    now = utcnow()
    delivery = {MAIL: MAILED, DAILY: DIGEST, OFF: NOT_MAILED}
    notifications = [
        Notification(
            recipient_id=user_id,
            kind=kind.name,
            payload=dict(payload),
            created_at=now,
            delivery=delivery[chosen.get(user_id, kind.default)],
        )
        for user_id in people
    ]
    db.session.add_all(notifications)
    db.session.flush()  # the mails name their notification
    for notification in notifications:
        if notification.delivery == MAILED:
            mailing.queue_mail(people[notification.recipient_id], notification)
    return notifications


# ---------------------------------------------------------------- the list and its read state


def unread_count(user_id: ColumnElement) -> ColumnElement:
    """A person's unread notifications, as a scalar subquery on their id (the page header's figure)."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def page_of(user: User, number: int, per_page: int = PER_PAGE) -> Page[Notification]:
    """The person's notifications, newest first, a page at a time."""
    number = max(1, number)
    total = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.recipient_id == user.id)
    )
    items = db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return Page(list(items), total or 0, number, per_page)


def mark_read(user: User, notification_id: int) -> bool:
    """Mark one of the person's notifications read (again: no change); False if it is not theirs."""
    matched = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.recipient_id == user.id)
        .values(read_at=func.coalesce(Notification.read_at, utcnow()))
    )
    return rows_matched(matched) == 1


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


# ---------------------------------------------------------------- what each person is mailed


def kinds_for(user: User) -> list[kinds.Kind]:
    """The kinds whose setting the person sees (moderators' kinds only for moderators)."""
    return [kind for kind in kinds.KINDS.values() if kind.shown_to(user)]


def choices_of(user: User) -> dict[str, str]:
    """The person's choice for every kind: theirs, else the kind's default."""
    saved = dict(
        db.session.execute(
            select(NotificationSetting.kind, NotificationSetting.choice).where(NotificationSetting.user_id == user.id)
        ).all()
    )
    return {name: saved.get(name, kind.default) for name, kind in kinds.KINDS.items()}


def set_choice(user: User, kind_name: str, choice: str) -> None:
    kinds.kind(kind_name)
    if choice not in kinds.CHOICES:
        raise ValueError(f"not a choice: {choice!r}")
    setting = db.session.get(NotificationSetting, (user.id, kind_name))
    if setting is None:
        db.session.add(NotificationSetting(user_id=user.id, kind=kind_name, choice=choice))
    else:
        setting.choice = choice
    db.session.flush()


def unsubscribe(user: User, kind_name: str) -> None:
    """Stop the mail of one kind, or of every kind mailed daily (the digest's link)."""
    if kind_name == EVERY_DAILY:
        stopped = [name for name, choice in choices_of(user).items() if choice == DAILY]
    else:
        stopped = [kind_name]
    for name in stopped:
        set_choice(user, name, OFF)
