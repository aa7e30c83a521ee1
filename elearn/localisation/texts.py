"""A variant's own course text and module texts, edited in the browser.

The course text (title, summary, description: ``locales/<tag>/course.md`` in the files) and
each module's text (title, summary, objectives, outline: ``locales/<tag>/<module>/module.md``)
are saved like a unit's translation: the markdown goes through the same sanitising renderer
with the same link rewriting (:func:`elearn.localisation.services.web_rewriter`), every save
is kept as a :class:`TranslationRevision` (``module_id`` set for a module, neither ``unit_id``
nor ``module_id`` for the course), and a save gives the row a new ``content_hash`` and never
touches ``synced_hash``: the two differ until the text is exported to the files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import yaml
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from elearn.core.markdown import render
from elearn.courses.models import CourseTranslation, Module, ModuleTranslation, TranslationRevision, Variant
from elearn.extensions import db
from elearn.localisation.services import TITLE_MAX, LocalisationError, web_rewriter


@dataclass
class TextState:
    """Whose text of the course (or a module) learners of a variant read."""

    own: bool  # the variant has its own text
    shown_from: str | None  # the tag whose text learners read; None: the original


def course_translation(variant: Variant) -> CourseTranslation | None:
    return db.session.scalar(select(CourseTranslation).where(CourseTranslation.variant_id == variant.id))


def module_translation(variant: Variant, module: Module) -> ModuleTranslation | None:
    return db.session.scalar(
        select(ModuleTranslation).where(
            ModuleTranslation.variant_id == variant.id, ModuleTranslation.module_id == module.id
        )
    )


def language_text(variant: Variant, module: Module | None) -> CourseTranslation | ModuleTranslation | None:
    """For a country variant (``lv-LV``) without a text of its own: the language's (``lv``), which
    its learners read meanwhile; the editor starts from it."""
    if not variant.country:
        return None
    language = db.session.scalar(
        select(Variant).where(Variant.course_id == variant.course_id, Variant.tag == variant.language)
    )
    if language is None:
        return None
    return module_translation(language, module) if module else course_translation(language)


class _ModuleStates(dict):
    def __missing__(self, _module_id: int) -> TextState:
        return TextState(own=False, shown_from=None)


def states(variant: Variant) -> tuple[TextState, dict[int, TextState]]:
    """The course text's state, and each module text's by module id, in the variant: two queries."""
    tags = [variant.tag, variant.language]

    def state(found: set[str]) -> TextState:
        return TextState(own=variant.tag in found, shown_from=next((t for t in tags if t in found), None))

    of_variant = (Variant.course_id == variant.course_id, Variant.tag.in_(tags))
    course = state(set(db.session.scalars(select(Variant.tag).join(CourseTranslation).where(*of_variant))))
    by_module: dict[int, set[str]] = {}
    for module_id, tag in db.session.execute(
        select(ModuleTranslation.module_id, Variant.tag).join(Variant).where(*of_variant)
    ):
        by_module.setdefault(module_id, set()).add(tag)
    modules = _ModuleStates({module_id: state(found) for module_id, found in by_module.items()})
    return course, modules


def preview(variant: Variant, module: Module | None, body: str) -> str:
    """The outline (``module``) or the course description (None) as learners would read it."""
    return render(body, web_rewriter(variant, module.slug if module else None))


def objective_lines(text: str) -> list[str]:
    """The objectives typed one per line; blank lines do not count."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def course_file_text(translation: CourseTranslation) -> str:
    """``locales/<tag>/course.md`` as a trainer would write it: its fingerprint is ``content_hash``."""
    return _file_text({"title": translation.title, "summary": translation.summary}, translation.body_source)


def module_file_text(translation: ModuleTranslation) -> str:
    """``locales/<tag>/<module>/module.md`` as a trainer would write it."""
    meta = {"title": translation.title, "summary": translation.summary, "objectives": translation.objectives}
    return _file_text(meta, translation.body_source)


def _file_text(meta: dict, body: str) -> str:
    front = yaml.safe_dump({k: v for k, v in meta.items() if v}, allow_unicode=True, sort_keys=False).strip()
    return f"---\n{front}\n---\n{body}"


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _checked_title(title: str) -> str:
    title = (title or "").strip()
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
    return title


def save_course_text(user, variant: Variant, *, title: str, summary: str, body: str) -> CourseTranslation | None:
    """Save the variant's course text; None when nothing changed (no new version then)."""
    title, summary = _checked_title(title), (summary or "").strip()
    row = course_translation(variant)
    if row is not None and (row.title, row.summary, row.body_source) == (title, summary, body):
        return None
    html = preview(variant, None, body)
    if row is None:
        row = CourseTranslation(variant_id=variant.id, synced_hash="")
        db.session.add(row)
    else:
        _keep_file_version(variant, None, row, {"summary": row.summary})
    row.title, row.summary, row.body_source, row.description_html = title, summary, body, html
    row.content_hash = _fingerprint(course_file_text(row))
    _add_revision(user, variant, None, title, body, {"summary": summary})
    db.session.flush()
    return row


def save_module_text(
    user, variant: Variant, module: Module, *, title: str, summary: str, objectives: list[str], body: str
) -> ModuleTranslation | None:
    """Save the variant's text of a module; None when nothing changed (no new version then)."""
    title, summary = _checked_title(title), (summary or "").strip()
    row = module_translation(variant, module)
    if row is not None and (row.title, row.summary, list(row.objectives or []), row.body_source) == (
        title,
        summary,
        objectives,
        body,
    ):
        return None
    html = preview(variant, module, body)
    if row is None:
        row = ModuleTranslation(variant_id=variant.id, module_id=module.id, synced_hash="")
        db.session.add(row)
    else:
        _keep_file_version(variant, module, row, {"summary": row.summary, "objectives": list(row.objectives or [])})
    row.title, row.summary, row.objectives, row.body_source = title, summary, objectives, body
    row.outline_html = html
    row.content_hash = _fingerprint(module_file_text(row))
    _add_revision(user, variant, module, title, body, {"summary": summary, "objectives": objectives})
    db.session.flush()
    return row


def revisions(variant: Variant, module: Module | None) -> list[TranslationRevision]:
    """The saved versions of the course text (``module`` None) or a module text, newest first."""
    return list(db.session.scalars(_revisions(variant, module).order_by(TranslationRevision.number.desc())))


def _revisions(variant: Variant, module: Module | None):
    return TranslationRevision.of(variant.id, module_id=module.id if module else None)


def _keep_file_version(variant: Variant, module: Module | None, row, fields: dict) -> None:
    """A text that came from the files and was never saved here goes into the history first,
    so the first browser save does not leave the history without the text it replaced."""
    module_id = module.id if module else None
    if TranslationRevision.count(variant.id, module_id=module_id) == 0:
        TranslationRevision.append(
            variant.id,
            module_id=module_id,
            title=row.title,
            body_source=row.body_source,
            fields=fields,
            origin=TranslationRevision.FILE,
        )
        db.session.flush()


def _add_revision(user, variant: Variant, module: Module | None, title: str, body: str, fields: dict) -> None:
    TranslationRevision.append(
        variant.id,
        module_id=module.id if module else None,
        title=title,
        body_source=body,
        fields=fields,
        origin=TranslationRevision.BROWSER,
        author_id=user.id if user else None,
    )
