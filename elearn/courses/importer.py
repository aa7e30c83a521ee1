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

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from elearn.courses.loader import CourseData, Problem, TranslationData, UnitData, VariantData, load_path
from elearn.courses.models import (
    Course,
    CourseTranslation,
    Module,
    ModuleTranslation,
    TranslationMixin,
    TranslationRevision,
    Unit,
    UnitRevision,
    UnitTranslation,
    Variant,
)
from elearn.extensions import db

Side = Literal["ours", "theirs"] | None


@dataclass
class VariantSummary:
    tag: str
    translated: int  # source units with a translation in this tag or its language
    shown: int  # source units the variant does not hide
    hidden: int
    country_only: int

    def __str__(self) -> str:
        return (
            f"{self.tag}: {self.translated} of {self.shown} units translated, "
            f"{self.hidden} hidden, {self.country_only} country-only"
        )


@dataclass
class CourseSummary:
    """What one import did to a course, for the trainer to check that nothing went missing."""

    slug: str
    modules: Counter[str] = field(default_factory=Counter)  # added, changed, unchanged, removed
    units: Counter[str] = field(default_factory=Counter)
    variants: list[VariantSummary] = field(default_factory=list)

    def __str__(self) -> str:
        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{counter[k]} {k}" for k in ("added", "changed", "unchanged", "removed") if counter[k])

        lines = [
            f"Imported {self.slug}: modules {counts(self.modules) or 'none'}; units {counts(self.units) or 'none'}."
        ]
        lines += [f"  {variant}." for variant in self.variants]
        return "\n".join(lines)


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # shown to the trainer; they do not stop an import
    summaries: list[CourseSummary] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed_units(self) -> int:
        return sum(s.units["added"] + s.units["changed"] for s in self.summaries)


def validate_tree(path: Path, on_file: Callable[[str], None] | None = None) -> list[Problem]:
    """Every problem of every course under ``path``; empty when all are valid."""
    return [p for _dir, _data, problems in load_path(path, on_file) for p in problems]


class SyncConflicts(Exception):
    """Browser work and file edits since the last sync disagree; nothing of the course was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


def sync_tree(
    path: Path, on_file: Callable[[str], None] | None = None, *, force: bool = False, prefer: Side = None
) -> ImportReport:
    """Validate and import every course under ``path`` (a course folder or a folder of courses).

    ``prefer`` settles conflicts between unexported browser work and edited files: ``"ours"``
    keeps the browser's text, ``"theirs"`` takes the file's; the other text stays in the
    history either way. Without it a course with conflicts is not imported and each
    conflict is reported as a problem. Flushes, never commits: the caller commits."""
    report = ImportReport()
    for course_dir, data, problems in load_path(Path(path), on_file, warnings=report.warnings):
        if problems or data is None:
            report.failed.append(course_dir.name)
            report.problems.extend(problems)
            continue
        existing = db.session.scalar(select(Course).where(Course.slug == data.id))
        if existing is not None and existing.tree_hash == data.tree_hash and not force:
            report.unchanged.append(data.id)
            continue
        try:
            with db.session.begin_nested():  # all or nothing for this course; raised errors propagate
                report.summaries.append(import_course(data, existing, prefer=prefer))
        except SyncConflicts as conflicts:
            report.failed.append(data.id)
            report.problems.extend(conflicts.problems)
            continue
        report.imported.append(data.id)
    return report


def import_course(data: CourseData, course: Course | None = None, *, prefer: Side = None) -> CourseSummary:
    """Upsert one course tree; returns what changed. Caller commits.

    Raises SyncConflicts (after writing to the session: run it in a savepoint) when browser
    work and file edits disagree and ``prefer`` does not say which wins."""
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
    course.cover = data.cover
    course.description_html = data.description_html
    course.source_dir = data.source_dir
    course.tree_hash = data.tree_hash

    summary = CourseSummary(data.id)
    modules = {m.slug: m for m in course.modules}
    keep_modules = []
    for module_data in data.modules:
        module = modules.get(module_data.id) or Module(slug=module_data.id, course=course)
        summary.modules[_change(module.content_hash, module_data.content_hash)] += 1
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
            summary.units[_change(unit.content_hash, unit_data.content_hash)] += 1
            _update_unit(unit, unit_data)
            keep.append(unit)
        summary.units["removed"] += len(set(source_units) - {u.id for u in module_data.units})
        module.units = keep
    summary.modules["removed"] += len(set(modules) - {m.id for m in data.modules})
    course.modules = keep_modules
    db.session.flush()

    conflicts = VariantSync(course, prefer).run(data.variants)
    if conflicts:
        raise SyncConflicts(conflicts)
    summary.variants = [_variant_summary(course, variant) for variant in course.variants]
    return summary


def _change(old_hash: str | None, new_hash: str) -> str:
    return "added" if old_hash is None else "unchanged" if old_hash == new_hash else "changed"


def _variant_summary(course: Course, variant: Variant) -> VariantSummary:
    """How complete a variant is as its learners see it (a country variant uses its language's texts)."""
    tags = {variant.tag, variant.language}
    translated_ids = set(
        db.session.scalars(
            select(UnitTranslation.unit_id).join(Variant).where(Variant.course_id == course.id, Variant.tag.in_(tags))
        )
    )
    source = [(m, u) for m in course.modules for u in m.units if u.variant_id is None]
    shown = [u for m, u in source if f"{m.slug}/{u.slug}" not in variant.hidden]
    return VariantSummary(
        tag=variant.tag,
        translated=sum(1 for u in shown if u.id in translated_ids),
        shown=len(shown),
        hidden=len(source) - len(shown),
        country_only=sum(1 for m in course.modules for u in m.units if u.variant_id == variant.id),
    )


def _new_unit(slug: str, module: Module, variant: Variant | None = None) -> Unit:
    return Unit(slug=slug, module=module, variant=variant, revision=0)  # joins module.units


def _update_unit(unit: Unit, unit_data: UnitData) -> None:
    """Copy file data onto a unit; a changed file gets a new revision (kept with its text)."""
    unit.position = unit_data.position
    if unit.content_hash == unit_data.content_hash and unit.kind == unit_data.kind:
        unit.synced_hash = unit_data.content_hash
        if unit.meta != unit_data.meta or unit.body_html != unit_data.body_html:
            unit.meta, unit.body_html = unit_data.meta, unit_data.body_html  # a media file changed, not the text
        return
    unit.kind = unit_data.kind
    unit.title = unit_data.title
    unit.meta = unit_data.meta
    unit.body_source = unit_data.body_source
    unit.body_html = unit_data.body_html
    unit.questions = unit_data.questions
    unit.content_hash = unit.synced_hash = unit_data.content_hash
    unit.revision = (unit.revision or 0) + 1
    db.session.add(UnitRevision(unit=unit, revision=unit.revision, title=unit.title, body_source=unit.body_source))


# ---------------------------------------------------------------- variants: files meet browser work
#
# Every translation row (and country-only unit) keeps two fingerprints: ``content_hash``
# of its current text and ``synced_hash`` of its file as last imported or exported. They
# differ exactly while browser work is not exported yet. Comparing them with the file's
# fingerprint tells the four cases apart (see docs/localisation.md, "Files and the browser"):
#
#   file unchanged since the sync, no browser work   nothing to do
#   file changed, no browser work                    the file's text is taken
#   file unchanged, browser work                     the browser's text stays (export it)
#   both changed                                     a conflict: ``prefer`` decides, or the import stops


def _pending(row: TranslationMixin | Unit) -> bool:
    """Browser work not exported yet."""
    return row.content_hash != row.synced_hash


class VariantSync:
    """Brings a course's variants in line with their files without losing browser work."""

    def __init__(self, course: Course, prefer: Side):
        self.course = course
        self.prefer = prefer
        self.conflicts: list[Problem] = []

    def run(self, variants_data: list[VariantData]) -> list[Problem]:
        variants = {v.tag: v for v in self.course.variants}
        for variant_data in variants_data:
            variant = variants.get(variant_data.tag)
            if variant is None:
                variant = Variant(tag=variant_data.tag, course=self.course, hidden=[], synced_hidden=[])
                db.session.add(variant)
                db.session.flush()
            self.variant(variant, variant_data)
        wanted = {v.tag for v in variants_data}
        for tag, variant in variants.items():
            if tag not in wanted:
                self.removed_variant(variant)
        return self.conflicts

    def conflict(self, path: str, what: str) -> None:
        self.conflicts.append(
            Problem(
                path,
                1,
                f"{what} was edited in the browser and in this file since the last import or export; "
                "import again with --ours to keep the browser's text or --theirs to take the file's "
                "(the other text stays in the history), or export first and merge the two in git",
            )
        )

    def settle(self, path: str, what: str) -> Literal["ours", "theirs"] | None:
        """Which text wins a conflict; None (and a reported conflict) when nobody said."""
        if self.prefer is None:
            self.conflict(path, what)
        return self.prefer

    # -------------------------------------------------------------- one variant

    def variant(self, variant: Variant, data: VariantData) -> None:
        self.hidden(variant, data.hidden)
        self.translation(
            CourseTranslation,
            variant,
            {},
            data.course,
            f"{data.path}/course.md",
            "the course text",
            summary=lambda t: t.summary,
            body_source=lambda t: t.body_source,
            description_html=lambda t: t.html,
        )
        for module in self.course.modules:
            self.translation(
                ModuleTranslation,
                variant,
                {"module_id": module.id},
                data.modules.get(module.slug),
                f"{data.path}/{module.slug}/module.md",
                f"module {module.slug}",
                summary=lambda t: t.summary,
                objectives=lambda t: t.objectives,
                body_source=lambda t: t.body_source,
                outline_html=lambda t: t.html,
            )
            for unit in module.units:
                if unit.variant_id is None:
                    self.translation(
                        UnitTranslation,
                        variant,
                        {"unit_id": unit.id},
                        data.units.get((module.slug, unit.slug)),
                        f"{data.path}/{module.slug}/{unit.slug}",
                        f"unit {module.slug}/{unit.slug}",
                        meta=lambda t: t.meta,
                        body_source=lambda t: t.body_source,
                        body_html=lambda t: t.html,
                        questions=lambda t: t.questions,
                        source_revision=lambda _t, unit=unit: unit.revision,
                    )
        self.local_units(variant, data)

    def hidden(self, variant: Variant, in_file: list[str]) -> None:
        """A three-way merge of the hidden units: what the file added or removed since the
        sync is applied to what the browser has; hiding done in the browser stays."""
        base, ours, theirs = set(variant.synced_hidden or []), set(variant.hidden or []), set(in_file)
        existing = {f"{m.slug}/{u.slug}" for m in self.course.modules for u in m.units if u.variant_id is None}
        variant.hidden = sorted(((ours | (theirs - base)) - (base - theirs)) & existing)
        variant.synced_hidden = sorted(theirs)

    def translation(
        self, model: type[TranslationMixin], variant: Variant, key: dict, data, path: str, what: str, **fields
    ) -> None:
        """Create, update, keep or delete one translation row, as its file and browser work say."""
        key = {"variant_id": variant.id, **key}
        path = data.path if data is not None and data.path else path
        row = db.session.scalar(select(model).filter_by(**key))
        if data is None:
            if row is None:
                return
            if not _pending(row):
                db.session.delete(row)  # its file was deleted
            elif row.synced_hash:  # deleted from the files while edited in the browser
                choice = self.settle(path, what)
                if choice == "theirs":
                    db.session.delete(row)  # the browser's text stays in the history
                elif choice == "ours":
                    row.synced_hash = ""  # no file any more: export writes it again
            return  # else: browser work that never was a file: export writes it
        if row is not None and row.content_hash == data.content_hash:
            row.synced_hash = data.content_hash
            for name in {"meta", "body_html"} & set(fields):  # a media file changed, not the text
                if getattr(row, name) != fields[name](data):
                    setattr(row, name, fields[name](data))
            return
        if row is not None and _pending(row):
            if data.content_hash == row.synced_hash:
                return  # only the browser changed it
            if self.settle(path, what) != "theirs":
                if self.prefer == "ours":
                    row.synced_hash = data.content_hash
                    self.record(model, key, data, row)
                return
        if row is None:
            row = model(**key)
            db.session.add(row)
        row.title = data.title
        row.content_hash = row.synced_hash = data.content_hash
        for name, getter in fields.items():
            setattr(row, name, getter(data))
        self.record(model, key, data, row)

    @staticmethod
    def record(model, key: dict, data: TranslationData, row) -> None:
        """A file's text joins the history, beside the browser's revisions."""
        fields = {"summary": data.summary, "objectives": data.objectives} if model is not UnitTranslation else {}
        TranslationRevision.append(
            key["variant_id"],
            unit_id=key.get("unit_id"),
            module_id=key.get("module_id"),
            title=data.title,
            body_source=data.body_source,
            fields={**fields, **({"meta": data.meta} if data.meta else {})},
            source_revision=row.source_revision if model is UnitTranslation else 0,
            origin=TranslationRevision.FILE,
        )

    def local_units(self, variant: Variant, data: VariantData) -> None:
        """Country-only units: made in files, in the browser, or both."""
        for module in self.course.modules:
            existing = {u.slug: u for u in module.units if u.variant_id == variant.id}
            in_files = {u.id: u for u in data.extra_units.get(module.slug, [])}
            for slug, unit in existing.items():
                if slug in in_files:
                    continue
                if not _pending(unit):
                    module.units.remove(unit)  # its file was deleted
                elif unit.synced_hash:  # deleted from the files while edited in the browser
                    what = f"country-only unit {module.slug}/{slug}"
                    choice = self.settle(f"{data.path}/{module.slug}/{slug}", what)
                    if choice == "theirs":
                        module.units.remove(unit)
                    elif choice == "ours":
                        unit.synced_hash = ""
            for slug, unit_data in in_files.items():
                unit = existing.get(slug) or _new_unit(slug, module, variant)
                if not _pending(unit) or unit.content_hash == unit_data.content_hash:  # a new one too
                    _update_unit(unit, unit_data)
                elif unit_data.content_hash == unit.synced_hash:
                    unit.position = unit_data.position  # only the browser changed its text
                else:
                    what = f"country-only unit {module.slug}/{slug}"
                    choice = self.settle(f"{data.path}/{unit_data.path}", what)
                    if choice == "theirs":
                        _update_unit(unit, unit_data)
                    elif choice == "ours":
                        unit.synced_hash = unit_data.content_hash

    def removed_variant(self, variant: Variant) -> None:
        """A variant whose folder is gone goes, unless it holds browser work not exported."""
        rows: list[TranslationMixin | Unit] = [
            u for m in self.course.modules for u in m.units if u.variant_id == variant.id
        ]
        for model in (CourseTranslation, ModuleTranslation, UnitTranslation):
            rows.extend(db.session.scalars(select(model).filter_by(variant_id=variant.id)))
        pending = variant.hidden != variant.synced_hidden or any(_pending(row) for row in rows)
        if not pending or self.settle(f"locales/{variant.tag}", f"version {variant.tag}") == "theirs":
            db.session.delete(variant)
