"""A unit from its file: the front matter of its kind, its body rendered, and a quiz's questions parsed."""

from __future__ import annotations

from pathlib import Path

from elearn.courses import questions as q
from elearn.courses.frontmatter import Document
from elearn.courses.gift import parse_gift
from elearn.courses.loader.data import UnitData
from elearn.courses.loader.files import _position, _sha256, stable_id
from elearn.courses.loader.links import Rewriter, language_of, render_body
from elearn.courses.loader.media import check_media
from elearn.courses.loader.quizzes import render_question
from elearn.courses.loader.reader import CourseReader
from elearn.courses.loader.schemas import KIND_KEYS, UNIT_KEYS
from elearn.courses.models import QUIZ, UNIT_KINDS
from elearn.courses.quiz_markdown import parse_quiz_markdown


def load_unit(
    reader: CourseReader,
    path: Path,
    logical: str,
    addresses: dict[str, str],
    course_pass_mark: int,
    seen: dict[str, Path],
) -> UnitData | None:
    doc = reader.read(path)
    if doc.errors:
        return None
    kind = doc.meta.get("kind")
    if kind not in UNIT_KINDS:
        if kind is None:
            reader.problem(path, 1, "missing required key 'kind'")
        else:
            reader.problem(path, doc.line_of("kind"), f"unknown kind '{kind}'; expected one of {', '.join(UNIT_KINDS)}")
        return None
    info = reader.check_keys(path, doc, UNIT_KEYS | KIND_KEYS[kind])
    unit_id = info.get("id") or stable_id(path.name)
    reader.check_id(path, doc, unit_id, seen, "unit")
    meta = {k: v for k, v in info.items() if k not in {"kind", "title", "id"}}
    body_html, questions = render_unit_body(reader, path, doc, kind, meta, logical, addresses)
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


def render_unit_body(
    reader: CourseReader,
    path: Path,
    doc: Document,
    kind: str,
    meta: dict,
    logical: str,
    addresses: dict[str, str],
    *,
    media: bool = True,
) -> tuple[str, list[dict]]:
    """The body's HTML (a quiz: its introduction) and, for a quiz, its rendered questions; with
    ``media``, a reading unit's recording is checked (a translation's: ``check_translation_media``)."""
    if kind != QUIZ and media:
        check_media(reader, path, doc, meta, language_of(reader, path), kind=kind)
    if kind != QUIZ:
        return render_body(reader, path, doc, logical, addresses), []
    gift = meta.get("format") == "gift"
    try:
        if gift:
            intro, parsed = "", parse_gift(doc.body, first_line=doc.body_first_line)
        else:
            intro, parsed = parse_quiz_markdown(doc.body, first_line=doc.body_first_line)
    except q.QuizSyntaxError as exc:
        for line, message in exc.problems:
            reader.problem(path, line, f"GIFT: {message}" if gift else message)
        return "", []
    rewrite = Rewriter(reader, path, doc, logical, addresses)
    return rewrite.render(intro), [render_question(question, rewrite) for question in parsed]
