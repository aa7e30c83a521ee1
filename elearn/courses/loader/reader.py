"""One course folder being read: its files, their front matter checked against a schema, and the problems found."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from elearn.courses.frontmatter import Document, parse_document
from elearn.courses.loader.data import WARNING, Problem
from elearn.courses.loader.files import RESERVED_IDS, numbered, stable_id
from elearn.courses.loader.schemas import ID_RE


class CourseReader:
    """Reads one course folder, collecting problems instead of stopping at the first.

    ``problems`` are the errors (any stops the course's import), ``warnings`` the rest.
    """

    def __init__(self, course_dir: Path, base: Path, on_file: Callable[[str], None] | None):
        self.dir = course_dir
        self.base = base
        self.slug = course_dir.name
        self.on_file = on_file or (lambda _path: None)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        # course-relative posix path of every source .md file → its page address
        self.addresses: dict[str, str] = {}
        # course-relative path of every file rendered → the ids its page has, heading ids first
        self.page_ids: dict[str, dict[str, bool]] = {}
        # links with an anchor, checked once every page is rendered (links.check_anchors)
        self.anchors: list = []
        self.language = ""  # the course's, from course.md
        self.checked_tracks: set[str] = set()  # WebVTT files parsed already (media/…)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.base).as_posix()

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(Problem(self.rel(path), line, message, WARNING))

    def in_course(self, path: Path) -> str:
        """``path`` relative to the course folder, as links inside the course are resolved."""
        return path.relative_to(self.dir).as_posix()

    def read(self, path: Path) -> Document:
        self.on_file(self.rel(path))
        doc = parse_document(path.read_bytes())
        for line, message in doc.errors:
            self.problem(path, line, message)
        return doc

    def check_keys(self, path: Path, doc: Document, schema: dict, *, inherited=()) -> dict:
        """Validate front matter against a schema; returns the checked values."""
        values = {}
        for key in doc.meta:
            if key not in schema:
                self.problem(path, doc.line_of(key), f"unknown key '{key}'")
        for key, (required, check) in schema.items():
            if key not in doc.meta:
                if required and key not in inherited:
                    self.problem(path, 1, f"missing required key '{key}'")
                continue
            if check is None:
                values[key] = doc.meta[key]
                continue
            value, error = check(doc.meta[key])
            if error:
                self.problem(path, doc.line_of(key), f"'{key}' {error}")
            else:
                values[key] = value
        return values

    def check_id(self, path: Path, doc: Document, ident: str, seen: dict[str, Path], what: str) -> None:
        line = doc.line_of("id")
        if not ID_RE.match(ident):
            self.problem(path, line, f"invalid id '{ident}': use lowercase letters, digits and dashes")
        elif what == "module" and ident in RESERVED_IDS:
            self.problem(path, line, f"'{ident}' cannot be a module id: it is reserved for the course's own folders")
        elif ident in seen:
            self.problem(path, line, f"duplicate {what} id '{ident}' (also {self.rel(seen[ident])})")
        else:
            seen[ident] = path

    def page_addresses(self, module_dirs: list[Path]) -> dict[str, str]:
        """Page address of every module and unit file, honouring ``id:`` overrides."""
        addresses = {}
        for module_dir in module_dirs:
            module_id = explicit_id(module_dir / "module.md") or stable_id(module_dir.name)
            addresses[f"{module_dir.name}/module.md"] = f"/courses/{self.slug}/{module_id}/"
            for unit_file in numbered(module_dir.iterdir(), dirs=False):
                unit_id = explicit_id(unit_file) or stable_id(unit_file.name)
                addresses[f"{module_dir.name}/{unit_file.name}"] = f"/courses/{self.slug}/{module_id}/{unit_id}/"
        return addresses


def explicit_id(path: Path) -> str | None:
    if not path.is_file():
        return None
    value = parse_document(path.read_bytes()).meta.get("id")
    return value if isinstance(value, str) and ID_RE.match(value) else None
