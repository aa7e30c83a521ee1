"""Reading and validating a course folder (the format in ``docs/authoring.md``).

:func:`load_path` reads one course folder or a folder of courses and returns, per
course, a :class:`CourseData` tree with every markdown body already rendered and
sanitised, plus every problem found as a :class:`Problem` (``path:line: message``).
Nothing here touches the database: validation and import share this code, and the
importer only ever sees a course that loaded without a single problem.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from elearn.core.markdown import render, render_inline, sanitize
from elearn.courses import questions as q
from elearn.courses.frontmatter import Document, parse_document
from elearn.courses.gift import parse_gift
from elearn.courses.models import CASE_STORY, INTERVIEW, LESSON, QUIZ, UNIT_KINDS
from elearn.courses.quiz_markdown import parse_quiz_markdown

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBERED_RE = re.compile(r"^(\d+)-(.+)$")
TAG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
RESERVED_IDS = {"media", "locales"}

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
AUDIO_EXTENSIONS = {".mp3", ".ogg", ".m4a"}
VIDEO_EXTENSIONS = {".mp4", ".webm"}
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS | {".pdf"}
VIDEO_LINK_HOSTS = {"youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class UnitData:
    id: str
    position: int
    kind: str
    title: str
    meta: dict
    body_source: str
    body_html: str
    questions: list[dict]
    content_hash: str
    path: str


@dataclass
class ModuleData:
    id: str
    position: int
    title: str
    summary: str
    objectives: list[str]
    outline_html: str
    content_hash: str
    units: list[UnitData] = field(default_factory=list)


@dataclass
class TranslationData:
    title: str
    content_hash: str
    summary: str = ""
    html: str = ""  # description, outline or body
    body_source: str = ""
    objectives: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    questions: list[dict] = field(default_factory=list)


@dataclass
class VariantData:
    tag: str
    course: TranslationData | None = None
    modules: dict[str, TranslationData] = field(default_factory=dict)
    units: dict[tuple[str, str], TranslationData] = field(default_factory=dict)
    extra_units: dict[str, list[UnitData]] = field(default_factory=dict)  # module id → units
    hidden: list[str] = field(default_factory=list)


@dataclass
class CourseData:
    id: str
    title: str
    summary: str
    language: str
    estimated_hours: float | None
    pass_mark: int
    certificate: bool
    tags: list[str]
    description_html: str
    source_dir: str
    tree_hash: str
    modules: list[ModuleData] = field(default_factory=list)
    variants: list[VariantData] = field(default_factory=list)


# ---------------------------------------------------------------- front matter schemas
# Each checker returns (value, None) or (None, "message"). A key maps to (required, checker).


def _text(value):
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip(), None
    return None, "must be a non-empty text"


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return value, None
    return None, "must be a number of 0 or more"


def _percent(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100:
        return int(round(value)), None
    return None, "must be a percentage from 0 to 100"


def _count(value):
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, None
    return None, "must be a whole number of 0 or more"


def _year(value):
    if isinstance(value, int) and not isinstance(value, bool) and 1800 <= value <= 2200:
        return value, None
    return None, "must be a year such as 2012"


def _bool(value):
    if isinstance(value, bool):
        return value, None
    return None, "must be true or false"


def _text_list(value):
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value], None
    return None, "must be a list of texts"


def _language(value):
    if isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}", value):
        return value, None
    return None, "must be a language code such as en or lv"


def _country(value):
    if isinstance(value, str) and COUNTRY_RE.match(value):
        return value, None
    return None, "must be a two-letter country code such as LV or SI"


def _identifier(value):
    if isinstance(value, str) and ID_RE.match(value):
        return value, None
    return None, "must be lowercase letters, digits and dashes"


def _figures(value):
    if isinstance(value, dict) and all(isinstance(v, (str, int, float)) for v in value.values()):
        return {str(k): v for k, v in value.items()}, None
    return None, "must be a mapping of labels to values"


def _quiz_format(value):
    if value in {"markdown", "gift"}:
        return value, None
    return None, "must be markdown or gift"


COURSE_KEYS = {
    "title": (True, _text),
    "summary": (True, _text),
    "language": (True, _language),
    "estimated_hours": (False, _number),
    "pass_mark": (False, _percent),
    "certificate": (False, _bool),
    "tags": (False, _text_list),
}
MODULE_KEYS = {
    "title": (True, _text),
    "summary": (False, _text),
    "objectives": (False, _text_list),
    "id": (False, _identifier),
}
UNIT_KEYS = {"kind": (True, None), "title": (True, _text), "id": (False, _identifier)}
KIND_KEYS = {
    LESSON: {},
    INTERVIEW: {
        "interviewee": (True, _text),
        "role": (True, _text),
        "organisation": (True, _text),
        "country": (True, _country),
        "media": (False, _text),
    },
    CASE_STORY: {
        "organisation": (True, _text),
        "country": (True, _country),
        "sector": (True, _text),
        "year": (True, _year),
        "figures": (False, _figures),
    },
    QUIZ: {
        "pass_mark": (False, _percent),
        "attempts": (False, _count),
        "format": (False, _quiz_format),
    },
}


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


def tree_hash(course_dir: Path) -> str:
    """A hash of every file of a course, so an unchanged course is skipped whole."""
    digest = hashlib.sha256()
    for path in sorted(p for p in course_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(course_dir).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        digest.update(rel.encode() + b"\0" + _sha256(path.read_bytes()).encode())
    return digest.hexdigest()


class _CourseReader:
    """Reads one course folder, collecting problems instead of stopping at the first."""

    def __init__(self, course_dir: Path, base: Path, on_file: Callable[[str], None] | None):
        self.dir = course_dir
        self.base = base
        self.slug = course_dir.name
        self.on_file = on_file or (lambda _path: None)
        self.problems: list[Problem] = []
        # course-relative posix path of every source .md file → its page address
        self.addresses: dict[str, str] = {}

    # -- helpers --------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        return path.relative_to(self.base).as_posix()

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

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

    def render_body(self, path: Path, doc: Document, logical: str, addresses: dict[str, str]) -> str:
        return render(doc.body, self._rewriter(path, doc, logical, addresses))

    def _rewriter(self, path: Path, doc: Document, logical: str, addresses: dict[str, str]):
        """Turn relative links into page addresses and media paths into media URLs."""

        def line_of(url: str) -> int:
            for offset, text in enumerate(doc.body.split("\n")):
                if url in text:
                    return doc.body_first_line + offset
            return doc.body_first_line

        def rewrite(url: str, tag: str) -> str | None:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("#", "/")):
                return None
            target = posixpath.normpath(posixpath.join(posixpath.dirname(logical), parts.path))
            anchor = f"#{parts.fragment}" if parts.fragment else ""
            if target.startswith("media/"):
                return self.media_url(path, line_of(url), target, images_only=tag == "img")
            if target in addresses:
                return addresses[target] + anchor
            self.problem(path, line_of(url), f"broken link: {parts.path} does not exist")
            return None

        return rewrite

    def media_url(self, path: Path, line: int, target: str, *, images_only=False, kinds=None) -> str | None:
        file = self.dir / target
        suffix = file.suffix.lower()
        allowed = IMAGE_EXTENSIONS if images_only else kinds or MEDIA_EXTENSIONS
        if suffix not in allowed:
            self.problem(path, line, f"file type not allowed: {target} (allowed: {', '.join(sorted(allowed))})")
            return None
        if not file.is_file() or ".." in target.split("/"):
            self.problem(path, line, f"media file not found: {target}")
            return None
        return f"/courses/{self.slug}/{target}"

    # -- the course -------------------------------------------------------------------
    def load(self) -> CourseData | None:
        course_file = self.dir / "course.md"
        doc = self.read(course_file)
        info = self.check_keys(course_file, doc, COURSE_KEYS)
        module_dirs = numbered(self.dir.iterdir(), dirs=True)
        self.addresses = {"course.md": f"/courses/{self.slug}/", **self._addresses(module_dirs)}
        description = self.render_body(course_file, doc, "course.md", self.addresses)
        course_pass_mark = self.course_pass_mark = info.get("pass_mark", 70)
        modules = self.load_modules(module_dirs, course_pass_mark)
        variants = self.load_variants(modules)
        if self.problems:
            return None
        return CourseData(
            id=self.slug,
            title=info["title"],
            summary=info["summary"],
            language=info["language"],
            estimated_hours=info.get("estimated_hours"),
            pass_mark=course_pass_mark,
            certificate=info.get("certificate", True),
            tags=info.get("tags", []),
            description_html=description,
            source_dir=str(self.dir.resolve()),
            tree_hash=tree_hash(self.dir),
            modules=modules,
            variants=variants,
        )

    def _addresses(self, module_dirs: list[Path]) -> dict[str, str]:
        """Page address of every module and unit file, honouring ``id:`` overrides."""
        addresses = {}
        for module_dir in module_dirs:
            module_id = self._explicit_id(module_dir / "module.md") or stable_id(module_dir.name)
            addresses[f"{module_dir.name}/module.md"] = f"/courses/{self.slug}/{module_id}/"
            for unit_file in numbered(module_dir.iterdir(), dirs=False):
                unit_id = self._explicit_id(unit_file) or stable_id(unit_file.name)
                addresses[f"{module_dir.name}/{unit_file.name}"] = f"/courses/{self.slug}/{module_id}/{unit_id}/"
        return addresses

    @staticmethod
    def _explicit_id(path: Path) -> str | None:
        if not path.is_file():
            return None
        value = parse_document(path.read_bytes()).meta.get("id")
        return value if isinstance(value, str) and ID_RE.match(value) else None

    def load_modules(self, module_dirs: list[Path], course_pass_mark: int) -> list[ModuleData]:
        modules: list[ModuleData] = []
        seen: dict[str, Path] = {}
        for module_dir in module_dirs:
            module_file = module_dir / "module.md"
            if not module_file.is_file():
                self.problem(module_dir, 1, "module folder has no module.md")
                continue
            doc = self.read(module_file)
            info = self.check_keys(module_file, doc, MODULE_KEYS)
            module_id = info.get("id") or stable_id(module_dir.name)
            self._check_id(module_file, doc, module_id, seen, "module")
            module = ModuleData(
                id=module_id,
                position=_position(module_dir.name),
                title=info.get("title", ""),
                summary=info.get("summary", ""),
                objectives=info.get("objectives", []),
                outline_html=self.render_body(module_file, doc, f"{module_dir.name}/module.md", self.addresses),
                content_hash=_sha256(doc.raw),
            )
            unit_ids: dict[str, Path] = {}
            quiz_seen = False
            for unit_file in numbered(module_dir.iterdir(), dirs=False):
                unit = self.load_unit(
                    unit_file, f"{module_dir.name}/{unit_file.name}", self.addresses, course_pass_mark, unit_ids
                )
                if unit is None:
                    continue
                if unit.kind == QUIZ:
                    if quiz_seen:
                        self.problem(unit_file, 1, "more than one quiz in this module")
                    quiz_seen = True
                module.units.append(unit)
            if not numbered(module_dir.iterdir(), dirs=False):
                self.problem(module_file, 1, "module has no units")
            modules.append(module)
        if not module_dirs:
            self.problem(self.dir / "course.md", 1, "course has no modules (folders named like 01-name)")
        return modules

    def _check_id(self, path: Path, doc: Document, ident: str, seen: dict[str, Path], what: str) -> None:
        line = doc.line_of("id")
        if not ID_RE.match(ident):
            self.problem(path, line, f"invalid id '{ident}': use lowercase letters, digits and dashes")
        elif what == "module" and ident in RESERVED_IDS:
            self.problem(path, line, f"'{ident}' cannot be a module id: it is reserved for the course's own folders")
        elif ident in seen:
            self.problem(path, line, f"duplicate {what} id '{ident}' (also {self.rel(seen[ident])})")
        else:
            seen[ident] = path

    def load_unit(
        self, path: Path, logical: str, addresses: dict[str, str], course_pass_mark: int, seen: dict[str, Path]
    ) -> UnitData | None:
        doc = self.read(path)
        if doc.errors:
            return None
        kind = doc.meta.get("kind")
        if kind not in UNIT_KINDS:
            if kind is None:
                self.problem(path, 1, "missing required key 'kind'")
            else:
                self.problem(
                    path, doc.line_of("kind"), f"unknown kind '{kind}'; expected one of {', '.join(UNIT_KINDS)}"
                )
            return None
        info = self.check_keys(path, doc, UNIT_KEYS | KIND_KEYS[kind])
        unit_id = info.get("id") or stable_id(path.name)
        self._check_id(path, doc, unit_id, seen, "unit")
        meta = {k: v for k, v in info.items() if k not in {"kind", "title", "id"}}
        body_html, questions = self.render_unit_body(path, doc, kind, meta, logical, addresses)
        if kind == QUIZ:
            meta.setdefault("pass_mark", course_pass_mark)
            meta.setdefault("attempts", 0)
            meta.setdefault("format", "markdown")
        return UnitData(
            id=unit_id,
            position=_position(path.name),
            kind=kind,
            title=info.get("title", ""),
            meta=meta,
            body_source=doc.body,
            body_html=body_html,
            questions=questions,
            content_hash=_sha256(doc.raw),
            path=logical,
        )

    def render_unit_body(self, path, doc, kind, meta, logical, addresses) -> tuple[str, list[dict]]:
        """The body's HTML (a quiz: its introduction) and, for a quiz, its rendered questions."""
        if kind == INTERVIEW and meta.get("media"):
            self.check_interview_media(path, doc, meta)
        if kind != QUIZ:
            return self.render_body(path, doc, logical, addresses), []
        gift = meta.get("format") == "gift"
        try:
            if gift:
                intro, parsed = "", parse_gift(doc.body, first_line=doc.body_first_line)
            else:
                intro, parsed = parse_quiz_markdown(doc.body, first_line=doc.body_first_line)
        except q.QuizSyntaxError as exc:
            for line, message in exc.problems:
                self.problem(path, line, f"GIFT: {message}" if gift else message)
            return "", []
        rewrite = self._rewriter(path, doc, logical, addresses)
        return render(intro, rewrite), [render_question(question, rewrite) for question in parsed]

    def check_interview_media(self, path: Path, doc: Document, meta: dict) -> None:
        media = meta["media"]
        line = doc.line_of("media")
        parts = urlsplit(media)
        if parts.scheme:
            if parts.scheme != "https" or parts.hostname not in VIDEO_LINK_HOSTS:
                self.problem(path, line, f"video host not allowed: {media} (use YouTube or Vimeo, or a file in media/)")
        else:
            target = posixpath.normpath(media)
            if not target.startswith("media/"):
                self.problem(path, line, f"media must be a file in the course's media/ folder: {media}")
            else:
                url = self.media_url(path, line, target, kinds=AUDIO_EXTENSIONS | VIDEO_EXTENSIONS)
                if url:
                    meta["media_url"] = url
                    meta["media_type"] = (
                        "audio" if posixpath.splitext(target)[1].lower() in AUDIO_EXTENSIONS else "video"
                    )
        if not doc.body.strip():
            self.problem(path, line, "interview with media needs a transcript in its body")

    # -- variants -----------------------------------------------------------------------
    def load_variants(self, modules: list[ModuleData]) -> list[VariantData]:
        locales = self.dir / "locales"
        if not locales.is_dir():
            return []
        variants = []
        for tag_dir in sorted(p for p in locales.iterdir() if p.is_dir()):
            if not TAG_RE.match(tag_dir.name):
                self.problem(tag_dir, 1, f"invalid variant tag '{tag_dir.name}': use ll or ll-CC, e.g. lv-LV")
                continue
            variants.append(self.load_variant(tag_dir, modules))
        return variants

    def load_variant(self, tag_dir: Path, modules: list[ModuleData]) -> VariantData:
        variant = VariantData(tag=tag_dir.name)
        by_id = {m.id: m for m in modules}
        module_dirs = numbered(tag_dir.iterdir(), dirs=True)
        # Links inside a variant resolve to the variant's own country-only files first.
        addresses = {**self._addresses(module_dirs), **self.addresses}

        course_file = tag_dir / "course.md"
        if course_file.is_file():
            doc = self.read(course_file)
            info = self.check_keys(course_file, doc, COURSE_KEYS, inherited=set(COURSE_KEYS))
            variant.course = TranslationData(
                title=info.get("title", ""),
                summary=info.get("summary", ""),
                content_hash=_sha256(doc.raw),
                html=self.render_body(course_file, doc, "course.md", addresses),
                body_source=doc.body,
            )

        for module_dir in module_dirs:
            module_file = module_dir / "module.md"
            module_id = self._explicit_id(module_file) or stable_id(module_dir.name)
            source = by_id.get(module_id)
            if source is None:
                self.problem(
                    module_dir,
                    1,
                    f"module '{module_id}' matches no module of the course "
                    "(a variant adds units to the course's modules, not modules of its own)",
                )
                continue
            if module_file.is_file():
                doc = self.read(module_file)
                info = self.check_keys(module_file, doc, MODULE_KEYS, inherited=set(MODULE_KEYS))
                variant.modules[module_id] = TranslationData(
                    title=info.get("title", ""),
                    summary=info.get("summary", ""),
                    objectives=info.get("objectives", []),
                    content_hash=_sha256(doc.raw),
                    html=self.render_body(module_file, doc, f"{module_dir.name}/module.md", addresses),
                    body_source=doc.body,
                )
            source_units = {u.id: u for u in source.units}
            extra_seen = dict.fromkeys(source_units, self.dir)  # country-only ids must be new
            for unit_file in numbered(module_dir.iterdir(), dirs=False):
                logical = f"{module_dir.name}/{unit_file.name}"
                unit_id = self._explicit_id(unit_file) or stable_id(unit_file.name)
                if unit_id in source_units:
                    translation = self.load_translation(unit_file, logical, addresses, source_units[unit_id])
                    if translation:
                        variant.units[(module_id, unit_id)] = translation
                    continue
                doc = parse_document(unit_file.read_bytes())
                if "kind" not in doc.meta or "title" not in doc.meta:
                    self.problem(
                        unit_file,
                        1,
                        f"{self.rel(unit_file)} neither translates a source file "
                        "(no unit with this id in the module) nor declares its own kind and title",
                    )
                    continue
                unit = self.load_unit(unit_file, logical, addresses, self.course_pass_mark, extra_seen)
                if unit:
                    variant.extra_units.setdefault(module_id, []).append(unit)

        variant.hidden = self.load_hidden(tag_dir, by_id)
        return variant

    def load_translation(
        self, path: Path, logical: str, addresses: dict[str, str], source: UnitData
    ) -> TranslationData | None:
        doc = self.read(path)
        if doc.errors:
            return None
        if "kind" in doc.meta and doc.meta["kind"] != source.kind:
            self.problem(
                path, doc.line_of("kind"), f"translation changes kind from {source.kind} to {doc.meta['kind']}"
            )
            return None
        schema = UNIT_KEYS | KIND_KEYS[source.kind]
        info = self.check_keys(path, doc, schema, inherited=set(schema) - {"title"})
        meta = {k: v for k, v in info.items() if k not in {"kind", "title", "id"}}
        merged = {**source.meta, **meta}
        body_html, questions = self.render_unit_body(path, doc, source.kind, merged, logical, addresses)
        if source.kind == QUIZ and questions:
            self.compare_quiz(path, doc, source.questions, questions)
        return TranslationData(
            title=info.get("title", ""),
            content_hash=_sha256(doc.raw),
            html=body_html,
            body_source=doc.body,
            meta=meta,
            questions=questions,
        )

    def compare_quiz(self, path: Path, doc: Document, source: list[dict], translated: list[dict]) -> None:
        if len(source) != len(translated):
            self.problem(
                path,
                doc.body_first_line,
                f"translated quiz has {len(translated)} questions; the source has {len(source)}",
            )
            return
        for number in differing_questions(source, translated):
            self.problem(
                path,
                translated[number - 1]["line"],
                f"question {number} differs from the source in "
                "its type or its answers: a translation changes only texts",
            )

    def load_hidden(self, tag_dir: Path, modules: dict[str, ModuleData]) -> list[str]:
        path = tag_dir / "variant.yml"
        if not path.is_file():
            return []
        self.on_file(self.rel(path))
        try:
            data = yaml.safe_load(path.read_text("utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            self.problem(path, mark.line + 1 if mark else 1, f"not valid YAML: {exc}")
            return []
        lines = path.read_text("utf-8").split("\n")
        if not isinstance(data, dict) or set(data) - {"hide"}:
            self.problem(path, 1, "variant.yml may only contain 'hide:', a list of module-id/unit-id")
            return []
        hidden = []
        for entry in data.get("hide") or []:
            line = next((i + 1 for i, text in enumerate(lines) if str(entry) in text), 1)
            module_id, _, unit_id = str(entry).partition("/")
            module = modules.get(module_id)
            if module is None or unit_id not in {u.id for u in module.units}:
                self.problem(path, line, f"hidden unit not found: {entry}")
            else:
                hidden.append(f"{module_id}/{unit_id}")
        return hidden


def differing_questions(source: list[dict], translated: list[dict]) -> list[int]:
    """Numbers (1-based) of the translated questions whose type or answers differ from the source's.

    Callers check the counts first; a translation may change texts only.
    """
    return [
        number
        for number, (a, b) in enumerate(zip(source, translated, strict=True), start=1)
        if a["type"] != b["type"] or _answer_shape(a) != _answer_shape(b)
    ]


def _answer_shape(question: dict) -> tuple:
    """What a translation must keep: which answers are right and how they score."""
    return (
        [(c["correct"], c["weight"]) for c in question["choices"]] if question["type"] != q.SHORT else None,
        question["answer"],
        [(n["value"], n["tolerance"], n["min"], n["max"], n["weight"]) for n in question["numeric"]],
        len(question["pairs"]),
    )


def _render_text(text: str | None, text_format: str, rewrite=None) -> str | None:
    if text is None:
        return None
    if text_format in {"html", "moodle"}:
        return sanitize(text)
    if text_format == "plain":
        from markupsafe import escape

        return str(escape(text))
    return render_inline(text) if rewrite is None else render(text, rewrite)


def render_question(question: q.Question, rewrite=None) -> dict:
    """A question as stored: texts rendered to safe HTML, accepted short answers kept as typed."""
    fmt = question.text_format
    data = question.to_dict()
    data["stem"] = _render_text(question.stem, fmt, rewrite)
    data["feedback"] = _render_text(question.feedback, fmt)
    data["true_feedback"] = _render_text(question.true_feedback, fmt)
    data["false_feedback"] = _render_text(question.false_feedback, fmt)
    for choice in data["choices"]:
        if question.type != q.SHORT:
            choice["text"] = _render_text(choice["text"], fmt)
        choice["feedback"] = _render_text(choice["feedback"], fmt)
    for answer in data["numeric"]:
        answer["feedback"] = _render_text(answer["feedback"], fmt)
    for pair in data["pairs"]:
        pair["left"] = _render_text(pair["left"], fmt)
    return data


def find_courses(path: Path) -> list[Path]:
    """``path`` is one course folder (holding course.md) or a folder of course folders."""
    if (path / "course.md").is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / "course.md").is_file())


def count_files(path: Path) -> int:
    return sum(1 for course in find_courses(path) for p in course.rglob("*.md")) + sum(
        1 for course in find_courses(path) for p in course.rglob("variant.yml")
    )


def load_path(
    path: Path, on_file: Callable[[str], None] | None = None
) -> list[tuple[Path, CourseData | None, list[Problem]]]:
    """Load every course under ``path``; problem paths are relative to ``path``."""
    path = Path(path)
    results = []
    for course_dir in find_courses(path):
        reader = _CourseReader(course_dir, path, on_file)
        results.append((course_dir, reader.load(), reader.problems))
    return results
