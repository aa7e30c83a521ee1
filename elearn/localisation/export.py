"""Writing translations edited in the browser back into the course files (``flask courses export``).

Only translations whose latest text came from the browser are written; a translation
that came from a file and did not change is left alone, so import → export → import
changes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from elearn.courses.loader import _numbered, find_courses, stable_id
from elearn.courses.frontmatter import parse_document
from elearn.courses.models import Course, Module, Unit, UnitTranslation, Variant
from elearn.extensions import db
from elearn.localisation.services import export_text


def _source_paths(course_dir: Path) -> dict[tuple[str, str], str]:
    """(module id, unit id) → the unit's path inside the course, e.g. 01-what/02-lesson.md."""
    paths = {}
    for module_dir in _numbered(course_dir.iterdir(), dirs=True):
        module_file = module_dir / "module.md"
        module_id = (parse_document(module_file.read_bytes()).meta.get("id") if module_file.is_file() else None) \
            or stable_id(module_dir.name)
        for unit_file in _numbered(module_dir.iterdir(), dirs=False):
            unit_id = parse_document(unit_file.read_bytes()).meta.get("id") or stable_id(unit_file.name)
            paths[(module_id, unit_id)] = f"{module_dir.name}/{unit_file.name}"
    return paths


def export_tree(path: Path) -> list[Path]:
    """Write the browser-edited translations of every course under ``path``; returns the files written."""
    written = []
    for course_dir in find_courses(Path(path)):
        course = db.session.scalar(select(Course).where(Course.slug == course_dir.name))
        if course is None:
            continue
        paths = _source_paths(course_dir)
        rows = db.session.execute(
            select(UnitTranslation, Unit, Module.slug, Variant.tag)
            .join(Unit, Unit.id == UnitTranslation.unit_id).join(Module, Module.id == Unit.module_id)
            .join(Variant, Variant.id == UnitTranslation.variant_id).where(Variant.course_id == course.id))
        for translation, unit, module_slug, tag in rows:
            text = export_text(translation, unit)
            if hashlib.sha256(text.encode()).hexdigest() != translation.content_hash:
                continue  # it came from a file: the file is the original
            target = course_dir / "locales" / tag / paths[(module_slug, unit.slug)]
            if target.is_file() and target.read_text(encoding="utf-8") == text:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written
