"""A course's variants (``locales/<tag>/``): translated files, country-only units, and units a variant hides."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from elearn.courses.frontmatter import Document, parse_document, yaml_problem
from elearn.courses.loader.data import ModuleData, TranslationData, UnitData, VariantData
from elearn.courses.loader.files import _sha256, numbered, stable_id
from elearn.courses.loader.links import render_body
from elearn.courses.loader.media import check_translation_media
from elearn.courses.loader.quizzes import differing_questions
from elearn.courses.loader.reader import CourseReader, explicit_id
from elearn.courses.loader.schemas import COURSE_TRANSLATION_KEYS, KIND_KEYS, MODULE_KEYS, UNIT_KEYS
from elearn.courses.loader.units import load_unit, render_unit_body
from elearn.courses.models import QUIZ

TAG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")


def load_variants(reader: CourseReader, modules: list[ModuleData], course_pass_mark: int) -> list[VariantData]:
    locales = reader.dir / "locales"
    if not locales.is_dir():
        return []
    variants = []
    for tag_dir in sorted(p for p in locales.iterdir() if p.is_dir()):
        if not TAG_RE.match(tag_dir.name):
            reader.problem(tag_dir, 1, f"invalid variant tag '{tag_dir.name}': use ll or ll-CC, e.g. lv-LV")
            continue
        variants.append(load_variant(reader, tag_dir, modules, course_pass_mark))
    return variants


def load_variant(reader: CourseReader, tag_dir: Path, modules: list[ModuleData], course_pass_mark: int) -> VariantData:
    variant = VariantData(tag=tag_dir.name, path=reader.rel(tag_dir))
    by_id = {m.id: m for m in modules}
    module_dirs = numbered(tag_dir.iterdir(), dirs=True)
    # Links inside a variant resolve to the variant's own country-only files first.
    addresses = {**reader.page_addresses(module_dirs), **reader.addresses}
    variant.course = load_course_translation(reader, tag_dir / "course.md", addresses)
    for module_dir in module_dirs:
        load_variant_module(reader, variant, module_dir, by_id, addresses, course_pass_mark)
    variant.hidden = load_hidden(reader, tag_dir, by_id)
    return variant


def load_course_translation(
    reader: CourseReader, course_file: Path, addresses: dict[str, str]
) -> TranslationData | None:
    if not course_file.is_file():
        return None
    doc = reader.read(course_file)
    info = reader.check_keys(course_file, doc, COURSE_TRANSLATION_KEYS, inherited=set(COURSE_TRANSLATION_KEYS))
    return TranslationData(
        title=info.get("title", ""),
        summary=info.get("summary", ""),
        content_hash=_sha256(doc.raw),
        path=reader.rel(course_file),
        html=render_body(reader, course_file, doc, "course.md", addresses),
        body_source=doc.body,
    )


def load_variant_module(
    reader: CourseReader,
    variant: VariantData,
    module_dir: Path,
    by_id: dict[str, ModuleData],
    addresses: dict[str, str],
    course_pass_mark: int,
) -> None:
    """A module folder of a variant: the module's translation, if any, and its unit files."""
    module_file = module_dir / "module.md"
    module_id = explicit_id(module_file) or stable_id(module_dir.name)
    source = by_id.get(module_id)
    if source is None:
        reader.problem(
            module_dir,
            1,
            f"module '{module_id}' matches no module of the course "
            "(a variant adds units to the course's modules, not modules of its own)",
        )
        return
    if module_file.is_file():
        doc = reader.read(module_file)
        info = reader.check_keys(module_file, doc, MODULE_KEYS, inherited=set(MODULE_KEYS))
        variant.modules[module_id] = TranslationData(
            title=info.get("title", ""),
            summary=info.get("summary", ""),
            objectives=info.get("objectives", []),
            content_hash=_sha256(doc.raw),
            path=reader.rel(module_file),
            html=render_body(reader, module_file, doc, f"{module_dir.name}/module.md", addresses),
            body_source=doc.body,
        )
    load_variant_units(reader, variant, module_dir, module_id, source, addresses, course_pass_mark)


def load_variant_units(
    reader: CourseReader,
    variant: VariantData,
    module_dir: Path,
    module_id: str,
    source: ModuleData,
    addresses: dict[str, str],
    course_pass_mark: int,
) -> None:
    """Each unit file translates the source module's unit of its id, or adds a country-only unit."""
    source_units = {u.id: u for u in source.units}
    extra_seen = dict.fromkeys(source_units, reader.dir)  # country-only ids must be new
    for unit_file in numbered(module_dir.iterdir(), dirs=False):
        logical = f"{module_dir.name}/{unit_file.name}"
        unit_id = explicit_id(unit_file) or stable_id(unit_file.name)
        if unit_id in source_units:
            translation = load_translation(reader, unit_file, logical, addresses, source_units[unit_id])
            if translation:
                variant.units[(module_id, unit_id)] = translation
            continue
        doc = parse_document(unit_file.read_bytes())
        if "kind" not in doc.meta or "title" not in doc.meta:
            reader.problem(
                unit_file,
                1,
                f"{reader.rel(unit_file)} neither translates a source file "
                "(no unit with this id in the module) nor declares its own kind and title",
            )
            continue
        unit = load_unit(reader, unit_file, logical, addresses, course_pass_mark, extra_seen)
        if unit:
            variant.extra_units.setdefault(module_id, []).append(unit)


def load_translation(
    reader: CourseReader, path: Path, logical: str, addresses: dict[str, str], source: UnitData
) -> TranslationData | None:
    doc = reader.read(path)
    if doc.errors:
        return None
    if "kind" in doc.meta and doc.meta["kind"] != source.kind:
        reader.problem(path, doc.line_of("kind"), f"translation changes kind from {source.kind} to {doc.meta['kind']}")
        return None
    schema = UNIT_KEYS | KIND_KEYS[source.kind]
    info = reader.check_keys(path, doc, schema, inherited=set(schema) - {"title"})
    meta = {k: v for k, v in info.items() if k not in {"kind", "title", "id"}}
    merged = {**source.meta, **meta}
    body_html, questions = render_unit_body(reader, path, doc, source.kind, merged, logical, addresses, media=False)
    if source.kind != QUIZ:  # the source's recording, with this translation's tracks added
        check_translation_media(reader, path, doc, source.meta, meta, reader.language, source.kind)
    if source.kind == QUIZ and questions:
        compare_quiz(reader, path, doc, source.questions, questions)
    return TranslationData(
        title=info.get("title", ""),
        content_hash=_sha256(doc.raw),
        path=reader.rel(path),
        html=body_html,
        body_source=doc.body,
        meta=meta,
        questions=questions,
    )


def compare_quiz(reader: CourseReader, path: Path, doc: Document, source: list[dict], translated: list[dict]) -> None:
    if len(source) != len(translated):
        reader.problem(
            path,
            doc.body_first_line,
            f"translated quiz has {len(translated)} questions; the source has {len(source)}",
        )
        return
    for number in differing_questions(source, translated):
        reader.problem(
            path,
            translated[number - 1]["line"],
            f"question {number} differs from the source in its type or its answers: a translation changes only texts",
        )


def load_hidden(reader: CourseReader, tag_dir: Path, modules: dict[str, ModuleData]) -> list[str]:
    path = tag_dir / "variant.yml"
    if not path.is_file():
        return []
    reader.on_file(reader.rel(path))
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        reader.problem(path, 1, "file is not valid UTF-8")
        return []
    lines = text.split("\n")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc, lines)
        reader.problem(path, line, f"not valid YAML: {problem}")
        return []
    if not isinstance(data, dict) or set(data) - {"hide"}:
        reader.problem(path, 1, "variant.yml may only contain 'hide:', a list of module-id/unit-id")
        return []
    hidden = []
    for entry in data.get("hide") or []:
        line = next((i + 1 for i, text in enumerate(lines) if str(entry) in text), 1)
        module_id, _, unit_id = str(entry).partition("/")
        module = modules.get(module_id)
        if module is None or unit_id not in {u.id for u in module.units}:
            reader.problem(path, line, f"hidden unit not found: {entry}")
        else:
            hidden.append(f"{module_id}/{unit_id}")
    return hidden
