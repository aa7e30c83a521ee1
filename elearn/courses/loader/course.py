"""The course itself: ``course.md``, then its module folders and their units, then its variants."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from elearn.courses.frontmatter import Document
from elearn.courses.loader.data import CourseData, ModuleData
from elearn.courses.loader.files import _position, _sha256, numbered, stable_id, tree_hash
from elearn.courses.loader.layout import check_layout
from elearn.courses.loader.links import IMAGE_EXTENSIONS, check_anchors, render_body
from elearn.courses.loader.media import front_matter_file_url
from elearn.courses.loader.reader import CourseReader
from elearn.courses.loader.schemas import COURSE_KEYS, MODULE_KEYS
from elearn.courses.loader.units import load_unit
from elearn.courses.loader.variants import load_variants
from elearn.courses.models import QUIZ


def load_course(reader: CourseReader) -> CourseData | None:
    """The course's tree, or None when it has errors (in ``reader.problems``; warnings in ``reader.warnings``)."""
    data = read_course_tree(reader)
    return None if reader.problems else data


def read_course_tree(reader: CourseReader) -> CourseData:
    """The course's tree as far as it loads, problems or not: the importer drops a tree with
    errors (:func:`load_course`); the trainers' preview shows what loaded beside them."""
    check_layout(reader)
    course_file = reader.dir / "course.md"
    doc = reader.read(course_file)
    info = reader.check_keys(course_file, doc, COURSE_KEYS)
    reader.language = info.get("language", "")
    module_dirs = numbered(reader.dir.iterdir(), dirs=True)
    reader.addresses = {"course.md": f"/courses/{reader.slug}/", **reader.page_addresses(module_dirs)}
    description = render_body(reader, course_file, doc, "course.md", reader.addresses)
    cover = load_cover(reader, course_file, doc, info)
    course_pass_mark = info.get("pass_mark", 70)
    modules = load_modules(reader, module_dirs, course_pass_mark)
    variants = load_variants(reader, modules, course_pass_mark)
    check_anchors(reader)
    return CourseData(
        id=reader.slug,
        title=info.get("title", ""),
        summary=info.get("summary", ""),
        language=info.get("language", ""),
        estimated_hours=info.get("estimated_hours"),
        pass_mark=course_pass_mark,
        certificate=info.get("certificate", True),
        tags=info.get("tags", []),
        description_html=description,
        source_dir=str(reader.dir.resolve()),
        tree_hash=tree_hash(reader.dir),
        modules=modules,
        variants=variants,
        cover=cover,
    )


def load_cover(reader: CourseReader, course_file: Path, doc: Document, info: dict) -> dict | None:
    """course.md's ``cover:`` (an image in media/) with its ``cover_alt:``, and the image's size in pixels,
    which the pages give the <img> so nothing moves when it arrives."""
    if "cover" not in info:
        if "cover_alt" in info:
            reader.problem(course_file, doc.line_of("cover_alt"), "'cover_alt' describes a cover: add 'cover: media/…'")
        return None
    line = doc.line_of("cover")
    if "cover_alt" not in info:
        reader.problem(
            course_file, line, "the cover needs alternative text: add 'cover_alt:' saying what the picture shows"
        )
    url = front_matter_file_url(reader, course_file, doc, "cover", info["cover"], IMAGE_EXTENSIONS)
    if url is None:
        return None
    try:
        with Image.open(reader.dir / info["cover"]) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError):
        reader.problem(course_file, line, f"the cover is not an image this platform can read: {info['cover']}")
        return None
    return {"url": url, "alt": info.get("cover_alt", ""), "width": width, "height": height}


def load_modules(reader: CourseReader, module_dirs: list[Path], course_pass_mark: int) -> list[ModuleData]:
    modules: list[ModuleData] = []
    seen: dict[str, Path] = {}
    for module_dir in module_dirs:
        module = load_module(reader, module_dir, course_pass_mark, seen)
        if module is not None:
            modules.append(module)
    if not module_dirs:
        reader.problem(reader.dir / "course.md", 1, "course has no modules (folders named like 01-name)")
    return modules


def load_module(
    reader: CourseReader, module_dir: Path, course_pass_mark: int, seen: dict[str, Path]
) -> ModuleData | None:
    module_file = module_dir / "module.md"
    if not module_file.is_file():
        reader.problem(module_dir, 1, "module folder has no module.md")
        return None
    doc = reader.read(module_file)
    info = reader.check_keys(module_file, doc, MODULE_KEYS)
    module_id = info.get("id") or stable_id(module_dir.name)
    reader.check_id(module_file, doc, module_id, seen, "module")
    module = ModuleData(
        id=module_id,
        position=_position(module_dir.name),
        title=info.get("title", ""),
        summary=info.get("summary", ""),
        objectives=info.get("objectives", []),
        outline_html=render_body(reader, module_file, doc, f"{module_dir.name}/module.md", reader.addresses),
        content_hash=_sha256(doc.raw),
    )
    unit_ids: dict[str, Path] = {}
    quiz_seen = False
    for unit_file in numbered(module_dir.iterdir(), dirs=False):
        unit = load_unit(
            reader, unit_file, f"{module_dir.name}/{unit_file.name}", reader.addresses, course_pass_mark, unit_ids
        )
        if unit is None:
            continue
        if unit.kind == QUIZ:
            if quiz_seen:
                reader.problem(unit_file, 1, "more than one quiz in this module")
            quiz_seen = True
        module.units.append(unit)
    if not numbered(module_dir.iterdir(), dirs=False):
        reader.problem(module_file, 1, "module has no units")
    return module
