"""A course folder's layout: numbered module folders and unit files, stable ids, content hashes, where courses are."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

NUMBERED_RE = re.compile(r"^(\d+)-(.+)$")
RESERVED_IDS = {"media", "locales"}


def stable_id(name: str) -> str:
    """``02-interview-reuse-centre.md`` → ``interview-reuse-centre``."""
    stem = name[:-3] if name.endswith(".md") else name
    match = NUMBERED_RE.match(stem)
    return match.group(2) if match else stem


def _position(name: str) -> int:
    match = NUMBERED_RE.match(name)
    return int(match.group(1)) if match else 0


def numbered(entries, *, dirs: bool) -> list[Path]:
    """Module folders (``dirs``) or unit files named ``NN-name``, in the order of their numbers."""
    found = [
        e for e in entries if NUMBERED_RE.match(e.name) and (e.is_dir() if dirs else e.is_file() and e.suffix == ".md")
    ]
    return sorted(found, key=lambda e: (_position(e.name), e.name))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_version(path: Path) -> str:
    """A short hash of a media file's content: its URL's ``?v=``, so the URL changes when the file does
    and browsers may keep it for a year (see ``learning.pages.media``)."""
    stat = path.stat()
    return _file_version(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _file_version(path: str, _mtime_ns: int, _size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


# What the loader makes of the files (rendered pages, computed meta such as an interview's
# media player): a new value re-imports every course once after an upgrade, as if its files had
# changed; units whose files did not change keep their revision (courses.importer).
LOADER_OUTPUT = "2: media players with tracks, versioned media addresses"


def tree_hash(course_dir: Path) -> str:
    """A hash of every file of a course, and of :data:`LOADER_OUTPUT`, so an unchanged course is skipped whole."""
    digest = hashlib.sha256(LOADER_OUTPUT.encode() + b"\0")
    for path in sorted(p for p in course_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(course_dir).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        digest.update(rel.encode() + b"\0" + _sha256(path.read_bytes()).encode())
    return digest.hexdigest()


def find_courses(path: Path) -> list[Path]:
    """``path`` is one course folder (holding course.md) or a folder of course folders."""
    if (path / "course.md").is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / "course.md").is_file())


def count_files(path: Path) -> int:
    return sum(1 for course in find_courses(path) for p in course.rglob("*.md")) + sum(
        1 for course in find_courses(path) for p in course.rglob("variant.yml")
    )
