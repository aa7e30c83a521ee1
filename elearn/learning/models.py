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
from elearn.extensions import Model


class Enrolment(Model):
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    variant_tag: Mapped[str | None] = mapped_column(String(20))  # None = the course's source
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_module: Mapped[str | None] = mapped_column(String(100))
    last_unit: Mapped[str | None] = mapped_column(String(100))
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UnitProgress(Model):
    """Seen when first opened; done when the learner marks it (quizzes: when passed)."""

    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_slug", "unit_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    unit_slug: Mapped[str] = mapped_column(String(100))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuestionSet(Model):
    """A quiz's questions exactly as attempts show and grade them, stored once per version.

    Every attempt at the same version of a quiz refers to the same row, as Moodle's attempts
    refer to question versions: a re-import mid-attempt changes nothing, and an attempt keeps
    its answers and results only (a few hundred bytes instead of the whole quiz). The key is
    the SHA-256 of the questions' canonical JSON, so a row never changes once written and a
    worker may keep what it has read (:mod:`elearn.learning.question_sets`).
    """

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    questions: Mapped[list] = mapped_column(JSON)


class QuizAttempt(Model):
    """One attempt at the questions of ``question_set_digest``, shown in the order ``seed`` gives."""

    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_slug", "unit_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    unit_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    question_set_digest: Mapped[str] = mapped_column(ForeignKey("question_set.digest"), index=True)
    pass_mark: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responses: Mapped[list | None] = mapped_column(JSON)
    results: Mapped[list | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]


class ModuleCompletion(Model):
    __table_args__ = (UniqueConstraint("user_id", "course_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CourseCompletion(Model):
    """Written once, when the last module is complete; certificates are issued from it."""

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    variant_tag: Mapped[str | None] = mapped_column(String(20))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
