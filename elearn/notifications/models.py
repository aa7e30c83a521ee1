"""A person's notifications, and what they chose to be mailed for each kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import utcnow
from elearn.extensions import Model

# How a notification is mailed: at once (queued with it), in the next daily digest (then "digested"), or not.
MAILED, DIGEST, DIGESTED, NOT_MAILED = "mailed", "digest", "digested", "none"


class Notification(Model):
    """One thing that happened, for one person: shown in their list, unread until they mark it read."""

    __tablename__ = "notification"
    __table_args__ = (
        # the header's unread count and the list, newest first
        Index("ix_notification_recipient_read", "recipient_id", "read_at"),
        Index("ix_notification_delivery", "delivery"),  # the daily digest finds what waits for it
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))  # a name of elearn.notifications.kinds.KINDS
    # what the text and the link are made of: {"title": …, "url": "/board/posts/3", "detail": …}
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivery: Mapped[str] = mapped_column(String(10), default=NOT_MAILED)

    @property
    def url(self) -> str:
        return str((self.payload or {}).get("url") or "")

    @property
    def detail(self) -> str:
        return str((self.payload or {}).get("detail") or "")


class NotificationSetting(Model):
    """A person's choice for one kind (mail / daily / off); without a row, the kind's default holds."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    choice: Mapped[str] = mapped_column(String(10))
