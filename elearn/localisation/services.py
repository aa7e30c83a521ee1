"""Translation status of each variant, and saving translations edited in the browser.

A unit's state in a variant: **up to date** (its translation was made from the
current source revision), **outdated** (the source changed since: the translator is
shown the difference), **missing**, **country-only** (a unit only this variant has),
or **hidden** (a source unit this variant leaves out). A translation made for the
language (``lv``) counts for its country variants (``lv-LV``) as the learners see it.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from elearn.auth.models import User
from elearn.core.markdown import render
from elearn.courses.loader import front_matter, stable_id
from elearn.courses.models import (
    QUIZ,
    Course,
    Module,
    TranslationRevision,
    Unit,
    UnitRevision,
    UnitTranslation,
    Variant,
)
from elearn.courses.quiz_markdown import parse_quiz_markdown
from elearn.extensions import db
from elearn.localisation import quiz_text
from elearn.localisation.diff import Segment, word_diff

UP_TO_DATE, OUTDATED, MISSING, COUNTRY_ONLY, HIDDEN = "up-to-date", "outdated", "missing", "country-only", "hidden"


class LocalisationError(Exception):
    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------- who may edit what


def editable_variants(user) -> list[Variant]:
    """Admins edit every variant; a partner admin the variants granted to them."""
    query = select(Variant).join(Course).order_by(Course.title, Variant.tag)
    if not user.has_role("admin"):
        tags = user.variants_administered()
        if not tags:
            return []
        query = query.where(Variant.tag.in_(tags))
    return list(db.session.scalars(query))


def get_variant(user, course_slug: str, tag: str) -> Variant:
    """The variant if the user may edit it; LocalisationError otherwise (the view answers 403/404)."""
    variant = db.session.scalar(select(Variant).join(Course).where(Course.slug == course_slug, Variant.tag == tag))
    if variant is None:
        raise LookupError(tag)
    if not (user.has_role("admin") or tag in user.variants_administered()):
        raise PermissionError(tag)
    return variant


# ---------------------------------------------------------------- status


@dataclass
class UnitState:
    unit: Unit
    state: str
    translated_in: str | None = None  # the tag whose translation learners see


@dataclass
class ModuleStatus:
    module: Module
    units: list[UnitState] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for u in self.units if u.state == state)

    @property
    def percent(self) -> float:
        relevant = [u for u in self.units if u.state in (UP_TO_DATE, OUTDATED, MISSING)]
        return self.count(UP_TO_DATE) / len(relevant) if relevant else 1.0


def status(variant: Variant) -> list[ModuleStatus]:
    """Every unit's state in the variant, module by module; four queries."""
    chain_tags = [variant.tag] + ([variant.language] if variant.country else [])
    chain = {
        v.tag: v
        for v in db.session.scalars(
            select(Variant).where(Variant.course_id == variant.course_id, Variant.tag.in_(chain_tags))
        )
    }
    modules = list(
        db.session.scalars(select(Module).where(Module.course_id == variant.course_id).order_by(Module.position))
    )
    units = list(
        db.session.scalars(
            select(Unit)
            .where(
                Unit.module_id.in_([m.id for m in modules]),
                (Unit.variant_id.is_(None)) | (Unit.variant_id == variant.id),
            )
            .order_by(Unit.position, Unit.variant_id.is_not(None), Unit.slug)  # as learners see them (tree.py)
        )
    )
    translations: dict[int, dict[int, UnitTranslation]] = {}
    for t in db.session.scalars(
        select(UnitTranslation).where(UnitTranslation.variant_id.in_([v.id for v in chain.values()]))
    ):
        translations.setdefault(t.unit_id, {})[t.variant_id] = t
    hidden = {entry for v in chain.values() for entry in v.hidden}
    result = []
    for module in modules:
        row = ModuleStatus(module)
        for unit in (u for u in units if u.module_id == module.id):
            row.units.append(_state(unit, module, variant, chain, translations.get(unit.id, {}), hidden))
        result.append(row)
    return result


def _state(unit, module, variant, chain, translations, hidden) -> UnitState:
    if unit.variant_id is not None:
        return UnitState(unit, COUNTRY_ONLY, variant.tag)
    if f"{module.slug}/{unit.slug}" in hidden:
        return UnitState(unit, HIDDEN)
    for tag in (variant.tag, variant.language):
        chosen = chain.get(tag) and translations.get(chain[tag].id)
        if chosen:
            return UnitState(unit, UP_TO_DATE if chosen.source_revision >= unit.revision else OUTDATED, tag)
    return UnitState(unit, MISSING)


def totals(rows: list[ModuleStatus]) -> dict:
    states = [u.state for row in rows for u in row.units]
    relevant = [s for s in states if s in (UP_TO_DATE, OUTDATED, MISSING)]
    return {
        **{s: states.count(s) for s in (UP_TO_DATE, OUTDATED, MISSING, COUNTRY_ONLY, HIDDEN)},
        "percent": states.count(UP_TO_DATE) / len(relevant) if relevant else 1.0,
    }


# ---------------------------------------------------------------- the editor


def get_unit(variant: Variant, module_slug: str, unit_slug: str) -> Unit:
    unit = db.session.scalar(
        select(Unit)
        .join(Module)
        .where(
            Module.course_id == variant.course_id,
            Module.slug == module_slug,
            Unit.slug == unit_slug,
            Unit.variant_id.is_(None),
        )
    )
    if unit is None:
        raise LookupError(unit_slug)
    return unit


def own_translation(variant: Variant, unit: Unit) -> UnitTranslation | None:
    return db.session.scalar(
        select(UnitTranslation).where(UnitTranslation.variant_id == variant.id, UnitTranslation.unit_id == unit.id)
    )


def latest_revision(variant: Variant, unit: Unit) -> TranslationRevision | None:
    """The newest version of the variant's text of the unit (saved in the browser or from a file)."""
    query = TranslationRevision.of(variant.id, unit_id=unit.id)
    return db.session.scalar(query.order_by(TranslationRevision.number.desc()).limit(1))


class EditConflict(LocalisationError):
    """The translation was saved again (by someone else, or by an import) after the form was loaded."""

    def __init__(self, revision: TranslationRevision):
        super().__init__(_l("Someone else saved this translation while you were editing it."))
        self.revision = revision


class InvalidQuiz(LocalisationError):
    """A translated quiz that does not parse or does not keep the original's questions; ``problems``
    say where (quiz_text.Problem), in the interface's language."""

    def __init__(self, problems: list[quiz_text.Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class SourceChange:
    """What changed in the original between the revision a translation translates and now."""

    since: int
    now: int
    title: list[Segment]
    body: list[Segment]


def source_changes(unit: Unit, since_revision: int) -> SourceChange | None:
    """The word diff of the source's title and text since ``since_revision``; None when that
    revision's text is not kept."""
    old = db.session.execute(
        select(UnitRevision.title, UnitRevision.body_source).where(
            UnitRevision.unit_id == unit.id, UnitRevision.revision == since_revision
        )
    ).first()
    if old is None:
        return None
    title, body = _diff(old.title, unit.title, context=None), _diff(old.body_source, unit.body_source)
    return SourceChange(since_revision, unit.revision, title, body)


def _diff(old: str, new: str, *, context: int | None = 2) -> list[Segment]:
    return word_diff(old, new, context=context)


TITLE_MAX = 300  # UnitTranslation.title and Unit.title


def preview(variant: Variant, unit: Unit, body: str) -> str:
    return render(body, _web_rewriter(variant, unit))


def save(
    user,
    variant: Variant,
    unit: Unit,
    title: str,
    body: str,
    *,
    base: int | None = None,
    parts: list[str] | None = None,
) -> UnitTranslation:
    """Save a translation edited in the browser as a new revision of it, made from the current source.

    ``base``: the number of the revision the form was loaded with (0: none yet). When the
    translation was saved again since, EditConflict, and nothing is written: the caller shows
    both texts. ``parts``: a quiz typed question by question (quiz_text.split), for the
    problems to say which question they are in."""
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")  # as a textarea sends it: LF, as in the files
    if not title:
        raise LocalisationError(_l("Please give the translated title."))
    if len(title) > TITLE_MAX:  # the column's length: PostgreSQL refuses longer ones
        raise LocalisationError(
            lazy_ngettext(
                "The title is too long: at most %(num)d character.",
                "The title is too long: at most %(num)d characters.",
                TITLE_MAX,
            )
        )
    latest = latest_revision(variant, unit)
    if base is not None and latest is not None and base != latest.number:
        raise EditConflict(latest)
    questions = _checked_questions(unit, body, parts) if unit.kind == QUIZ else []
    translation = own_translation(variant, unit)
    if translation is None:
        translation = UnitTranslation(variant_id=variant.id, unit_id=unit.id, meta={})
        db.session.add(translation)
    translation.title = title
    translation.body_source = body
    translation.body_html = preview(variant, unit, _quiz_intro(unit, body) if unit.kind == QUIZ else body)
    translation.questions = questions
    translation.source_revision = unit.revision
    translation.content_hash = hashlib.sha256(export_text(translation, unit).encode()).hexdigest()
    _record(user, variant, unit, title, body)
    db.session.flush()
    return translation


def mark_still_correct(user, variant: Variant, unit: Unit, *, base: int | None = None) -> UnitTranslation:
    """An outdated translation that needs no change: it now translates the current source.

    The text is not touched (nor its fingerprints: there is nothing new to export); a new
    revision records who decided it, and when. EditConflict as for :func:`save`."""
    translation = own_translation(variant, unit)
    if translation is None:
        raise LookupError(unit.slug)
    latest = latest_revision(variant, unit)
    if base is not None and latest is not None and base != latest.number:
        raise EditConflict(latest)
    if translation.source_revision < unit.revision:
        translation.source_revision = unit.revision
        _record(user, variant, unit, translation.title, translation.body_source, still_correct=True)
        db.session.flush()
    return translation


def _record(user, variant, unit, title: str, body: str, *, still_correct: bool = False) -> None:
    TranslationRevision.append(
        variant.id,
        unit_id=unit.id,
        title=title,
        body_source=body,
        fields={"still_correct": True} if still_correct else {},
        source_revision=unit.revision,
        origin=TranslationRevision.BROWSER,
        author_id=user.id if user else None,
    )


@dataclass
class HistoryEntry:
    revision: TranslationRevision
    author: str | None  # the author's name; None: from the files, or a deleted account (``origin`` tells)
    title: list[Segment]  # the change from the version before ([]: none)
    body: list[Segment]
    first: bool

    @property
    def still_correct(self) -> bool:
        return bool((self.revision.fields or {}).get("still_correct"))


def author_names(revisions: list[TranslationRevision]) -> dict[int, str]:
    """Author id → name, for the revisions that have an author (one query)."""
    ids = {r.author_id for r in revisions if r.author_id is not None}
    if not ids:
        return {}
    return {row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


def history(variant: Variant, unit: Unit) -> list[HistoryEntry]:
    """Every version, newest first, each with its word diff from the one before and its author."""
    revisions = list(
        db.session.scalars(
            select(TranslationRevision)
            .where(TranslationRevision.variant_id == variant.id, TranslationRevision.unit_id == unit.id)
            .order_by(TranslationRevision.number)
        )
    )
    names = author_names(revisions)
    entries, before = [], None
    for revision in revisions:
        entries.append(
            HistoryEntry(
                revision,
                names.get(revision.author_id) if revision.author_id is not None else None,
                _diff(before.title, revision.title, context=None) if before else [],
                _diff(before.body_source if before else "", revision.body_source),
                before is None,
            )
        )
        before = revision
    return list(reversed(entries))


def revert(user, variant: Variant, unit: Unit, number: int) -> UnitTranslation:
    """Bring back an earlier revision, as a new revision (history is never rewritten)."""
    revision = db.session.scalar(
        select(TranslationRevision).where(
            TranslationRevision.variant_id == variant.id,
            TranslationRevision.unit_id == unit.id,
            TranslationRevision.number == number,
        )
    )
    if revision is None:
        raise LookupError(number)
    return save(user, variant, unit, revision.title, revision.body_source)


def _quiz_intro(unit: Unit, body: str) -> str:
    if unit.meta.get("format") == "gift":
        return ""
    return parse_quiz_markdown(body)[0]


def _checked_questions(unit: Unit, body: str, parts: list[str] | None = None) -> list[dict]:
    """A translated quiz must parse and keep the source's questions and answers; only texts change.

    InvalidQuiz says what is wrong in the interface's language, by question when ``parts`` are given."""
    try:
        return quiz_text.check(unit.meta.get("format"), body, unit.questions, parts)
    except quiz_text.QuizProblems as error:
        raise InvalidQuiz(error.problems) from error


def _web_rewriter(variant: Variant, unit: Unit):
    """Relative links in a web edit of a unit, as the importer resolves them in files (by stable ids)."""
    return web_rewriter(variant, db.session.get_one(Module, unit.module_id).slug)


def web_rewriter(variant: Variant, module_slug: str | None):
    """Relative links in a web edit of a file of module ``module_slug`` (None: course.md, at the
    course's root), as the importer resolves them in files (by stable ids)."""
    course_slug = db.session.get_one(Course, variant.course_id).slug

    def rewrite(url: str, _tag: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "/")):
            return None
        target = posixpath.normpath(posixpath.join("module" if module_slug else ".", parts.path))
        if "/media/" in f"/{target}" or target.startswith("media/"):
            return f"/courses/{course_slug}/media/{target.split('media/', 1)[1]}"
        pieces = target.split("/")
        if ".." in pieces:  # above the course folder
            return None
        if pieces == ["course.md"]:
            return f"/courses/{course_slug}/"
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        if module_slug and len(pieces) == 2 and pieces[0] == "module":  # same module
            return (
                f"/courses/{course_slug}/{module_slug}/{stable_id(pieces[1])}/{anchor}"
                if pieces[1] != "module.md"
                else f"/courses/{course_slug}/{module_slug}/{anchor}"
            )
        if len(pieces) == 2 and pieces[1] == "module.md":
            return f"/courses/{course_slug}/{stable_id(pieces[0])}/{anchor}"
        if len(pieces) == 2:
            return f"/courses/{course_slug}/{stable_id(pieces[0])}/{stable_id(pieces[1])}/{anchor}"
        return None

    return rewrite


def export_text(translation: UnitTranslation, unit: Unit) -> str:
    """The file a translation is written back to: front matter and body, as a trainer would write it."""
    meta = {"title": translation.title, **front_matter(translation.meta or {})}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip()
    return f"---\n{front}\n---\n{translation.body_source}"


# ---------------------------------------------------------------- what only a variant has


def set_hidden(variant: Variant, module_slug: str, unit_slug: str, hidden: bool) -> None:
    """Hide a source unit in this variant (or show it again); the course itself is not touched."""
    entry = f"{module_slug}/{unit_slug}"
    entries = [e for e in variant.hidden if e != entry] + ([entry] if hidden else [])
    variant.hidden = sorted(entries)


def local_unit_text(unit: Unit) -> str:
    front = yaml.safe_dump(
        {"kind": unit.kind, "title": unit.title, **front_matter(unit.meta)}, allow_unicode=True, sort_keys=False
    ).strip()
    return f"---\n{front}\n---\n{unit.body_source}"
