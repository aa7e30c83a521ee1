"""What the reading pages show: a course, module or unit in a variant, with fallback.

A variant ``lv-LV`` is read unit by unit from its own translation, else the language
translation ``lv``, else the course's source. Each function runs a fixed number of
queries whatever the size of the course (see ``tests/courses/test_pages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import load_only, selectinload

from elearn.courses.models import (
    Course,
    CourseTranslation,
    Module,
    ModuleTranslation,
    Unit,
    UnitTranslation,
    Variant,
)
from elearn.extensions import db


@dataclass
class Reading:
    """A course as read in one variant: the chain of variants to fall back through."""

    course: Course
    chain: list[Variant]  # most specific first; empty = the source

    @property
    def tag(self) -> str | None:
        return self.chain[0].tag if self.chain else None

    @property
    def variant_ids(self) -> list[int]:
        return [v.id for v in self.chain]

    @property
    def hidden(self) -> set[str]:
        return {entry for v in self.chain for entry in v.hidden}

    def pick(self, translations: list) -> object | None:
        """The translation of the most specific variant in the chain, if any."""
        by_variant = {t.variant_id: t for t in translations}
        return next((by_variant[v.id] for v in self.chain if v.id in by_variant), None)

    def language_of(self, translation) -> str:
        if translation is None:
            return self.course.language
        return next(v.language for v in self.chain if v.id == translation.variant_id)


@dataclass
class UnitView:
    unit: Unit
    translation: UnitTranslation | None
    title: str
    lang: str
    body_html: str = ""
    meta: dict = field(default_factory=dict)
    questions: list = field(default_factory=list)
    outdated: bool = False
    fallback: bool = False  # shown in another language than the variant asked for

    @property
    def slug(self) -> str:
        return self.unit.slug

    @property
    def kind(self) -> str:
        return self.unit.kind


def get_course(slug: str) -> Course:
    course = db.session.scalar(
        select(Course).where(Course.slug == slug).options(selectinload(Course.variants))
    )
    if course is None:
        abort(404)
    return course


def variant_chain(course: Course, tag: str | None) -> list[Variant]:
    """``lv-LV`` → [lv-LV, lv] (those that exist); an unknown tag → the source."""
    by_tag = {v.tag: v for v in course.variants}
    if not tag:
        return []
    tags = [tag, tag.split("-")[0]] if "-" in tag else [tag]
    return [by_tag[t] for t in dict.fromkeys(tags) if t in by_tag]


def default_variant(course: Course, ui_lang: str) -> str | None:
    """For a reader who chose nothing: a variant in the interface language, if any."""
    if ui_lang == course.language:
        return None
    tags = [v.tag for v in course.variants if v.language == ui_lang]
    return ui_lang if ui_lang in tags else (tags[0] if tags else None)


def catalogue(language: str | None = None, country: str | None = None) -> list[Course]:
    query = select(Course).options(selectinload(Course.variants)).order_by(Course.title)
    if language:
        query = query.where(
            or_(
                Course.language == language,
                Course.variants.any(or_(Variant.tag == language, Variant.tag.like(f"{language}-%"))),
            )
        )
    if country:
        query = query.where(Course.variants.any(Variant.tag.like(f"%-{country}")))
    return list(db.session.scalars(query))


def course_texts(reading: Reading) -> tuple[str, str, str, str]:
    """(title, summary, description_html, lang) of the course in the reading's variant."""
    course = reading.course
    translations = list(db.session.scalars(
        select(CourseTranslation).where(CourseTranslation.variant_id.in_(reading.variant_ids))
    )) if reading.chain else []
    chosen = reading.pick(translations)
    if chosen is None:
        return course.title, course.summary, course.description_html, course.language
    return (chosen.title, chosen.summary or course.summary, chosen.description_html or course.description_html,
            reading.language_of(chosen))


@dataclass
class ModuleView:
    module: Module
    title: str
    summary: str
    objectives: list
    outline_html: str
    lang: str

    @property
    def slug(self) -> str:
        return self.module.slug


def modules(reading: Reading) -> list[ModuleView]:
    """All modules of the course, translated; two queries."""
    rows = list(db.session.scalars(
        select(Module).where(Module.course_id == reading.course.id).order_by(Module.position, Module.slug)
    ))
    translations = _module_translations(reading, [m.id for m in rows])
    return [_module_view(reading, m, translations.get(m.id, [])) for m in rows]


def _module_translations(reading: Reading, module_ids: list[int]) -> dict[int, list]:
    if not reading.chain or not module_ids:
        return {}
    found: dict[int, list] = {}
    for t in db.session.scalars(select(ModuleTranslation).where(
        ModuleTranslation.variant_id.in_(reading.variant_ids), ModuleTranslation.module_id.in_(module_ids)
    )):
        found.setdefault(t.module_id, []).append(t)
    return found


def _module_view(reading: Reading, module: Module, translations: list) -> ModuleView:
    chosen = reading.pick(translations)
    if chosen is None:
        return ModuleView(module, module.title, module.summary, module.objectives, module.outline_html,
                          reading.course.language)
    return ModuleView(module, chosen.title, chosen.summary or module.summary, chosen.objectives or module.objectives,
                      chosen.outline_html or module.outline_html, reading.language_of(chosen))


def get_module(reading: Reading, slug: str, siblings: list[ModuleView]) -> ModuleView:
    for view in siblings:
        if view.slug == slug:
            return view
    abort(404)


def units(reading: Reading, module: Module) -> list[UnitView]:
    """The module's units as the variant shows them (hidden ones left out, country-only ones in)."""
    columns = [Unit.id, Unit.module_id, Unit.variant_id, Unit.slug, Unit.position, Unit.kind, Unit.title,
               Unit.revision, Unit.meta]
    variant_ids = reading.variant_ids
    rows = db.session.scalars(
        select(Unit)
        .options(load_only(*columns))
        .where(Unit.module_id == module.id,
               or_(Unit.variant_id.is_(None), Unit.variant_id.in_(variant_ids) if variant_ids else False))
        .order_by(Unit.position, Unit.variant_id.is_not(None), Unit.slug)
    )
    hidden = reading.hidden
    rows = [u for u in rows if f"{module.slug}/{u.slug}" not in hidden]
    translations: dict[int, list] = {}
    if variant_ids and rows:
        t_columns = [UnitTranslation.id, UnitTranslation.variant_id, UnitTranslation.unit_id, UnitTranslation.title,
                     UnitTranslation.source_revision, UnitTranslation.meta]
        for t in db.session.scalars(select(UnitTranslation).options(load_only(*t_columns)).where(
            UnitTranslation.variant_id.in_(variant_ids), UnitTranslation.unit_id.in_([u.id for u in rows])
        )):
            translations.setdefault(t.unit_id, []).append(t)
    return [_unit_view(reading, u, translations.get(u.id, [])) for u in rows]


def _unit_view(reading: Reading, unit: Unit, translations: list) -> UnitView:
    if unit.variant_id is not None:  # a country-only unit is written in its variant's language
        lang = next(v.language for v in reading.chain if v.id == unit.variant_id)
        chosen = None
    else:
        chosen = reading.pick(translations)
        lang = reading.language_of(chosen)
    source = chosen is None
    return UnitView(
        unit=unit,
        translation=chosen,
        title=unit.title if source else chosen.title,
        lang=lang,
        meta=unit.meta if source else {**unit.meta, **chosen.meta},
        outdated=not source and chosen.source_revision < unit.revision,
        fallback=bool(reading.chain) and lang != reading.chain[0].language,
    )


def with_body(view: UnitView) -> UnitView:
    """Load the body (and quiz questions) of the one unit a page shows: one or two queries."""
    if view.translation is None:
        row = db.session.execute(select(Unit.body_html, Unit.questions).where(Unit.id == view.unit.id)).one()
    else:
        row = db.session.execute(select(UnitTranslation.body_html, UnitTranslation.questions)
                                 .where(UnitTranslation.id == view.translation.id)).one()
    view.body_html, view.questions = row.body_html, row.questions
    return view
