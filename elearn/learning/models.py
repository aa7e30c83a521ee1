"""Enrolments, progress, quiz attempts and completions.

Everything a learner does is keyed by the course row and the *stable* module and unit
ids (slugs), never by unit row ids, so re-importing a changed course keeps it all.
Unique constraints make every write idempotent: a double click, a second tab or a
retry finds the row already there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.models import utcnow
from elearn.extensions import db


class Enrolment(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    variant_tag: Mapped[str | None] = mapped_column(String(20))  # None = the course's source
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_module: Mapped[str | None] = mapped_column(String(100))
    last_unit: Mapped[str | None] = mapped_column(String(100))
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UnitProgress(db.Model):
    """Seen when first opened; done when the learner marks it (quizzes: when passed)."""

    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_slug", "unit_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    unit_slug: Mapped[str] = mapped_column(String(100))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuizAttempt(db.Model):
    """One attempt; ``questions`` is the quiz as shown, so a re-import mid-attempt changes nothing."""

    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_slug", "unit_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    unit_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list] = mapped_column(JSON)
    pass_mark: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responses: Mapped[list | None] = mapped_column(JSON)
    results: Mapped[list | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]


class ModuleCompletion(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CourseCompletion(db.Model):
    """Written once, when the last module is complete; certificates are issued from it."""

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    variant_tag: Mapped[str | None] = mapped_column(String(20))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
