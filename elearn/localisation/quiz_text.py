"""A quiz's text cut into its introduction and one part per question, for translating it
question by question, and the quiz parsers' problems told in the editor's language.

The parts are the quiz's own text (markdown quiz or GIFT), cut at each question's first
line: a markdown question begins at its ``## `` heading, a GIFT question at the first line
of its block (its ``// [id:…]`` comments included). :func:`join` puts the parts back
together with a blank line between them, which both syntaxes read as the same quiz.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from elearn.courses import questions as q
from elearn.courses.gift import parse_gift
from elearn.courses.loader import differing_questions, render_question
from elearn.courses.quiz_markdown import parse_quiz_markdown


@dataclass
class Problem:
    """One thing wrong with a translated quiz, where the translator can find it.

    ``part``: 0 the introduction, n question n, None the whole text; ``line``: the line in
    that part (or in the whole text); ``detail``: the parser's own words (English) when no
    translated message says the same."""

    message: str
    part: int | None = None
    line: int | None = None
    detail: str | None = None


class QuizProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def parse(fmt: str | None, text: str) -> list[q.Question]:
    """The questions of a quiz text; QuizSyntaxError when it does not parse."""
    return parse_gift(text) if fmt == "gift" else parse_quiz_markdown(text)[1]


def split(fmt: str | None, text: str, count: int) -> list[str] | None:
    """[introduction, question 1, …]; None when the text does not parse into ``count`` questions."""
    text = _lf(text)
    try:
        questions = parse(fmt, text)
    except q.QuizSyntaxError:
        return None
    if len(questions) != count:
        return None
    lines = text.split("\n")
    starts = []
    for question in questions:
        start = question.line - 1
        if fmt == "gift":  # the block's first line: its comments belong to it
            while start > 0 and lines[start - 1].strip():
                start -= 1
        starts.append(start)
    bounds = [0, *starts, len(lines)]
    return ["\n".join(lines[a:b]).strip("\n") for a, b in itertools.pairwise(bounds)]


def join(parts: list[str]) -> str:
    """The quiz text of its parts, a blank line between them."""
    pieces = [_lf(part).strip("\n") for part in parts]
    if not pieces[0].strip():
        pieces = pieces[1:]
    return "\n\n".join(pieces) + "\n"


def rows(text: str, *, width: int = 60, least: int = 4, most: int = 30) -> int:
    """How many rows a text area needs to show ``text`` whole, its long lines wrapped."""
    needed = sum(max(1, -(-len(line) // width)) for line in _lf(text).split("\n")) + 1
    return min(max(needed, least), most)


def part_starts(parts: list[str]) -> list[int | None]:
    """The line of the joined text each part begins on (None: an empty introduction, left out)."""
    starts: list[int | None] = []
    line = 1
    for index, part in enumerate(parts):
        piece = _lf(part).strip("\n")
        if index == 0 and not piece.strip():
            starts.append(None)
            continue
        starts.append(line)
        line += piece.count("\n") + 2  # its lines and the blank line after it
    return starts


def check(fmt: str | None, text: str, source: list[dict], parts: list[str] | None = None) -> list[dict]:
    """The questions of a translated quiz, rendered; QuizProblems when it does not parse or does
    not keep the source's questions and answers (a translation changes texts only)."""
    if parts is not None:
        empty = [n for n, part in enumerate(parts[1:], start=1) if not part.strip()]
        if empty:
            raise QuizProblems([Problem(_("Translate this question: its box is empty."), part=n) for n in empty])
    try:
        parsed = parse(fmt, text)
    except q.QuizSyntaxError as error:
        starts = part_starts(parts) if parts is not None else None
        raise QuizProblems([_located(line, message, starts) for line, message in error.problems]) from error
    rendered = [render_question(question) for question in parsed]
    if len(rendered) != len(source):
        raise QuizProblems(
            [
                Problem(
                    ngettext(
                        "The original has %(num)d question and this translation has %(found)d: "
                        "a translation keeps every question.",
                        "The original has %(num)d questions and this translation has %(found)d: "
                        "a translation keeps every question.",
                        len(source),
                        found=len(rendered),
                    )
                )
            ]
        )
    differing = differing_questions(source, rendered)
    if differing:
        raise QuizProblems(
            [
                Problem(
                    _(
                        "Keep this question's answers as in the original (which are right, and what they "
                        "score); a translation changes the texts only."
                    ),
                    part=number,
                )
                for number in differing
            ]
        )
    return rendered


def _located(line: int, message: str, starts: list[int | None] | None) -> Problem:
    translated, detail = translate(message)
    if starts is None:
        return Problem(translated, line=line, detail=detail)
    part = max((i for i, start in enumerate(starts) if start is not None and start <= line), default=0)
    first = starts[part] or 1
    return Problem(translated, part=part, line=line - first + 1, detail=detail)


def _lf(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- the parsers' messages, translated
#
# The parsers speak English to the trainers who import course files (file:line, as the CLI
# prints them). The editor shows the usual ones in the interface's language; any other is
# shown with a translated lead-in and the parser's own words beside it.

_MESSAGES = [
    (r"quiz has no questions", _l("The quiz has no questions: start each question with a level-2 heading (## Title).")),
    (
        r"question has no answers",
        _l(
            "This question has no answers: list them under it as “- [x]” and “- [ ]” choices, "
            "or as “- answer:”, “- number:” or “- match:” items."
        ),
    ),
    (r"question has no text", _l("This question has no text: write it between its heading and its answers.")),
    (
        r"question has no correct answer: mark",
        _l("This question has no correct answer: mark at least one answer with [x]."),
    ),
    (
        r"question has no correct answer: at least",
        _l("This question has no correct answer: at least one answer needs a weight above zero."),
    ),
    (
        r"unexpected text after the answers",
        _l(
            "Unexpected text after the answers: only general feedback as a block quote (“> …”) "
            "or the next question (“## …”) may follow the answer list."
        ),
    ),
    (
        r"a second answer list",
        _l(
            "A second answer list: a question has one list of answers (feedback for one answer is a "
            "block quote indented under it: “  > …”)."
        ),
    ),
    (
        r"text after this answer's feedback",
        _l("Text after this answer's feedback: its indented block quote (“  > …”) must come last."),
    ),
    (r"code block is never closed", _l("A code block is never closed: end it with a line of ``` alone.")),
    (
        r"mixed answer markers",
        _l("Mixed answer markers: every answer of a question starts with the same kind of marker, as in the original."),
    ),
    (r"nothing after '(?P<marker>[^']*)'", _l("Nothing after “%(marker)s”: write the answer after it.")),
    (
        r"'(?P<text>.*)' is not a number",
        _l("“%(text)s” is not a number: write it as the original does (decimals take a dot: 3.14)."),
    ),
    (
        r"a choice question needs at least two answers",
        _l("A choice question needs at least two answers, as in the original."),
    ),
    (r"matching pair without '->'", _l("A matching pair needs “->” between the item and its match.")),
    # GIFT
    (
        r"the answer block opened here with '\{' is never closed",
        _l("The answer block opened here with “{” is never closed with “}”."),
    ),
    (
        r"a question has only one answer block",
        _l(
            "A question has only one answer block; if this is the next question, "
            "leave a blank line between it and the one before."
        ),
    ),
    (
        r"text before the first answer",
        _l("Text before the first answer: start every answer with “=” (right) or “~” (wrong)."),
    ),
    (r"the question has no text before its answer block", _l("The question has no text before its answer block.")),
    (r"no right answer", _l("No right answer: mark it with “=”, as in the original.")),
    (r"empty answer after '(?P<marker>[^']*)'", _l("Nothing after “%(marker)s”: write the answer after it.")),
    (
        r"the question title has no closing '::'",
        _l("The question title has no closing “::” (write \\: for a colon inside it)."),
    ),
    (
        r"a description \(text without an answer block\)",
        _l("Text without an answer block is not a question: keep each question's answer block."),
    ),
]
_PATTERNS = [(re.compile(pattern), message) for pattern, message in _MESSAGES]


def translate(message: str) -> tuple[str, str | None]:
    """(the message in the interface's language, the parser's English words when not translated)."""
    for pattern, translated in _PATTERNS:
        match = pattern.match(message)
        if match:
            return str(translated) % match.groupdict() if match.groupdict() else str(translated), None
    return _("This does not follow the quiz syntax."), message
