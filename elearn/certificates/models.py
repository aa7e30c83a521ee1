"""Certificates, written once when a course is complete.

A certificate keeps its own copy of what it states (name, course title, variant,
hours, issuer), as they were when it was issued: later edits of the profile or the
course do not change a certificate anyone may already hold.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import utcnow
from elearn.extensions import Model


class Certificate(Model):
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, unguessable: secrets.token_urlsafe
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    learner_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(300))
    variant_tag: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    hours: Mapped[float | None] = mapped_column(Float)
    issuer_key: Mapped[str] = mapped_column(String(20))  # "default" or a country code: which issuer profile
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_url: Mapped[str | None] = mapped_column(String(300))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
