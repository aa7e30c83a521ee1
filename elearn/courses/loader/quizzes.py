"""A quiz's questions as stored (texts rendered to safe HTML), and what a translated quiz must keep of its source's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import escape

from elearn.core.markdown import render_inline, sanitize
from elearn.courses import questions as q

if TYPE_CHECKING:
    from elearn.courses.loader.links import Rewriter


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


def _render_text(text: str | None, text_format: str, rewrite: Rewriter | None = None) -> str | None:
    if text is None:
        return None
    if text_format in {"html", "moodle"}:
        return sanitize(text)
    if text_format == "plain":
        return str(escape(text))
    return render_inline(text) if rewrite is None else rewrite.render(text)


def render_question(question: q.Question, rewrite: Rewriter | None = None) -> dict:
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
