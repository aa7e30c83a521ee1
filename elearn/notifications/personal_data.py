"""Personal data in notifications: export and erasure (the contract is in ``elearn/auth/personal_data.py``).

A person's notifications and their choices are theirs alone: exported, and deleted with
the account. Payloads hold titles and reasons, never another person's name or address.
"""

from __future__ import annotations

import sys
from types import ModuleType

from sqlalchemy import delete, select

from elearn.core import signals
from elearn.extensions import db
from elearn.notifications import kinds
from elearn.notifications.models import Notification, NotificationSetting

NAME = "notifications"
ORDER = 60

COLUMNS = {"notification.recipient_id", "notification_setting.user_id"}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export(user) -> dict:
    notifications = db.session.scalars(
        select(Notification).where(Notification.recipient_id == user.id).order_by(Notification.id)
    )
    settings = db.session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id == user.id).order_by(NotificationSetting.kind)
    )
    return {
        "notifications": [
            {
                "kind": n.kind,
                "text": kinds.text(n.kind, n.payload),
                "details": n.payload,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
                "mail": n.delivery,
            }
            for n in notifications
        ],
        "mail_settings": {s.kind: s.choice for s in settings},
    }


def erase(user) -> None:
    db.session.execute(delete(Notification).where(Notification.recipient_id == user.id))
    db.session.execute(delete(NotificationSetting).where(NotificationSetting.user_id == user.id))


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
