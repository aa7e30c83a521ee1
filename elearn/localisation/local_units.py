"""Country-only units: a local lesson, interview or case story that only one variant has.

A partner admin adds one in the browser, edits it (every field its kind has, and its place in
the module), and deletes it. A unit that came from the course files can be edited too; it
cannot be deleted here, because the next import would bring it back from its file: the page
says which file to delete instead.

Where a unit goes: units are ordered by ``position``, the number of their file (``03-…``), and
a country-only unit follows the course's unit of the same number (``Unit.variant_id`` last in
:mod:`elearn.courses.tree`'s order). So "after unit X" is stored as X's position; "at the
beginning" as 0, offered when the course's first unit is numbered 1 or more.

Every save gives the unit a new ``content_hash`` (``synced_hash`` is left alone, so the export
sees work that is not in the files yet) and is kept as a :class:`TranslationRevision` of the
unit with its fields, the author and the time.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, lazy_pgettext
from sqlalchemy import delete, select

from elearn.core.markdown import render
from elearn.courses.frontmatter import parse_document
from elearn.courses.loader import KIND_KEYS, UNIT_KINDS, numbered, stable_id
from elearn.courses.models import QUIZ, Course, Module, TranslationRevision, Unit, UnitRevision, Variant
from elearn.extensions import db
from elearn.localisation.services import TITLE_MAX, LocalisationError, local_unit_text, web_rewriter

LOCAL_KINDS = ("lesson", "interview", "case-story")
FIELD_LABELS = {
    "interviewee": _l("Interviewee"),
    "role": lazy_pgettext("a person's job in an organisation", "Role"),
    "organisation": _l("Organisation"),
    "country": _l("Country"),
    "sector": _l("Sector"),
    "year": _l("Year"),
}
FORM_FIELDS = tuple(FIELD_LABELS)  # the fields of the form; other keys (media, figures) stay as they are
FIELD_MAX = 300
START = ""  # the placement "at the beginning of the module"


def kind_fields(kind: str) -> list[str]:
    """The form's fields a kind has, in the form's order (a lesson has none)."""
    return [key for key in FORM_FIELDS if key in KIND_KEYS.get(kind, {})]


# ---------------------------------------------------------------- finding


def get_local_unit(variant: Variant, module_slug: str, unit_slug: str) -> Unit:
    """This variant's own unit; LookupError for any other (a course unit, another variant's)."""
    unit = db.session.scalar(
        select(Unit)
        .join(Module)
        .where(
            Module.course_id == variant.course_id,
            Module.slug == module_slug,
            Unit.slug == unit_slug,
            Unit.variant_id == variant.id,
        )
    )
    if unit is None:
        raise LookupError(unit_slug)
    return unit


def get_module(variant: Variant, module_slug: str) -> Module:
    module = db.session.scalar(select(Module).where(Module.course_id == variant.course_id, Module.slug == module_slug))
    if module is None:
        raise LookupError(module_slug)
    return module


# ---------------------------------------------------------------- where a unit goes


@dataclass(frozen=True)
class Placement:
    value: str  # the course unit's slug, or START
    label: str
    hidden: bool = False


def placements(variant: Variant, module: Module) -> list[Placement]:
    """The places a country-only unit can go: after each of the course's units, or at the beginning."""
    anchors = [u for u in module.units if u.variant_id is None]
    hidden = set(variant.hidden)
    choices = [Placement(START, str(_l("At the beginning of the module")))] if _start_allowed(anchors) else []
    choices += [
        Placement(u.slug, str(_l("After “%(title)s”", title=u.title)), f"{module.slug}/{u.slug}" in hidden)
        for u in anchors
    ]
    return choices


def default_placement(module: Module) -> str:
    """A new unit goes after the last unit that is not a quiz (a module's quiz usually closes it)."""
    anchors = [u for u in module.units if u.variant_id is None]
    before_quiz = [u for u in anchors if u.kind != QUIZ] or anchors
    return before_quiz[-1].slug if before_quiz else START


def placement_of(unit: Unit) -> str:
    """The course unit a country-only unit follows (the last one numbered at most as it is)."""
    anchors = [u for u in unit.module.units if u.variant_id is None and u.position <= unit.position]
    return anchors[-1].slug if anchors else START


def _start_allowed(anchors: list[Unit]) -> bool:
    return not anchors or min(u.position for u in anchors) >= 1


def _position(module: Module, after: str | None) -> int:
    anchors = [u for u in module.units if u.variant_id is None]
    if after is None:
        after = default_placement(module)
    if after == START and _start_allowed(anchors):
        return 0
    anchor = next((u for u in anchors if u.slug == after), None)
    if anchor is None:
        raise LocalisationError(_l("Choose where the unit goes in the module."))
    return anchor.position


# ---------------------------------------------------------------- checking what was typed


def _checked(kind: str, title: str, meta: dict) -> tuple[str, dict]:
    """The title and the kind's fields, checked as the course loader checks a file's front matter,
    with messages in the partner admin's language."""
    title = (title or "").strip()
    if kind not in LOCAL_KINDS or kind not in UNIT_KINDS:
        raise LocalisationError(_l("Choose a lesson, an interview or a case story."))
    if not title:
        raise LocalisationError(_l("Please give the translated title."))
    if len(title) > TITLE_MAX:
        raise LocalisationError(
            lazy_ngettext(
                "The title is too long: at most %(num)d character.",
                "The title is too long: at most %(num)d characters.",
                TITLE_MAX,
            )
        )
    values = {key: str(meta.get(key) if meta.get(key) is not None else "").strip() for key in FORM_FIELDS}
    wanted = kind_fields(kind)
    for key in FORM_FIELDS:
        if values[key] and key not in wanted:
            raise LocalisationError(
                _l(
                    "%(field)s is not part of this kind of unit: empty the field or choose another kind.",
                    field=FIELD_LABELS[key],
                )
            )
    checked = {}
    for key in wanted:
        required, check = KIND_KEYS[kind][key]
        value = values[key]
        if not value:
            if required:
                raise LocalisationError(_l("Please fill in: %(field)s", field=FIELD_LABELS[key]))
            continue
        if len(value) > FIELD_MAX:
            raise LocalisationError(
                lazy_ngettext(
                    "%(field)s is too long: at most %(num)d character.",
                    "%(field)s is too long: at most %(num)d characters.",
                    FIELD_MAX,
                    field=FIELD_LABELS[key],
                )
            )
        if key == "country":
            value = value.upper()
        checked_value, error = check(int(value) if key == "year" and value.isdigit() else value)
        if error:
            raise LocalisationError(_FIELD_ERRORS.get(key, _l("Please fill in: %(field)s", field=FIELD_LABELS[key])))
        checked[key] = checked_value
    return title, checked


_FIELD_ERRORS = {
    "country": _l("Country: give the two-letter country code, such as LV or SI."),
    "year": _l("Year: give a year such as 2012."),
}


# ---------------------------------------------------------------- saving


def create_local_unit(
    variant: Variant,
    module_slug: str,
    *,
    kind: str,
    title: str,
    body: str,
    meta: dict,
    after: str | None = None,
    user=None,
) -> Unit:
    """A unit only this variant has, checked like a file would be; ``after`` the course unit
    of that slug (START: at the beginning; None: after the last unit that is not a quiz)."""
    title, checked = _checked(kind, title, meta)
    module = get_module(variant, module_slug)
    position = _position(module, after)
    slug = _free_slug(module, _slugify(title))
    body_html = render(body, web_rewriter(variant, module.slug))
    unit = Unit(
        module=module,
        variant_id=variant.id,
        slug=slug,
        position=position,
        kind=kind,
        title=title,
        meta=checked,
        body_source=body,
        body_html=body_html,
        revision=1,
        synced_hash="",
    )
    db.session.add(unit)
    unit.content_hash = _fingerprint(local_unit_text(unit))
    db.session.flush()
    _add_revision(user, variant, unit)
    return unit


def update_local_unit(
    user, variant: Variant, unit: Unit, *, kind: str, title: str, body: str, meta: dict, after: str | None
) -> bool:
    """Save an edit of a country-only unit; False when nothing changed (no new version then).

    Its id (the file name, learners' progress) stays, whatever the new title."""
    title, checked = _checked(kind, title, meta)
    position = _position(unit.module, after)
    keys = KIND_KEYS[kind]  # what the form does not show stays: an interview's media, a story's figures
    kept = {
        k: v
        for k, v in (unit.meta or {}).items()
        if k not in FORM_FIELDS and (k in keys or (k.startswith("media_") and "media" in keys))
    }
    new_meta = {**kept, **checked}
    if (unit.kind, unit.title, unit.meta, unit.body_source, unit.position) == (
        kind,
        title,
        new_meta,
        body,
        position,
    ):
        return False
    if TranslationRevision.count(variant.id, unit_id=unit.id) == 0:  # from a file, never saved here: keep it
        _add_revision(None, variant, unit, origin=TranslationRevision.FILE)
    old_text = local_unit_text(unit)
    unit.kind, unit.title, unit.meta, unit.body_source, unit.position = kind, title, new_meta, body, position
    unit.body_html = render(body, web_rewriter(variant, unit.module.slug))
    text = local_unit_text(unit)
    # Moved only: the text is the same, yet the move is work the files do not have yet.
    unit.content_hash = _fingerprint(text if text != old_text else f"{text}\n# position {position}")
    db.session.flush()
    _add_revision(user, variant, unit)
    return True


def file_of(variant: Variant, unit: Unit) -> str | None:
    """The unit's file in the course folder it was imported from (``locales/<tag>/<module>/<file>``), if any."""
    course_dir = Path(db.session.get_one(Course, variant.course_id).source_dir or "")
    tag_dir = course_dir / "locales" / variant.tag
    if not course_dir.parts or not tag_dir.is_dir():
        return None
    for module_dir in numbered(tag_dir.iterdir(), dirs=True):
        if _id(module_dir / "module.md", module_dir.name) != unit.module.slug:
            continue
        for unit_file in numbered(module_dir.iterdir(), dirs=False):
            if _id(unit_file, unit_file.name) == unit.slug:
                return unit_file.relative_to(course_dir).as_posix()
    return None


def _id(path: Path, name: str) -> str:
    explicit = parse_document(path.read_bytes()).meta.get("id") if path.is_file() else None
    return explicit if isinstance(explicit, str) else stable_id(name)


def why_not_deletable(variant: Variant, unit: Unit) -> str | None:
    """Why a unit cannot be deleted here: it is in the course files, from which the next import
    would bring it back. None for a unit made here and not exported."""
    path = file_of(variant, unit)
    if path:
        return str(
            _l(
                "This unit is in the course files (%(path)s), so the next import would bring it back. "
                "Ask whoever keeps the course files to delete that file and import the course.",
                path=path,
            )
        )
    if unit.synced_hash:
        return str(
            _l(
                "This unit was exported to the course files, so the next import would bring it back. "
                "Ask whoever keeps the course files to delete its file and import the course."
            )
        )
    return None


def delete_local_unit(variant: Variant, unit: Unit) -> None:
    """Delete a country-only unit made here and not in the files, with its versions."""
    refusal = why_not_deletable(variant, unit)
    if refusal:
        raise LocalisationError(refusal)
    db.session.execute(delete(TranslationRevision).where(TranslationRevision.unit_id == unit.id))
    db.session.execute(delete(UnitRevision).where(UnitRevision.unit_id == unit.id))
    unit.module.units.remove(unit)
    db.session.delete(unit)
    db.session.flush()


# ---------------------------------------------------------------- history and ids


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _add_revision(user, variant: Variant, unit: Unit, origin: str = TranslationRevision.BROWSER) -> None:
    TranslationRevision.append(
        variant.id,
        unit_id=unit.id,
        title=unit.title,
        body_source=unit.body_source,
        fields={"kind": unit.kind, "meta": dict(unit.meta), "position": unit.position},
        source_revision=0,
        origin=origin,
        author_id=user.id if user else None,
    )
    db.session.flush()


def _slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "unit"


def _free_slug(module: Module, slug: str) -> str:
    taken = {u.slug for u in module.units}
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate
