"""Country-only units made in the browser: a local interview, case story or lesson of one variant."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.core.markdown import render
from elearn.courses.loader import KIND_KEYS, UNIT_KINDS
from elearn.courses.models import QUIZ, Module, Unit, Variant
from elearn.extensions import db
from elearn.localisation.services import TITLE_MAX, LocalisationError, _web_rewriter, local_unit_text

LOCAL_KINDS = ("lesson", "interview", "case-story")
FIELD_LABELS = {
    "interviewee": _l("Interviewee"),
    "role": _l("Role"),
    "organisation": _l("Organisation"),
    "country": _l("Country"),
    "sector": _l("Sector"),
    "year": _l("Year"),
}


def create_local_unit(variant: Variant, module_slug: str, *, kind: str, title: str, body: str, meta: dict) -> Unit:
    """A unit only this variant has (a local interview or case story), checked like a file would be."""
    title = (title or "").strip()
    if kind not in LOCAL_KINDS or kind not in UNIT_KINDS:
        raise LocalisationError(_l("Choose a lesson, an interview or a case story."))
    if not title:
        raise LocalisationError(_l("Please give the translated title."))
    if len(title) > TITLE_MAX:
        raise LocalisationError(_l("The title is too long: at most %(num)d characters.", num=TITLE_MAX))
    checked = {}
    for key, (required, check) in KIND_KEYS[kind].items():
        value = meta.get(key)
        if value in (None, ""):
            if required:
                raise LocalisationError(_l("Please fill in: %(field)s", field=FIELD_LABELS.get(key, key)))
            continue
        value, error = check(int(value) if key == "year" and str(value).isdigit() else value)
        if error:
            raise LocalisationError(f"{FIELD_LABELS.get(key, key)}: {error}")
        checked[key] = value
    module = db.session.scalar(select(Module).where(Module.course_id == variant.course_id, Module.slug == module_slug))
    if module is None:
        raise LookupError(module_slug)
    slug = _free_slug(module, _slugify(title))
    non_quiz = [u.position for u in module.units if u.kind != QUIZ and u.variant_id is None]
    unit = Unit(
        module=module,
        variant_id=variant.id,
        slug=slug,
        position=max(non_quiz, default=0),
        kind=kind,
        title=title,
        meta=checked,
        body_source=body,
        revision=1,
    )
    db.session.add(unit)
    unit.body_html = render(body, _web_rewriter(variant, unit))
    unit.content_hash = hashlib.sha256(local_unit_text(unit).encode()).hexdigest()
    db.session.flush()
    return unit


def _slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "unit"


def _free_slug(module: Module, slug: str) -> str:
    taken = {u.slug for u in module.units}
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate
