"""The course content model: Course ─ Module ─ Unit, and country variants with their translations.

Rows are written only by the importer (and, later, the translation editor). Every
text column ending in ``_html`` holds HTML that was rendered from markdown and
sanitised once, when it entered the system; pages print it as it is.

Modules and units are identified by their stable ``slug`` (the id trainers see in
file names); learners' data refers to those slugs, never to row ids, so a re-import
that renumbers or rewrites content keeps every learner's progress.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Protocol

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.models import TimestampMixin, utcnow
from elearn.extensions import Model, db

LESSON, INTERVIEW, CASE_STORY, QUIZ = "lesson", "interview", "case-story", "quiz"
UNIT_KINDS = (LESSON, INTERVIEW, CASE_STORY, QUIZ)


def new_stamp() -> str:
    return secrets.token_hex(16)


class Course(TimestampMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(20))
    estimated_hours: Mapped[float | None]
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    certificate: Mapped[bool] = mapped_column(default=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # course.md's cover image: {"url", "alt", "width", "height"} (elearn.courses.loader.course.load_cover)
    cover: Mapped[dict | None] = mapped_column(JSON)
    description_html: Mapped[str] = mapped_column(Text, default="")
    source_dir: Mapped[str] = mapped_column(Text, default="")
    tree_hash: Mapped[str] = mapped_column(String(64), default="")
    # Replaced whenever a row of the course's content is written: see elearn.courses.tree.
    content_stamp: Mapped[str] = mapped_column(String(32), default=new_stamp, server_default="0")

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )
    variants: Mapped[list[Variant]] = relationship(
        back_populates="course", order_by="Variant.tag", cascade="all, delete-orphan"
    )


class Module(Model):
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    outline_html: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    course: Mapped[Course] = relationship(back_populates="modules")
    units: Mapped[list[Unit]] = relationship(
        back_populates="module", order_by="Unit.position", cascade="all, delete-orphan"
    )


class Unit(Model):
    """A lesson, interview, case story or quiz.

    ``variant_id`` is NULL for the course's own units and set for a unit that only one
    variant has (a local case story). ``revision`` counts changes of the source file;
    translations record the revision they translate, which tells when they are outdated.
    """

    __table_args__ = (UniqueConstraint("module_id", "variant_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    meta: Mapped[dict] = mapped_column(JSON, default=dict)  # interviewee, figures, pass_mark …
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)  # rendered Question dicts
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # The file as last imported or exported; differs from content_hash while a country-only
    # unit made or edited in the browser is not exported yet.
    synced_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)

    module: Mapped[Module] = relationship(back_populates="units")
    variant: Mapped[Variant | None] = relationship()


class UnitRevision(Model):
    """The source text of each revision of a unit, so a translator can see what changed."""

    __table_args__ = (UniqueConstraint("unit_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    revision: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    body_source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit] = relationship()


class _Tagged(Protocol):
    @property
    def tag(self) -> str: ...


class VariantTag:
    """``lv-LV`` → language ``lv``, country ``LV``: for the model and the reading pages' copy of it."""

    __slots__ = ()

    @property
    def language(self: _Tagged) -> str:
        return self.tag.split("-")[0]

    @property
    def country(self: _Tagged) -> str | None:
        parts = self.tag.split("-")
        return parts[1] if len(parts) > 1 else None


class Variant(VariantTag, Model):
    """A translation (``lv``) or a country variant (``lv-LV``) of a course."""

    __table_args__ = (UniqueConstraint("course_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(20))
    hidden: Mapped[list] = mapped_column(JSON, default=list)  # ["module-slug/unit-slug", …]
    # variant.yml's list as last imported or exported: the base of the three-way merge on import
    synced_hidden: Mapped[list] = mapped_column(JSON, default=list)

    course: Mapped[Course] = relationship(back_populates="variants")


class TranslationMixin(TimestampMixin):
    """``content_hash`` fingerprints the current text; ``synced_hash`` the file as last imported
    or exported. They differ while browser work is not exported yet (see elearn.courses.importer)."""

    title: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    synced_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class CourseTranslation(TranslationMixin, Model):
    __table_args__ = (UniqueConstraint("variant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_source: Mapped[str] = mapped_column(Text, default="", server_default="")
    description_html: Mapped[str] = mapped_column(Text, default="")


class ModuleTranslation(TranslationMixin, Model):
    __table_args__ = (UniqueConstraint("variant_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    body_source: Mapped[str] = mapped_column(Text, default="", server_default="")
    outline_html: Mapped[str] = mapped_column(Text, default="")


class UnitTranslation(TranslationMixin, Model):
    """A variant's text of a source unit; ``source_revision`` is the unit revision it translates."""

    __table_args__ = (UniqueConstraint("variant_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)
    source_revision: Mapped[int] = mapped_column(Integer, default=1)


class TranslationRevision(Model):
    """One version of a variant's text of a unit (``unit_id``), a module (``module_id``) or the
    course (neither), as saved in the browser or brought by a file (``origin``).

    Nothing a partner wrote is ever lost: a browser text that an import replaces stays here.
    ``source_revision`` is the unit revision the text translates (units only).
    """

    __table_args__ = (UniqueConstraint("variant_id", "unit_id", "module_id", "number"),)

    BROWSER, FILE = "browser", "file"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body_source: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict] = mapped_column(JSON, default=dict)  # summary, objectives, meta …
    source_revision: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[str] = mapped_column(String(10), default=BROWSER, server_default=BROWSER)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @classmethod
    def of(cls, variant_id: int, *, unit_id: int | None = None, module_id: int | None = None):
        """The query of one text's revisions: a unit's, a module's (``module_id``) or the course's (neither)."""
        return select(cls).where(
            cls.variant_id == variant_id,
            cls.unit_id.is_(None) if unit_id is None else cls.unit_id == unit_id,
            cls.module_id.is_(None) if module_id is None else cls.module_id == module_id,
        )

    @classmethod
    def count(cls, variant_id: int, *, unit_id: int | None = None, module_id: int | None = None) -> int:
        """How many revisions the text has (its latest number)."""
        query = cls.of(variant_id, unit_id=unit_id, module_id=module_id).with_only_columns(func.max(cls.number))
        return db.session.scalar(query) or 0

    @classmethod
    def append(
        cls, variant_id: int, *, unit_id: int | None = None, module_id: int | None = None, **values
    ) -> TranslationRevision:
        """Add the text's next revision (numbered 1, 2, … per text) to the session."""
        number = cls.count(variant_id, unit_id=unit_id, module_id=module_id) + 1
        revision = cls(variant_id=variant_id, unit_id=unit_id, module_id=module_id, number=number, **values)
        db.session.add(revision)
        return revision
