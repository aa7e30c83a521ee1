"""Files in the wrong place: every file under a course folder is read, ignored on purpose, or reported.

What a course folder may hold is in ``docs/authoring.md``. A file or folder that is none of
it is a **warning** (the course still imports) that gives the reason and the fix, e.g.
``01-one/extra.md:1: warning: not a unit: unit file names start with a number, e.g. 03-extra.md``.
A folder is reported once, not file by file.

Ignored on purpose, anywhere: names starting with a dot (``.git``, ``.DS_Store``), ``README``
and ``LICENSE`` files (any extension), the operating systems' ``Thumbs.db`` and
``desktop.ini``, editors' backups ending in ``~``; and everything inside the course's own
``media/`` folder (a media file nothing links to is not a mistake).
"""

from __future__ import annotations

import re
from pathlib import Path

from elearn.courses.loader.files import NUMBERED_RE, _position, find_courses
from elearn.courses.loader.links import MEDIA_EXTENSIONS
from elearn.courses.loader.reader import CourseReader
from elearn.courses.loader.variants import TAG_RE

_IGNORED_NAMES = {"thumbs.db", "desktop.ini"}
_IGNORED_STEMS = {"readme", "license", "licence", "copying"}
_LEADING_NUMBER = re.compile(r"^(\d+)[\s_.]*(.*)$")
MEDIA_HINT = "media files go in the course's media/ folder"


def ignored(entry: Path) -> bool:
    name = entry.name
    return (
        name.startswith(".")
        or name.endswith("~")
        or name.lower() in _IGNORED_NAMES
        or name.split(".")[0].lower() in _IGNORED_STEMS
    )


def check_layout(reader: CourseReader) -> None:
    """Warn about every file and folder of the course that is neither read nor ignored on purpose."""
    modules = _entries(reader.dir, dirs=True)
    for entry in _children(reader.dir):
        if (entry.is_file() and entry.name == "course.md") or (entry.is_dir() and entry.name == "media"):
            continue
        if entry.name == "locales" and entry.is_dir():
            _check_locales(reader, entry, modules)
        elif entry in modules:
            _check_module(reader, entry)
        else:
            _check_stray(reader, entry, modules, "")


def check_folder_of_courses(path: Path) -> list[tuple[Path, str]]:
    """Folders of a folder of courses that are not courses, with the reason (nothing when ``path`` is a course)."""
    if (path / "course.md").is_file():
        return []
    courses = set(find_courses(path))
    return [
        (entry, "not a course: a course folder holds course.md (lowercase), module folders and media/")
        for entry in _children(path)
        if entry.is_dir() and entry not in courses
    ]


def _children(folder: Path) -> list[Path]:
    return sorted(entry for entry in folder.iterdir() if not ignored(entry))


def _entries(folder: Path, *, dirs: bool) -> list[Path]:
    """Numbered module folders (``dirs``) or unit files, as the loader reads them."""
    return [
        e
        for e in folder.iterdir()
        if NUMBERED_RE.match(e.name) and (e.is_dir() if dirs else e.is_file() and e.suffix == ".md")
    ]


def _numbered_name(name: str, siblings: list[Path], suffix: str = "") -> str:
    """``extra.md`` → ``03-extra.md``: the next number among ``siblings``, padded like theirs."""
    stem = name[: -len(suffix)] if suffix and name.endswith(suffix) else name
    match = _LEADING_NUMBER.match(stem)
    if match and match.group(2):  # "3_extra": a number is there, the dash is not
        return f"{match.group(1)}-{match.group(2)}{suffix}"
    width = min((len(s.name) - len(s.name.lstrip("0123456789")) for s in siblings), default=2)
    number = max((_position(s.name) for s in siblings), default=0) + 1
    return f"{number:0{width}d}-{stem}{suffix}"


def _check_module(reader: CourseReader, module_dir: Path) -> None:
    units = _entries(module_dir, dirs=False)
    for entry in _children(module_dir):
        if entry in units or (entry.is_file() and entry.name == "module.md"):
            continue
        if entry.is_dir():
            reason = (
                f"not used: {MEDIA_HINT}, not a module's"
                if entry.name == "media"
                else f"not read: a module folder holds module.md and unit files only; {MEDIA_HINT}"
            )
        elif entry.suffix.lower() == ".md" and entry.suffix != ".md":
            reason = f"not a unit: a unit file name ends in .md (lowercase), e.g. {entry.stem}.md"
        elif entry.suffix == ".md":
            reason = f"not a unit: unit file names start with a number, e.g. {_numbered_name(entry.name, units, '.md')}"
        elif entry.suffix.lower() in MEDIA_EXTENSIONS:
            reason = f"not used: {MEDIA_HINT}"
        else:
            reason = "not part of the course: a module folder holds module.md and numbered unit files (03-name.md)"
        reader.warn(entry, 1, reason)


def _check_stray(reader: CourseReader, entry: Path, modules: list[Path], where: str) -> None:
    """A file or folder at the top of a course (``where`` is "") or of a variant (``locales/<tag>/``);
    ``modules``: the module folders there (for a variant without any, the course's)."""
    if entry.is_dir():
        if entry.name == "media":  # in a variant
            reason = f"not used: a variant has no media folder of its own; {MEDIA_HINT}"
        elif any(entry.glob("*.md")):
            suggested = _numbered_name(entry.name, modules)
            reason = f"not a module: module folder names start with a number, e.g. {suggested}"
        else:
            reason = f"not read: {MEDIA_HINT}; other folders are not part of the course"
    elif entry.suffix == ".md" and NUMBERED_RE.match(entry.stem):
        module = min(modules, key=lambda m: (_position(m.name), m.name)).name if modules else "01-name"
        reason = f"not a unit: units go in a module folder, e.g. {where}{module}/{entry.name}"
    elif entry.suffix.lower() in MEDIA_EXTENSIONS:
        reason = f"not used: {MEDIA_HINT}, e.g. media/{entry.name}"
    else:
        holds = (
            "a variant folder holds course.md, variant.yml and numbered module folders (01-name)"
            if where
            else "a course folder holds course.md, numbered module folders (01-name), media/ and locales/"
        )
        reason = f"not part of the course: {holds}"
    reader.warn(entry, 1, reason)


def _check_locales(reader: CourseReader, locales: Path, course_modules: list[Path]) -> None:
    for entry in _children(locales):
        if not entry.is_dir():
            reader.warn(entry, 1, "not part of the course: locales/ holds a folder per variant, named like lv-LV")
            continue
        if not TAG_RE.match(entry.name):  # an error of variants.py: nothing in it is read
            continue
        modules = _entries(entry, dirs=True)
        for item in _children(entry):
            if item.name in {"course.md", "variant.yml"} and item.is_file():
                continue
            if item in modules:
                _check_module(reader, item)
            else:
                _check_stray(reader, item, modules or course_modules, f"{reader.in_course(entry)}/")
