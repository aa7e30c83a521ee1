"""A read-only copy of a course's structure in memory, so that reading pages need not query it.

A module or unit page needs the course, its variants, its modules and units and their
translated titles: before this, six queries and a few hundred ORM objects per request.
They change only when a course is imported or a partner admin edits its translation, so
each worker keeps one :class:`CourseTree` per course, tagged with ``Course.content_stamp``:
a random token that :func:`_restamp` replaces, in the same transaction, whenever a flush
writes a row of the course's content. A request asks for the course's id and stamp (one
small query, :func:`get_tree`) and builds a new copy only when the stamp has changed, so
a change is seen by every worker at its next request. The stamp is random rather than a
counter so that a database restored from a backup, or re-created by the tests, can never
match a copy made from other content.

Bodies (``body_html``, quiz questions) are not copied: a page loads the one it shows. The
parts of a page that depend only on the content (a module's outline and unit list, a unit's
text), and the translated module and unit lists of each variant, are made once and kept with
the copy (:meth:`CourseTree.kept`).
The copy's lists and dicts (``meta``, ``objectives``, ``hidden``) are shared between
requests and must not be changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import bindparam, event, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from elearn.courses.models import (
    Course,
    CourseTranslation,
    Module,
    ModuleTranslation,
    Unit,
    UnitTranslation,
    Variant,
    VariantTag,
    new_stamp,
)
from elearn.extensions import db

MAX_TREES = 200  # courses kept per worker; a larger catalogue just rebuilds more often
MAX_FRAGMENTS = 2000  # rendered parts of pages kept per course (variants x pages x languages)

_Made = TypeVar("_Made")


@dataclass(frozen=True, slots=True)
class VariantInfo(VariantTag):
    id: int
    course_id: int
    tag: str
    hidden: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CourseTranslationInfo:
    id: int
    variant_id: int
    title: str
    summary: str
    description_html: str


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    id: int
    course_id: int
    slug: str
    position: int
    title: str
    summary: str
    objectives: list
    outline_html: str


@dataclass(frozen=True, slots=True)
class ModuleTranslationInfo:
    id: int
    variant_id: int
    module_id: int
    title: str
    summary: str
    objectives: list
    outline_html: str


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: int
    module_id: int
    variant_id: int | None
    slug: str
    position: int
    kind: str
    title: str
    revision: int
    meta: dict


@dataclass(frozen=True, slots=True)
class UnitTranslationInfo:
    id: int
    variant_id: int
    unit_id: int
    title: str
    source_revision: int
    meta: dict


@dataclass(frozen=True)
class CourseTree:
    """A course as the importer left it: the fields of :class:`Course` and everything below them."""

    id: int
    slug: str
    title: str
    summary: str
    language: str
    estimated_hours: float | None
    pass_mark: int
    certificate: bool
    tags: list
    cover: dict | None
    description_html: str
    source_dir: str
    content_stamp: str
    variants: tuple[VariantInfo, ...]  # by tag
    translations: tuple[CourseTranslationInfo, ...]
    modules: tuple[ModuleInfo, ...]  # in order
    module_translations: dict[int, tuple[ModuleTranslationInfo, ...]]  # by module id
    units: dict[int, tuple[UnitInfo, ...]]  # by module id: source and country-only units, in order
    unit_translations: dict[int, tuple[UnitTranslationInfo, ...]]  # by unit id
    # Values of any kind (HTML, tuples of views): kept() gives each back as its make() made it.
    made: dict[tuple, Any] = field(default_factory=dict, compare=False, repr=False)

    def kept(self, key: tuple, make: Callable[[], _Made]) -> _Made:
        """What ``make`` returns (rendered HTML, a variant's module list), made once per worker.

        The key must name everything else the value depends on (the variant, the page, the
        interface language); the values go with the copy when the content changes. They are
        shared between requests and threads, so they must not be changed.
        """
        value = self.made.get(key)
        if value is None:
            value = make()
            if len(self.made) >= MAX_FRAGMENTS:
                self.made.clear()
            self.made[key] = value
        return value


_trees: dict[int, CourseTree] = {}  # per worker process; replaced whole, so threads need no lock
_STAMP = select(Course.id, Course.content_stamp).where(Course.slug == bindparam("slug"))  # built once


def get_tree(slug: str) -> CourseTree | None:
    """The course's structure as it is now in the database: one query when the copy is current."""
    row = db.session.execute(_STAMP, {"slug": slug}).first()
    if row is None:
        return None
    return tree_of(row.id, row.content_stamp)


def tree_of(course_id: int, stamp: str | None = None) -> CourseTree:
    """The copy for ``course_id`` if its stamp is ``stamp`` (none given: read it), else a new one."""
    if stamp is None:
        stamp = db.session.scalar(select(Course.content_stamp).where(Course.id == course_id))
    tree = _trees.get(course_id)
    if tree is None or tree.content_stamp != stamp:
        tree = _build(course_id)
        if len(_trees) >= MAX_TREES:
            _trees.clear()
        _trees[course_id] = tree
    return tree


def _grouped(rows, key) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return {k: tuple(v) for k, v in groups.items()}


def _build(course_id: int) -> CourseTree:
    """Six queries, whatever the size of the course."""
    execute = db.session.execute
    course = execute(
        select(
            Course.id,
            Course.slug,
            Course.title,
            Course.summary,
            Course.language,
            Course.estimated_hours,
            Course.pass_mark,
            Course.certificate,
            Course.tags,
            Course.cover,
            Course.description_html,
            Course.source_dir,
            Course.content_stamp,
        ).where(Course.id == course_id)
    ).one()
    variants = tuple(
        VariantInfo(r.id, r.course_id, r.tag, tuple(r.hidden or ()))
        for r in execute(
            select(Variant.id, Variant.course_id, Variant.tag, Variant.hidden)
            .where(Variant.course_id == course_id)
            .order_by(Variant.tag)
        )
    )
    variant_ids = select(Variant.id).where(Variant.course_id == course_id).scalar_subquery()
    translations = tuple(
        CourseTranslationInfo(*r)
        for r in execute(
            select(
                CourseTranslation.id,
                CourseTranslation.variant_id,
                CourseTranslation.title,
                CourseTranslation.summary,
                CourseTranslation.description_html,
            ).where(CourseTranslation.variant_id.in_(variant_ids))
        )
    )
    modules = tuple(
        ModuleInfo(*r)
        for r in execute(
            select(
                Module.id,
                Module.course_id,
                Module.slug,
                Module.position,
                Module.title,
                Module.summary,
                Module.objectives,
                Module.outline_html,
            )
            .where(Module.course_id == course_id)
            .order_by(Module.position, Module.slug)
        )
    )
    module_ids = select(Module.id).where(Module.course_id == course_id).scalar_subquery()
    module_translations = _grouped(
        (
            ModuleTranslationInfo(*r)
            for r in execute(
                select(
                    ModuleTranslation.id,
                    ModuleTranslation.variant_id,
                    ModuleTranslation.module_id,
                    ModuleTranslation.title,
                    ModuleTranslation.summary,
                    ModuleTranslation.objectives,
                    ModuleTranslation.outline_html,
                ).where(ModuleTranslation.module_id.in_(module_ids))
            )
        ),
        "module_id",
    )
    units = _grouped(
        (
            UnitInfo(*r)
            for r in execute(
                select(
                    Unit.id,
                    Unit.module_id,
                    Unit.variant_id,
                    Unit.slug,
                    Unit.position,
                    Unit.kind,
                    Unit.title,
                    Unit.revision,
                    Unit.meta,
                )
                .where(Unit.module_id.in_(module_ids))
                .order_by(Unit.position, Unit.variant_id.is_not(None), Unit.slug)
            )
        ),
        "module_id",
    )
    unit_translations = _grouped(
        (
            UnitTranslationInfo(*r)
            for r in execute(
                select(
                    UnitTranslation.id,
                    UnitTranslation.variant_id,
                    UnitTranslation.unit_id,
                    UnitTranslation.title,
                    UnitTranslation.source_revision,
                    UnitTranslation.meta,
                ).where(UnitTranslation.variant_id.in_(variant_ids))
            )
        ),
        "unit_id",
    )
    return CourseTree(
        **course._asdict(),
        variants=variants,
        translations=translations,
        modules=modules,
        module_translations=module_translations,
        units=units,
        unit_translations=unit_translations,
    )


# ---------------------------------------------------------------- the stamp

_BY_COURSE = (Course, Module, Variant)  # the row names its course
_BY_MODULE = (Unit,)
_BY_VARIANT = (CourseTranslation, ModuleTranslation, UnitTranslation)


@event.listens_for(Session, "after_flush")
def _restamp(session: Session, _context) -> None:
    """Give a new stamp to every course whose content this flush wrote (new ids are known by now)."""
    courses: set[int | None] = set()
    modules: set[int | None] = set()
    variants: set[int | None] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if not isinstance(obj, _BY_COURSE + _BY_MODULE + _BY_VARIANT):
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        loaded = instance_state(obj).dict  # never load: a deleted row's attributes may be gone
        if isinstance(obj, Course):
            courses.add(loaded.get("id"))
        elif isinstance(obj, _BY_COURSE):
            courses.add(loaded.get("course_id"))
        elif isinstance(obj, _BY_MODULE):
            modules.add(loaded.get("module_id"))
        else:
            variants.add(loaded.get("variant_id"))
    courses.discard(None)
    modules.discard(None)
    variants.discard(None)
    if not (courses or modules or variants):
        return
    table = Course.__table__
    session.connection().execute(
        update(table)
        .where(
            or_(
                table.c.id.in_(courses),
                table.c.id.in_(select(Module.__table__.c.course_id).where(Module.__table__.c.id.in_(modules))),
                table.c.id.in_(select(Variant.__table__.c.course_id).where(Variant.__table__.c.id.in_(variants))),
            )
        )
        .values(content_stamp=new_stamp())
    )
