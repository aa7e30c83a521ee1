"""What the reading pages show: a course, module or unit in a variant, with fallback.

A variant ``lv-LV`` is read unit by unit from its own translation, else the language
translation ``lv``, else the course's source. The structure comes from the worker's copy of
the course (:mod:`elearn.courses.tree`): :func:`get_course` makes one query, :func:`with_body`
one, the others none, whatever the size of the course (see ``tests/courses/test_pages.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

from flask import abort, render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from elearn.courses.models import Course, Unit, UnitTranslation, Variant
from elearn.courses.tree import (
    CourseTree,
    ModuleInfo,
    ModuleTranslationInfo,
    UnitInfo,
    UnitTranslationInfo,
    VariantInfo,
    get_tree,
)
from elearn.extensions import db


class _OfVariant(Protocol):
    @property
    def variant_id(self) -> int: ...


_Translation = TypeVar("_Translation", bound=_OfVariant)


@dataclass
class Reading:
    """A course as read in one variant: the chain of variants to fall back through."""

    course: CourseTree
    chain: list[VariantInfo]  # most specific first; empty = the source

    @property
    def tag(self) -> str | None:
        return self.chain[0].tag if self.chain else None

    @property
    def variant_ids(self) -> list[int]:
        return [v.id for v in self.chain]

    @property
    def hidden(self) -> set[str]:
        return {entry for v in self.chain for entry in v.hidden}

    def pick(self, translations: Iterable[_Translation]) -> _Translation | None:
        """The translation of the most specific variant in the chain, if any."""
        by_variant = {t.variant_id: t for t in translations}
        return next((by_variant[v.id] for v in self.chain if v.id in by_variant), None)

    def fragment(self, key: tuple, template: str, context: Callable[[], dict]) -> Markup:
        """``template`` rendered for this variant and interface language, once per worker and content."""
        return Markup(  # noqa: S704 - render_template's output, which Jinja escaped
            self.course.kept(
                (self.tag, str(get_locale()), template, *key),
                lambda: render_template(template, reading=self, **context()),
            )
        )

    def language_of(self, translation) -> str:
        if translation is None:
            return self.course.language
        return next(v.language for v in self.chain if v.id == translation.variant_id)


@dataclass(frozen=True)
class UnitView:
    unit: UnitInfo
    translation: UnitTranslationInfo | None
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


def get_course(slug: str) -> CourseTree:
    """The course's structure (see :mod:`elearn.courses.tree`): one query, or 404."""
    course = get_tree(slug)
    if course is None:
        abort(404)
    return course


def variant_chain(course: CourseTree, tag: str | None) -> list[VariantInfo]:
    """``lv-LV`` → [lv-LV, lv] (those that exist); an unknown tag → the source."""
    by_tag = {v.tag: v for v in course.variants}
    if not tag:
        return []
    tags = [tag, tag.split("-")[0]] if "-" in tag else [tag]
    return [by_tag[t] for t in dict.fromkeys(tags) if t in by_tag]


def default_variant(course: CourseTree, ui_lang: str, country: str | None = None) -> str | None:
    """For a reader who chose nothing: a variant in the interface language, the reader's
    country's first (``lv-LV`` for a reader in Latvia), if any."""
    if ui_lang == course.language:
        return None
    tags = [v.tag for v in course.variants if v.language == ui_lang]
    for preferred in (f"{ui_lang}-{country}" if country else None, ui_lang):
        if preferred in tags:
            return preferred
    return tags[0] if tags else None


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
    chosen = reading.pick(course.translations)
    if chosen is None:
        return course.title, course.summary, course.description_html, course.language
    return (
        chosen.title,
        chosen.summary or course.summary,
        chosen.description_html or course.description_html,
        reading.language_of(chosen),
    )


@dataclass(frozen=True)
class ModuleView:
    module: ModuleInfo
    title: str
    summary: str
    objectives: list
    outline_html: str
    lang: str

    @property
    def slug(self) -> str:
        return self.module.slug


def modules(reading: Reading) -> tuple[ModuleView, ...]:
    """All modules of the course, translated (made once per variant and worker)."""
    translations = reading.course.module_translations
    return reading.course.kept(
        ("modules", reading.tag),
        lambda: tuple(_module_view(reading, m, translations.get(m.id, ())) for m in reading.course.modules),
    )


def _module_view(reading: Reading, module: ModuleInfo, translations: tuple[ModuleTranslationInfo, ...]) -> ModuleView:
    chosen = reading.pick(translations)
    if chosen is None:
        return ModuleView(
            module, module.title, module.summary, module.objectives, module.outline_html, reading.course.language
        )
    return ModuleView(
        module,
        chosen.title,
        chosen.summary or module.summary,
        chosen.objectives or module.objectives,
        chosen.outline_html or module.outline_html,
        reading.language_of(chosen),
    )


def get_module(reading: Reading, slug: str, siblings: tuple[ModuleView, ...]) -> ModuleView:
    for view in siblings:
        if view.slug == slug:
            return view
    abort(404)


def units(reading: Reading, module: ModuleInfo) -> tuple[UnitView, ...]:
    """The module's units as the variant shows them (hidden ones left out, country-only ones in),
    made once per variant and worker."""
    return reading.course.kept(("units", reading.tag, module.id), lambda: _units(reading, module))


def _units(reading: Reading, module: ModuleInfo) -> tuple[UnitView, ...]:
    variant_ids = set(reading.variant_ids)
    hidden = reading.hidden
    translations = reading.course.unit_translations
    return tuple(
        _unit_view(reading, u, [t for t in translations.get(u.id, ()) if t.variant_id in variant_ids])
        for u in reading.course.units.get(module.id, ())
        if (u.variant_id is None or u.variant_id in variant_ids) and f"{module.slug}/{u.slug}" not in hidden
    )


def _unit_view(reading: Reading, unit: UnitInfo, translations: list[UnitTranslationInfo]) -> UnitView:
    chosen: UnitTranslationInfo | None
    if unit.variant_id is not None:  # a country-only unit is written in its variant's language
        lang = next(v.language for v in reading.chain if v.id == unit.variant_id)
        chosen = None
    else:
        chosen = reading.pick(translations)
        lang = reading.language_of(chosen)
    return UnitView(
        unit=unit,
        translation=chosen,
        title=unit.title if chosen is None else chosen.title,
        lang=lang,
        meta=unit.meta if chosen is None else {**unit.meta, **chosen.meta},
        outdated=chosen is not None and chosen.source_revision < unit.revision,
        fallback=bool(reading.chain) and lang != reading.chain[0].language,
    )


def with_body(view: UnitView) -> UnitView:
    """A copy of ``view`` with the body (and quiz questions) of the one unit a page shows: one query."""
    if view.translation is None:
        row = db.session.execute(select(Unit.body_html, Unit.questions).where(Unit.id == view.unit.id)).one()
    else:
        row = db.session.execute(
            select(UnitTranslation.body_html, UnitTranslation.questions).where(
                UnitTranslation.id == view.translation.id
            )
        ).one()
    return replace(view, body_html=row.body_html, questions=row.questions)
