"""Writing validated course trees into the database.

:func:`sync_tree` is what ``flask courses import`` runs: it loads every course under
a path, and imports each course that loaded without problems, each inside a savepoint
of its own — so a course with errors leaves what was imported before untouched, and a
course whose import fails leaves nothing. It never commits: its caller (the CLI command,
a test, the benchmark seed) is the unit of work and commits once at its end.
Rows are matched by stable ids (course folder, module id, unit id, variant tag), so
re-importing edited files updates rows in place and learners' data keyed to those
ids survives. A course whose files did not change at all is skipped without a write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from elearn.courses.loader import CourseData, Problem, TranslationData, UnitData, load_path
from elearn.courses.models import (
    Course,
    CourseTranslation,
    Module,
    ModuleTranslation,
    Unit,
    UnitRevision,
    UnitTranslation,
    Variant,
)
from elearn.extensions import db


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changed_units: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_tree(path: Path, on_file: Callable[[str], None] | None = None) -> list[Problem]:
    """Every problem of every course under ``path``; empty when all are valid."""
    return [p for _dir, _data, problems in load_path(path, on_file) for p in problems]


def sync_tree(path: Path, on_file: Callable[[str], None] | None = None, *, force: bool = False) -> ImportReport:
    """Validate and import every course under ``path`` (a course folder or a folder of courses).

    Flushes, never commits: the caller commits the unit of work."""
    report = ImportReport()
    for course_dir, data, problems in load_path(Path(path), on_file):
        if problems or data is None:
            report.failed.append(course_dir.name)
            report.problems.extend(problems)
            continue
        existing = db.session.scalar(select(Course).where(Course.slug == data.id))
        if existing is not None and existing.tree_hash == data.tree_hash and not force:
            report.unchanged.append(data.id)
            continue
        with db.session.begin_nested():  # all or nothing for this course; raised errors propagate
            report.changed_units += import_course(data, existing)
        report.imported.append(data.id)
    return report


def import_course(data: CourseData, course: Course | None = None) -> int:
    """Upsert one course tree; returns how many units are new or changed. Caller commits."""
    if course is None:
        course = Course(slug=data.id)
        db.session.add(course)
    course.title = data.title
    course.summary = data.summary
    course.language = data.language
    course.estimated_hours = data.estimated_hours
    course.pass_mark = data.pass_mark
    course.certificate = data.certificate
    course.tags = data.tags
    course.description_html = data.description_html
    course.source_dir = data.source_dir
    course.tree_hash = data.tree_hash

    changed = 0
    modules = {m.slug: m for m in course.modules}
    keep_modules = []
    for module_data in data.modules:
        module = modules.get(module_data.id) or Module(slug=module_data.id, course=course)
        module.position = module_data.position
        module.title = module_data.title
        module.summary = module_data.summary
        module.objectives = module_data.objectives
        module.outline_html = module_data.outline_html
        module.content_hash = module_data.content_hash
        keep_modules.append(module)
        source_units = {u.slug: u for u in module.units if u.variant_id is None}
        keep = [u for u in module.units if u.variant_id is not None]  # handled with variants
        for unit_data in module_data.units:
            unit = source_units.get(unit_data.id) or _new_unit(unit_data.id, module)
            changed += _update_unit(unit, unit_data)
            keep.append(unit)
        module.units = keep
    course.modules = keep_modules
    db.session.flush()

    _import_variants(course, data)
    return changed


def _new_unit(slug: str, module: Module, variant: Variant | None = None) -> Unit:
    unit = Unit(slug=slug, module=module, variant=variant, revision=0)
    module.units.append(unit)
    return unit


def _update_unit(unit: Unit, unit_data: UnitData) -> int:
    """Copy file data onto a unit; a changed file gets a new revision (kept with its text)."""
    unit.position = unit_data.position
    if unit.content_hash == unit_data.content_hash and unit.kind == unit_data.kind:
        return 0
    unit.kind = unit_data.kind
    unit.title = unit_data.title
    unit.meta = unit_data.meta
    unit.body_source = unit_data.body_source
    unit.body_html = unit_data.body_html
    unit.questions = unit_data.questions
    unit.content_hash = unit_data.content_hash
    unit.revision = (unit.revision or 0) + 1
    db.session.add(UnitRevision(unit=unit, revision=unit.revision, title=unit.title, body_source=unit.body_source))
    return 1


def _import_variants(course: Course, data: CourseData) -> None:
    variants = {v.tag: v for v in course.variants}
    modules = {m.slug: m for m in course.modules}
    wanted = set()
    for variant_data in data.variants:
        wanted.add(variant_data.tag)
        variant = variants.get(variant_data.tag)
        if variant is None:
            variant = Variant(tag=variant_data.tag, course=course)
            db.session.add(variant)
            db.session.flush()
        variant.hidden = variant_data.hidden
        _upsert_translation(
            CourseTranslation,
            {"variant_id": variant.id},
            variant_data.course,
            summary=lambda t: t.summary,
            description_html=lambda t: t.html,
        )
        for module in course.modules:
            _upsert_translation(
                ModuleTranslation,
                {"variant_id": variant.id, "module_id": module.id},
                variant_data.modules.get(module.slug),
                summary=lambda t: t.summary,
                objectives=lambda t: t.objectives,
                outline_html=lambda t: t.html,
            )
            for unit in module.units:
                if unit.variant_id is None:
                    translation = variant_data.units.get((module.slug, unit.slug))
                    _upsert_translation(
                        UnitTranslation,
                        {"variant_id": variant.id, "unit_id": unit.id},
                        translation,
                        meta=lambda t: t.meta,
                        body_source=lambda t: t.body_source,
                        body_html=lambda t: t.html,
                        questions=lambda t: t.questions,
                        source_revision=lambda _t, unit=unit: unit.revision,
                    )
        _import_extra_units(variant, variant_data.extra_units, modules)
    for tag, variant in variants.items():
        if tag not in wanted:
            db.session.delete(variant)


def _import_extra_units(variant: Variant, extra_units: dict[str, list[UnitData]], modules: dict[str, Module]) -> None:
    """Country-only units: units of a course module that belong to one variant."""
    for module in modules.values():
        existing = {u.slug: u for u in module.units if u.variant_id == variant.id}
        wanted = {u.id: u for u in extra_units.get(module.slug, [])}
        for slug, unit in existing.items():
            if slug not in wanted:
                module.units.remove(unit)
        for slug, unit_data in wanted.items():
            _update_unit(existing.get(slug) or _new_unit(slug, module, variant), unit_data)


def _upsert_translation(model, key: dict, data: TranslationData | None, **fields) -> None:
    """Create, update or delete one translation row; unchanged files write nothing.

    ``source_revision`` is stamped only when the translation's own file changes: a
    translation that stays while its source moves on is thereby *outdated*.
    """
    row = db.session.scalar(select(model).filter_by(**key))
    if data is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is not None and row.content_hash == data.content_hash:
        return
    if row is None:
        row = model(**key)
        db.session.add(row)
    row.title = data.title
    row.content_hash = data.content_hash
    for name, getter in fields.items():
        setattr(row, name, getter(data))
