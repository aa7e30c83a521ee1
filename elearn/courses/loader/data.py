"""The tree a course folder loads into, and the problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """A mistake in a course's files: an error stops the course's import, a warning does not."""

    path: str
    line: int
    message: str
    severity: str = ERROR  # ERROR or WARNING

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def __str__(self) -> str:
        marker = "warning: " if self.is_warning else ""
        return f"{self.path}:{self.line}: {marker}{self.message}"


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
    path: str = ""  # of the file, as problems name it
    summary: str = ""
    html: str = ""  # description, outline or body
    body_source: str = ""
    objectives: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    questions: list[dict] = field(default_factory=list)


@dataclass
class VariantData:
    tag: str
    path: str = ""  # of the locales/<tag> folder, as problems name it
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
    cover: dict | None = None  # {"url", "alt", "width", "height"}: course.md's cover, from media/
