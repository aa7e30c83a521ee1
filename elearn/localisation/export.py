"""Writing translations edited in the browser back into the course files (``flask courses export``).

Only translations whose latest text came from the browser are written; a translation
that came from a file and did not change is left alone, so import → export → import
changes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from sqlalchemy import select

from elearn.courses.frontmatter import parse_document
from elearn.courses.loader import find_courses, numbered, stable_id
from elearn.courses.models import Course, Module, Unit, UnitTranslation, Variant
from elearn.extensions import db
from elearn.localisation.services import export_text, local_unit_text


def _source_paths(course_dir: Path) -> dict[tuple[str, str], str]:
    """(module id, unit id) → the unit's path inside the course, e.g. 01-what/02-lesson.md."""
    paths = {}
    for module_dir in numbered(course_dir.iterdir(), dirs=True):
        module_file = module_dir / "module.md"
        module_id = (
            parse_document(module_file.read_bytes()).meta.get("id") if module_file.is_file() else None
        ) or stable_id(module_dir.name)
        for unit_file in numbered(module_dir.iterdir(), dirs=False):
            unit_id = parse_document(unit_file.read_bytes()).meta.get("id") or stable_id(unit_file.name)
            paths[(module_id, unit_id)] = f"{module_dir.name}/{unit_file.name}"
    return paths


def export_tree(path: Path) -> list[Path]:
    """Write the browser-edited translations of every course under ``path``; returns the files written."""
    written: list[Path] = []
    for course_dir in find_courses(Path(path)):
        course = db.session.scalar(select(Course).where(Course.slug == course_dir.name))
        if course is None:
            continue
        paths = _source_paths(course_dir)
        rows = db.session.execute(
            select(UnitTranslation, Unit, Module.slug, Variant.tag)
            .join(Unit, Unit.id == UnitTranslation.unit_id)
            .join(Module, Module.id == Unit.module_id)
            .join(Variant, Variant.id == UnitTranslation.variant_id)
            .where(Variant.course_id == course.id)
        )
        for translation, unit, module_slug, tag in rows:
            text = export_text(translation, unit)
            if hashlib.sha256(text.encode()).hexdigest() != translation.content_hash:
                continue  # it came from a file: the file is the original
            target = course_dir / "locales" / tag / paths[(module_slug, unit.slug)]
            if target.is_file() and target.read_text(encoding="utf-8") == text:
                continue
            _write(target, text, written)
        _export_local_units(course, course_dir, written)
        _export_hidden(course, course_dir, written)
    return written


def _write(target: Path, text: str, written: list[Path]) -> None:
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    written.append(target)


def _export_local_units(course: Course, course_dir: Path, written: list[Path]) -> None:
    """Country-only units created in the browser become files of their variant."""
    folders = {stable_id(d.name): d.name for d in numbered(course_dir.iterdir(), dirs=True)}
    rows = db.session.execute(
        select(Unit, Module.slug, Variant.tag)
        .join(Module, Module.id == Unit.module_id)
        .join(Variant, Variant.id == Unit.variant_id)
        .where(Variant.course_id == course.id)
    )
    for unit, module_slug, tag in rows:
        text = local_unit_text(unit)
        if hashlib.sha256(text.encode()).hexdigest() != unit.content_hash:
            continue  # it came from a file
        folder = course_dir / "locales" / tag / folders[module_slug]
        existing = [p for p in folder.glob("*.md") if stable_id(p.name) == unit.slug] if folder.is_dir() else []
        _write(existing[0] if existing else folder / f"{unit.position:02d}-{unit.slug}.md", text, written)


def _export_hidden(course: Course, course_dir: Path, written: list[Path]) -> None:
    """The units a variant hides, as its variant.yml."""
    for variant in db.session.scalars(select(Variant).where(Variant.course_id == course.id)):
        target = course_dir / "locales" / variant.tag / "variant.yml"
        current = (yaml.safe_load(target.read_text(encoding="utf-8")) or {}).get("hide", []) if target.is_file() else []
        if sorted(current or []) != sorted(variant.hidden):
            _write(target, yaml.safe_dump({"hide": sorted(variant.hidden)}, allow_unicode=True), written)
