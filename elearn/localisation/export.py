"""Writing browser work back into the course files (``flask courses export``), for git.

**What is written**: exactly the rows holding browser work not exported yet, i.e. whose
``content_hash`` differs from their ``synced_hash`` (see elearn.courses.models): unit
translations, the course and module texts of a version (``course.md``, ``module.md``),
country-only units, and ``variant.yml`` when the hidden units differ from the list as
last synced. After writing, each row records the file it now matches:
``content_hash = synced_hash = sha256(bytes written)`` and ``body_source`` as an import
would read it back, so import → export → import changes nothing.

**How**, so that ``git diff`` shows exactly the browser's changes:

- a file whose text did not change is not written: the same bytes, the same file;
- LF line endings always (browser forms post CRLF), written as bytes;
- an existing file keeps its front matter as it was: key order, quoting, comments and
  layout of every key that did not change (each key's lines are copied from the file;
  a changed key is re-emitted by ruamel.yaml's round-trip mode, which keeps its comments),
  and the blank lines between the closing ``---`` and the text;
- ``variant.yml`` is updated in place, its comments kept;
- a new file is tidy: ``---``, the front matter, ``---``, a blank line, the text, one
  newline at the end;
- a country-only unit made in the browser gets a file ``NN-<id>.md`` whose number no file
  of the module's original folder nor of the version's folder uses (the first free number
  after the unit it follows); once written, that file is the unit's for good.
"""

from __future__ import annotations

import hashlib
import io
import re
from bisect import bisect
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from sqlalchemy import select

from elearn.courses.frontmatter import parse_document
from elearn.courses.loader import KIND_KEYS, find_courses, front_matter, numbered, stable_id
from elearn.courses.loader.files import NUMBERED_RE, tree_hash
from elearn.courses.loader.reader import explicit_id
from elearn.courses.models import (
    Course,
    CourseTranslation,
    Module,
    ModuleTranslation,
    Unit,
    UnitTranslation,
    Variant,
)
from elearn.extensions import db

BOM = b"\xef\xbb\xbf"
COURSE_FIELDS = ("title", "summary")
MODULE_FIELDS = ("title", "summary", "objectives")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def _same(a: Any, b: Any) -> bool:
    """Equal as YAML values, order of keys included (``true`` is not ``1``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return isinstance(a, bool) == isinstance(b, bool) and a == b


# ---------------------------------------------------------------- YAML that git can review


def _yaml(text: str = "") -> YAML:
    """A round-trip YAML whose lists are indented as in ``text`` (``  - item`` when it has none)."""
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never fold a long title or summary over lines
    dash = re.search(r"^( *)-(?: |$)", text, re.MULTILINE)
    offset = len(dash.group(1)) if dash else 2
    rt.indent(mapping=2, sequence=offset + 2, offset=offset)
    return rt


def _dump(data: Any, rt: YAML) -> str:
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _reads_back(text: str) -> bool:
    """Whether ``text`` written plain is read back as itself by the loader (PyYAML, YAML 1.1: ``yes`` is not)."""
    try:
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def _styled(value: Any, old: Any = None) -> Any:
    """``value`` ready for ruamel: quoted as ``old`` was, or double-quoted where plain would misread;
    a list or mapping that was in the file is changed in place, keeping its comments and style."""
    if isinstance(value, str):
        if isinstance(old, (DoubleQuotedScalarString, SingleQuotedScalarString)) and "\n" not in value:
            return type(old)(value)
        return value if _reads_back(value) else DoubleQuotedScalarString(value)
    if isinstance(value, list):
        if not isinstance(old, CommentedSeq):
            return [_styled(item) for item in value]
        for index, item in enumerate(value):
            if index < len(old):
                if not _same(old[index], item):
                    old[index] = _styled(item, old[index])
            else:
                old.append(_styled(item))
        del old[len(value) :]
        return old
    if isinstance(value, dict):
        if not isinstance(old, CommentedMap):
            return {_styled(str(k)): _styled(v) for k, v in value.items()}
        for key in [k for k in old if k not in value]:
            del old[key]
        for key, item in value.items():
            if key not in old or not _same(old[key], item):
                old[key] = _styled(item, old.get(key))
        return old
    return value


def _key_spans(text: str) -> tuple[list[str], dict[str, list[str]]] | None:
    """The lines before the first top-level key, and each key's lines with the comments after it;
    None for a layout that has no such lines (a flow mapping)."""
    data = _yaml(text).load(text)
    if not isinstance(data, CommentedMap) or data.fa.flow_style():
        return None
    lines = text.split("\n")[:-1]
    keys = list(data)
    starts = [data.lc.key(key)[0] for key in keys]
    if any(later <= earlier for earlier, later in pairwise(starts)):
        return None
    if not keys:
        return lines, {}
    ends = [*starts[1:], len(lines)]
    return lines[: starts[0]], {str(k): lines[s:e] for k, s, e in zip(keys, starts, ends, strict=True)}


def _trailing_notes(lines: list[str]) -> list[str]:
    """The comment and blank lines that end a key's lines (they introduce what follows)."""
    notes: list[str] = []
    for line in reversed(lines[1:]):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        notes.insert(0, line)
    return notes


def _loads(text: str) -> Any:
    try:
        return yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError:
        return None


def _fresh_yaml(values: dict) -> str:
    """Front matter for a new file, key order as given."""
    if not values:
        return ""
    text = _dump({key: _styled(value) for key, value in values.items()}, _yaml())
    if _loads(text) == values:
        return text
    return yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=4096)


def _updated_yaml(text: str, meta: dict, changes: dict, removed: set[str]) -> str:
    """``text`` (a file's front matter) with ``changes`` set and ``removed`` keys taken out; every
    other key keeps its lines as they are. Checked by reading it back as the loader does."""
    expected = {k: v for k, v in meta.items() if k not in removed} | changes
    candidates = []
    try:
        rt = _yaml(text)
        data = rt.load(text)
    except RuamelError:
        data = None
    if isinstance(data, CommentedMap):
        for key in removed:
            data.pop(key, None)
        for key, value in changes.items():
            data[key] = _styled(value, data.get(key))
        redumped = _dump(data, rt)
        old, new = _key_spans(text), _key_spans(redumped)
        if old is not None and new is not None:
            head, old_spans = old
            lines = list(head)
            for key, span in old_spans.items():
                if key in removed:
                    lines += _trailing_notes(span)
                else:
                    lines += new[1][key] if key in changes else span
            lines += [line for key, span in new[1].items() if key not in old_spans for line in span]
            candidates.append("".join(f"{line}\n" for line in lines))
        candidates.append(redumped)
    for candidate in candidates:
        if _loads(candidate) == expected:
            return candidate
    return _fresh_yaml(expected)  # a layout ruamel cannot keep: correct, if not as it was


def _core(body: str) -> str:
    """The text of a body: LF line endings, no blank lines around it (they belong to the file's layout)."""
    return _lf(body or "").strip("\n")


def new_file(values: dict, body: str) -> bytes:
    """A tidy new file: front matter, a blank line, the text, one newline at the end."""
    front = _fresh_yaml({key: value for key, value in values.items() if not _empty(value)})
    text = _core(body)
    return f"---\n{front}---\n{_with_blank_line(text)}".encode()


def _with_blank_line(text: str) -> str:
    return "\n" + text + "\n" if text else ""


def render_file(existing: bytes | None, values: dict, managed: Iterable[str], body: str) -> bytes:
    """The bytes of a file holding ``values`` in its front matter and ``body`` as its text.

    ``existing`` (the file as it is) gives the layout: keys not in ``managed`` are kept as
    they are, managed keys with an empty value are taken out, and keys and text that did not
    change keep their bytes."""
    if existing is None:
        return new_file(values, body)
    doc = parse_document(existing)
    if doc.errors:
        return new_file(values, body)  # a file the loader refuses is replaced whole
    text = _lf(existing.removeprefix(BOM).decode("utf-8"))
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."})
    front = "".join(f"{line}\n" for line in lines[1:end])
    wanted = {key: value for key, value in values.items() if not _empty(value)}
    removed = {key for key in set(managed) | set(values) if key not in wanted and key in doc.meta}
    changes = {key: value for key, value in wanted.items() if key not in doc.meta or not _same(doc.meta[key], value)}
    if changes or removed:
        front = _updated_yaml(front, doc.meta, changes, removed)
    core, old_core = _core(body), doc.body.strip("\n")
    if not old_core:
        after = _with_blank_line(core) if core else doc.body
    elif not core:
        after = ""
    else:  # the blank lines before and after the text, as the file had them
        before = doc.body[: len(doc.body) - len(doc.body.lstrip("\n"))]
        after = before + core + doc.body[len(doc.body.rstrip("\n")) :]
    bom = BOM if existing.startswith(BOM) else b""
    return bom + f"{lines[0]}\n{front}{lines[end]}\n{after}".encode()


def render_hidden(existing: bytes | None, hidden: Iterable[str]) -> bytes:
    """``variant.yml`` listing ``hidden``: the existing file changed in place (comments, order and
    layout kept, new entries in sorted place), or a new one."""
    wanted = sorted(set(hidden))
    if existing is not None:
        text = _lf(existing.removeprefix(BOM).decode("utf-8"))
        try:
            rt = _yaml(text)
            data = rt.load(text)
        except RuamelError:
            data = None
        if isinstance(data, CommentedMap) and isinstance(data.get("hide"), (CommentedSeq, type(None))):
            entries = data["hide"] if data.get("hide") is not None else CommentedSeq()
            current = [str(entry) for entry in entries]
            if set(current) == set(wanted):
                return existing
            for index in reversed(range(len(entries))):
                if str(entries[index]) not in wanted:
                    del entries[index]
            in_order = [str(entry) for entry in entries] == sorted(str(entry) for entry in entries)
            for entry in wanted:
                if entry not in current:
                    keys = [str(e) for e in entries]
                    entries.insert(bisect(keys, entry) if in_order else len(entries), _styled(entry))
            data["hide"] = entries
            written = _dump(data, rt)
            read = _loads(written)
            if isinstance(read, dict) and sorted(read.get("hide") or []) == wanted:
                return written.encode()
        if data is None and all(not line.strip() or line.lstrip().startswith("#") for line in text.split("\n")):
            notes = text if text.endswith("\n") or not text else f"{text}\n"  # only comments: they stay on top
            return (notes + _dump({"hide": [_styled(entry) for entry in wanted]}, _yaml())).encode()
    return _dump({"hide": [_styled(entry) for entry in wanted]}, _yaml()).encode()


# ---------------------------------------------------------------- the texts of rows


def _values(row: CourseTranslation | ModuleTranslation | UnitTranslation | Unit) -> dict:
    """The front matter a row is written with (before the text)."""
    if isinstance(row, CourseTranslation):
        return {"title": row.title, "summary": row.summary}
    if isinstance(row, ModuleTranslation):
        return {"title": row.title, "summary": row.summary, "objectives": row.objectives}
    if isinstance(row, Unit):  # a country-only unit
        return {"kind": row.kind, "title": row.title, **front_matter(row.meta or {})}
    return {"title": row.title, **front_matter(row.meta or {})}


def file_text(row: CourseTranslation | ModuleTranslation | UnitTranslation | Unit) -> str:
    """A row's text as a new file holds it: its fingerprint for ``content_hash`` after a browser
    save is :func:`fingerprint` (the export records the hash of the bytes it writes)."""
    return new_file(_values(row), row.body_source).decode()


def fingerprint(row: CourseTranslation | ModuleTranslation | UnitTranslation | Unit) -> str:
    return _sha256(file_text(row).encode())


# ---------------------------------------------------------------- the files of a course


def _number(name: str) -> int:
    match = NUMBERED_RE.match(name.removesuffix(".md"))
    return int(match.group(1)) if match else 0


class CourseFiles:
    """Where a course's rows live in its folder: files found by their stable ids, as the loader finds them."""

    def __init__(self, course_dir: Path):
        self.dir = course_dir
        self.modules: dict[str, Path] = {}  # module id → the original's folder
        for module_dir in numbered(course_dir.iterdir(), dirs=True):
            self.modules.setdefault(explicit_id(module_dir / "module.md") or stable_id(module_dir.name), module_dir)
        self._units: dict[Path, dict[str, Path]] = {}

    def units(self, folder: Path) -> dict[str, Path]:
        """Unit id → file, in a module folder (the original's or a version's)."""
        if folder not in self._units:
            files = numbered(folder.iterdir(), dirs=False) if folder.is_dir() else []
            self._units[folder] = {explicit_id(f) or stable_id(f.name): f for f in reversed(files)}
        return self._units[folder]

    def source_module(self, module: Module) -> Path:
        return self.modules.get(module.slug) or self.dir / f"{module.position:02d}-{module.slug}"

    def module_folder(self, tag: str, module: Module) -> Path:
        """The version's folder of a module: the one it has, else named as the original's."""
        locale = self.dir / "locales" / tag
        if locale.is_dir():
            for folder in numbered(locale.iterdir(), dirs=True):
                if (explicit_id(folder / "module.md") or stable_id(folder.name)) == module.slug:
                    return folder
        return locale / self.source_module(module).name

    def translation_file(self, tag: str, module: Module, unit: Unit) -> Path:
        folder = self.module_folder(tag, module)
        found = self.units(folder).get(unit.slug)
        if found is not None:
            return found
        source = self.units(self.source_module(module)).get(unit.slug)
        return folder / (source.name if source else f"{unit.position:02d}-{unit.slug}.md")

    def source_numbers(self, module: Module) -> set[int]:
        return {_number(f.name) for f in self.units(self.source_module(module)).values()}

    def local_unit_file(self, tag: str, module: Module, unit: Unit) -> tuple[Path, Path | None]:
        """A country-only unit's file, and the file it had before when it moves.

        Its number says where the unit goes: a unit placed after the unit numbered ``position``
        gets the first number from there on that no file of the original's folder nor of the
        version's has. Its file keeps its name unless the unit was moved in the browser."""
        folder = self.module_folder(tag, module)
        files = self.units(folder)
        found = files.get(unit.slug)
        if found is not None and _number(found.name) == unit.position:
            return found, None
        taken = self.source_numbers(module) | {_number(f.name) for f in files.values() if f != found}
        number = unit.position
        while number in taken:
            number += 1
        if found is not None and number == _number(found.name):
            return found, None
        match = NUMBERED_RE.match(found.name) if found is not None else None
        path = folder / f"{number:02d}-{match.group(2) if match else f'{unit.slug}.md'}"
        files[unit.slug] = path
        return path, found


# ---------------------------------------------------------------- export


class CourseExport:
    """Writes one course's unexported browser work into its folder."""

    def __init__(self, course: Course, course_dir: Path, written: list[Path], notes: list[str]):
        self.course = course
        self.files = CourseFiles(course_dir)
        self.written = written  # files written, and files removed (a unit's file that was renumbered)
        self.notes = notes  # what a trainer should look at

    def run(self) -> None:
        variants = list(db.session.scalars(select(Variant).where(Variant.course_id == self.course.id)))
        by_id = {v.id: v for v in variants}
        modules = {m.id: m for m in self.course.modules}
        pending = CourseTranslation.content_hash != CourseTranslation.synced_hash
        for course_translation in db.session.scalars(
            select(CourseTranslation).where(CourseTranslation.variant_id.in_(by_id), pending)
        ):
            tag = by_id[course_translation.variant_id].tag
            self.row(course_translation, self.files.dir / "locales" / tag / "course.md", COURSE_FIELDS)
        for module_translation in db.session.scalars(
            select(ModuleTranslation).where(
                ModuleTranslation.variant_id.in_(by_id),
                ModuleTranslation.module_id.in_(modules),
                ModuleTranslation.content_hash != ModuleTranslation.synced_hash,
            )
        ):
            module = modules[module_translation.module_id]
            folder = self.files.module_folder(by_id[module_translation.variant_id].tag, module)
            self.row(module_translation, folder / "module.md", MODULE_FIELDS)
        for unit_translation, unit in db.session.execute(
            select(UnitTranslation, Unit)
            .join(Unit, Unit.id == UnitTranslation.unit_id)
            .where(
                UnitTranslation.variant_id.in_(by_id),
                Unit.module_id.in_(modules),
                Unit.variant_id.is_(None),
                UnitTranslation.content_hash != UnitTranslation.synced_hash,
            )
            .order_by(UnitTranslation.variant_id, Unit.module_id, Unit.position)
        ):
            target = self.files.translation_file(by_id[unit_translation.variant_id].tag, modules[unit.module_id], unit)
            self.row(unit_translation, target, {"title", *KIND_KEYS.get(unit.kind, {})})
        for local in db.session.scalars(
            select(Unit)
            .where(Unit.variant_id.in_(by_id), Unit.module_id.in_(modules), Unit.content_hash != Unit.synced_hash)
            .order_by(Unit.variant_id, Unit.module_id, Unit.position, Unit.slug)
        ):
            tag = by_id[local.variant_id].tag if local.variant_id is not None else ""
            module = modules[local.module_id]
            target, before = self.files.local_unit_file(tag, module, local)
            number = _number(target.name)
            if any(local.position < n < number for n in self.files.source_numbers(module)):
                self.notes.append(
                    f"{target}: numbered {number:02d}, as no number was free right after {local.position:02d}; "
                    "rename files to make room if it should come earlier (learners see the units in file order)"
                )
            self.row(local, target, {"kind", "title", *KIND_KEYS.get(local.kind, {})}, layout=before)
            if before is not None:  # moved in the browser: the file takes its new number
                before.unlink()
                self.written.append(before)
            local.position = number  # what an import of the file says
        for variant in variants:
            if sorted(variant.hidden or []) != sorted(variant.synced_hidden or []):
                target = self.files.dir / "locales" / variant.tag / "variant.yml"
                existing = _read(target)
                if existing is not None or variant.hidden:  # hiding nothing needs no file
                    self.write(target, render_hidden(existing, variant.hidden or []))
                variant.synced_hidden = list(variant.hidden or [])

    def row(
        self,
        row: CourseTranslation | ModuleTranslation | UnitTranslation | Unit,
        target: Path,
        managed: Iterable[str],
        layout: Path | None = None,
    ) -> None:
        """Write one row's file (unless it already holds the row's text) and record it as synced.

        ``layout``: the file to take the layout from when it is not ``target`` (a unit that moved)."""
        existing = _read(layout or target)
        if layout is None and existing is not None and _sha256(existing) == row.content_hash:
            row.synced_hash = row.content_hash  # the file already is this text
            return
        data = render_file(existing, _values(row), managed, row.body_source)
        self.write(target, data)
        row.content_hash = row.synced_hash = _sha256(data)
        row.body_source = parse_document(data).body  # as an import of the file reads it

    def write(self, target: Path, data: bytes) -> None:
        if _read(target) == data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)  # bytes: no newline translation on any platform
        self.written.append(target)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def export_tree(path: Path, notes: list[str] | None = None) -> list[Path]:
    """Write the unexported browser work of every course under ``path``; returns the files written
    (and removed: a country-only unit moved in the browser gets a file with its new number).
    ``notes`` receives what a trainer should look at (a unit that could not go where it was put).

    Flushes, never commits: the caller (the CLI command's unit of work, a test) commits the
    rows' new ``synced_hash``. A course whose folder was imported as it is (its tree hash
    unchanged) records the tree it now has, so the next import finds nothing to do."""
    written: list[Path] = []
    for course_dir in find_courses(Path(path)):
        course = db.session.scalar(select(Course).where(Course.slug == course_dir.name))
        if course is None:
            continue
        in_step = course.tree_hash == tree_hash(course_dir)
        before = len(written)
        CourseExport(course, course_dir, written, notes if notes is not None else []).run()
        if in_step and len(written) > before:
            course.tree_hash = tree_hash(course_dir)
    db.session.flush()
    return written
