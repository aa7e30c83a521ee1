"""Parser for Moodle's GIFT quiz format (https://docs.moodle.org/en/GIFT_format).

:func:`parse_gift` turns the body of a GIFT quiz into :class:`~elearn.courses.questions.Question`
objects, or raises :class:`~elearn.courses.questions.QuizSyntaxError` listing *every* problem
found, each with its line number in the course file.

How the parser works: the document is split into question blocks at blank lines (as Moodle
does), whole-line ``//`` comments are set aside (they may carry ``[id:...]`` and ``[tag:...]``
metadata), escaped control characters (``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n``) are replaced
by placeholder characters so that the structural characters left in the text are all real,
and each block is then cut up with plain string searches. Texts get their escapes back at
the very end.

Semantics follow Moodle's importer (``question/format/gift/format.php``), with these
deliberate choices for our model:

* ``text_format`` comes from a ``[html]``/``[markdown]``/``[plain]``/``[moodle]`` marker at
  the start of the question text; the default is ``moodle``. Our model has one format per
  question, so a marker in front of an answer, a feedback or a matching item is removed and
  that text is read in the question's format.
* Texts keep the author's line breaks and inner spacing; only the ends are trimmed.
* Multiple choice (any ``~`` in the answer block): exactly one ``=`` answer makes it
  ``single`` (radio buttons; other answers may still carry partial credit, as in Moodle);
  otherwise (no ``=``, or several) it is ``multiple``. A choice is ``correct`` when it earns
  credit. In a ``single`` question ``weight`` is what the author wrote (``None``: the default,
  100 for ``=`` and 0 for ``~``). A ``multiple`` question gets explicit weights, exactly as a
  markdown quiz does (docs/authoring.md: "graded identically"): the written weight, else an
  equal share of what the weighted right answers leave of 100% for ``=``, else 0 for ``~``.
* Short answers and numbers keep ``weight=None`` when none is written (100%); one with a
  weight of 0 or less only carries feedback (``correct=False``).
* True/false ``{T#feedback 1#feedback 2}``: as in Moodle, the first feedback is for a *wrong*
  answer and the second for a *right* one, so for ``{T...}`` the first is ``false_feedback``
  and for ``{F...}`` it is ``true_feedback``.
* Embedded answers (text after the answer block): the stem becomes
  ``"<before> _____ <after>"``.
* Numerical ``~#feedback`` (Moodle's feedback for any other number) becomes a
  :class:`~elearn.courses.questions.NumericAnswer` with weight 0 covering every finite number
  (``ANY_NUMBER_MIN``..``ANY_NUMBER_MAX``), which stays valid JSON.
* Essay (``{}``) and description (no answer block) questions are reported as errors: the
  platform cannot grade them, and nothing is dropped silently.

Messages are plain English for the trainers who run the import command.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from elearn.courses.questions import (
    MATCHING,
    MULTIPLE,
    NUMERIC,
    SHORT,
    SINGLE,
    TRUE_FALSE,
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuizSyntaxError,
)

__all__ = ["ANY_NUMBER_MAX", "ANY_NUMBER_MIN", "BLANK", "parse_gift"]

DEFAULT_FORMAT = "moodle"
BLANK = "_____"  # replaces an answer block embedded in the middle of the question text

# The range of a numerical "any other answer" entry (Moodle's "*"): every finite number.
ANY_NUMBER_MIN = -sys.float_info.max
ANY_NUMBER_MAX = sys.float_info.max

ESSAY_MESSAGE = "essay questions are not supported: learners' free-text answers cannot be graded automatically"
DESCRIPTION_MESSAGE = "a description (text without an answer block) is not a question; put explanatory text in a lesson"

# Escapes: the character after the backslash -> a Unicode noncharacter standing in for it
# while the text is cut up. Noncharacters are reserved for exactly this kind of internal use.
_ESCAPED = "\\~=#{}:n"
_PLACEHOLDERS = {char: chr(0xFDD0 + i) for i, char in enumerate(_ESCAPED)}
_RESTORE = str.maketrans({ph: ("\n" if char == "n" else char) for char, ph in _PLACEHOLDERS.items()})
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_PLACEHOLDER_RE = re.compile("[" + "".join(_PLACEHOLDERS.values()) + "]")

_FORMAT_RE = re.compile(r"\s*\[(html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"\s*%([^%\n]*)%")
_WEIGHTISH_RE = re.compile(r"[-+\d.,\s]+")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_RANGE_RE = re.compile(rf"({_NUMBER})\s*\.\.\s*({_NUMBER})")
_TOLERANCE_RE = re.compile(rf"({_NUMBER})\s*:\s*({_NUMBER})")
_ID_RE = re.compile(r"\[id:((?:\\.|[^\]\\])*)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\.|[^\]\\])*)\]")
_META_ESCAPE_RE = re.compile(r"\\(.)")

_TRUE_WORDS = ("T", "TRUE")
_TF_WORDS = ("T", "TRUE", "F", "FALSE")
_CATEGORY = "$CATEGORY:"


def parse_gift(text: str, *, first_line: int = 1) -> list[Question]:
    """Parse a GIFT document into questions.

    ``first_line`` is the file line number of ``text``'s first line (the body of a course
    file comes after its YAML front matter), so every ``Question.line`` and every error line
    is a line number in the file. ``$CATEGORY:`` lines set ``Question.category`` for the
    questions that follow them.

    Raises :class:`QuizSyntaxError` with all the problems found, as ``(line, message)``
    pairs in line order, if anything in the document cannot be imported.
    """
    problems: list[tuple[int, str]] = []
    questions: list[Question] = []
    category: str | None = None
    id_lines: dict[str, int] = {}

    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(first_line + i, line) for i, line in enumerate(lines)]
    for number, line in numbered:
        if _PLACEHOLDER_RE.search(line):
            problems.append((number, "the line contains a Unicode noncharacter (U+FDD0..U+FDD7); remove it"))

    for block in _blocks(numbered):
        comments = [(n, line) for n, line in block if _is_comment(line)]
        content = [(n, line) for n, line in block if not _is_comment(line)]
        meta = _Metadata.from_comments(comments, problems)

        if content and content[0][1].lstrip().startswith(_CATEGORY):
            number, line = content.pop(0)
            name = _restore(_protect(line.lstrip()[len(_CATEGORY) :])).strip()
            if name:
                category = name
            else:
                problems.append((number, "$CATEGORY: has no category name after it"))

        if not content:
            if meta.line is not None:
                problems.append(
                    (
                        meta.line,
                        "this [id:...] or [tag:...] comment is not part of any question; "
                        "remove the blank line between it and its question",
                    )
                )
            continue

        question = _QuestionParser(_Source(content), problems).parse()
        if question is None:
            continue
        question.id = meta.id
        question.tags = meta.tags
        question.category = category
        if meta.id is not None:
            if meta.id in id_lines:
                problems.append(
                    (
                        meta.id_line,
                        f"the id {meta.id!r} is already used by the question on line {id_lines[meta.id]}",
                    )
                )
            else:
                id_lines[meta.id] = question.line
        questions.append(question)

    if problems:
        raise QuizSyntaxError(sorted(problems, key=lambda problem: problem[0]))
    return questions


# --------------------------------------------------------------------------- helpers


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("//")


def _blocks(numbered: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split numbered lines into question blocks at blank lines (comment lines are not blank)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in numbered:
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _protect(text: str) -> str:
    """Replace escape sequences by placeholders, so every control character left is real."""
    return _ESCAPE_RE.sub(lambda m: _PLACEHOLDERS[m.group(1)], text)


def _restore(text: str) -> str:
    """Turn placeholders back into the characters they stand for (``\\n`` into a newline)."""
    return text.translate(_RESTORE)


def _clean(raw: str) -> str:
    """A finished text: without a leading format marker, trimmed, escapes restored."""
    marker = _FORMAT_RE.match(raw)
    if marker:
        raw = raw[marker.end() :]
    return _restore(raw.strip())


def _optional(raw: str | None) -> str | None:
    """Like :func:`_clean` but ``None`` for a missing or blank text (empty feedback)."""
    if raw is None:
        return None
    return _clean(raw) or None


@dataclass
class _Metadata:
    """``[id:...]`` and ``[tag:...]`` found in a block's comment lines."""

    id: str | None = None
    id_line: int = 0
    tags: list[str] = field(default_factory=list)
    line: int | None = None  # first comment line carrying metadata

    @classmethod
    def from_comments(cls, comments: list[tuple[int, str]], problems: list) -> _Metadata:
        meta = cls()
        for number, comment in comments:
            for match in _ID_RE.finditer(comment):
                value = _META_ESCAPE_RE.sub(r"\1", match.group(1)).strip()
                meta.line = number if meta.line is None else meta.line
                if not value:
                    problems.append((number, "[id:] is empty; write [id:something]"))
                elif meta.id is not None:
                    problems.append((number, f"a question can have only one id, it already has [id:{meta.id}]"))
                else:
                    meta.id, meta.id_line = value, number
            for match in _TAG_RE.finditer(comment):
                value = _META_ESCAPE_RE.sub(r"\1", match.group(1)).strip()
                meta.line = number if meta.line is None else meta.line
                if value:
                    meta.tags.append(value)
                else:
                    problems.append((number, "[tag:] is empty; write [tag:something]"))
        return meta


class _Source:
    """A block's content lines joined with newlines (escapes protected), with line lookup."""

    def __init__(self, lines: list[tuple[int, str]]):
        parts = [_protect(line) for _, line in lines]
        self.text = "\n".join(parts)
        self.first_line = lines[0][0]
        self._numbers = [number for number, _ in lines]
        self._starts = []
        offset = 0
        for part in parts:
            self._starts.append(offset)
            offset += len(part) + 1

    def line_at(self, pos: int) -> int:
        """The file line number of character ``pos`` of :attr:`text`."""
        return self._numbers[max(bisect.bisect_right(self._starts, pos) - 1, 0)]


@dataclass
class _Item:
    """One answer of an answer block: its marker (``=``, ``~`` or ``""``), raw text, position."""

    marker: str
    raw: str
    pos: int


@dataclass
class _Answer:
    """An answer split into weight, text and feedback (texts still protected, not trimmed)."""

    marker: str
    pos: int
    weight: float | None
    text: str
    feedback: str | None
    has_weight: bool


def _split_items(body: str, base: int, markers: str) -> tuple[_Item, list[_Item]]:
    """Cut an answer block at its answer markers: (text before the first marker, answers)."""
    starts = [i for i, char in enumerate(body) if char in markers]
    leading = _Item("", body[: starts[0]] if starts else body, base)
    items = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(body)
        items.append(_Item(body[start], body[start + 1 : end], base + start))
    return leading, items


def _parse_float(text: str) -> float | None:
    return float(text) if _NUMBER_RE.fullmatch(text) else None


class _QuestionParser:
    """Parses one question block; problems are appended to the shared list."""

    def __init__(self, source: _Source, problems: list[tuple[int, str]]):
        self.source = source
        self.problems = problems
        self.text_format = DEFAULT_FORMAT

    def error(self, pos: int, message: str) -> None:
        self.problems.append((self.source.line_at(pos), message))

    # ------------------------------------------------------------------ structure

    def parse(self) -> Question | None:
        text = self.source.text
        start_problems = len(self.problems)
        pos = len(text) - len(text.lstrip())
        line = self.source.first_line

        title = None
        if text.startswith("::", pos):
            end = text.find("::", pos + 2)
            if end < 0:
                self.error(pos, "the question title has no closing '::' (write \\: for a literal colon)")
                return None
            title = _restore(text[pos + 2 : end].strip()) or None
            pos = end + 2

        open_at = text.find("{", pos)
        stray = text.find("}", pos, open_at if open_at >= 0 else len(text))
        if stray >= 0:
            self.error(stray, "'}' without an opening '{' (write \\} for a literal brace)")
            return None
        if open_at < 0:
            self.problems.append((line, DESCRIPTION_MESSAGE))
            return None
        close_at = text.find("}", open_at + 1)
        if close_at < 0:
            self.error(
                open_at,
                "the answer block opened here with '{' is never closed with '}' "
                "(a blank line ends a question, so the block cannot contain blank lines)",
            )
            return None
        nested = text.find("{", open_at + 1, close_at)
        if nested >= 0:
            self.error(nested, "'{' inside an answer block (write \\{ for a literal brace)")
            return None
        after = self._strip_trailing_comment(text[close_at + 1 :])
        extra = re.search(r"[{}]", after)
        if extra:
            self.error(
                close_at + 1 + extra.start(),
                "a question has only one answer block; if this is the next question, "
                "separate it from the previous one with a blank line",
            )
            return None

        head = text[pos:open_at]
        marker = _FORMAT_RE.match(head)
        if marker:
            self.text_format = marker.group(1)
            head = head[marker.end() :]
        before, after = head.strip(), after.strip()
        stem = " ".join(part for part in (before, BLANK, after) if part) if after else before
        stem = _restore(stem)

        body = text[open_at + 1 : close_at]
        feedback = None
        general_at = body.find("####")
        if general_at >= 0:
            feedback = _optional(body[general_at + 4 :])
            body = body[:general_at]

        question = Question(type="", stem=stem, line=line, text_format=self.text_format, title=title, feedback=feedback)
        stripped = body.strip()
        if not stripped:
            self.problems.append((line, ESSAY_MESSAGE))
            return None
        if not stem:
            self.error(open_at, "the question has no text before its answer block")
        base = open_at + 1
        if stripped.startswith("#"):
            self._numeric(question, body, base)
        elif "~" in body:
            self._choice(question, body, base)
        elif "=" in body and "->" in body:
            self._matching(question, body, base)
        elif stripped.split("#", 1)[0].strip() in _TF_WORDS:
            self._true_false(question, body, base)
        else:
            self._short(question, body, base)
        return question if len(self.problems) == start_problems else None

    @staticmethod
    def _strip_trailing_comment(after: str) -> str:
        """Drop a ``// comment`` that follows the answer block on the same line."""
        first, newline, rest = after.partition("\n")
        return newline + rest if first.strip().startswith("//") else after

    # ------------------------------------------------------------------ answers

    def _answer(self, item: _Item) -> _Answer:
        """Split an answer into its ``%weight%``, text and ``#feedback``."""
        raw, weight, has_weight = item.raw, None, False
        match = _WEIGHT_RE.match(raw)
        if match:
            value = match.group(1).strip()
            weight = _parse_float(value)
            if weight is not None:
                has_weight = True
                if not -100 <= weight <= 100:
                    self.error(item.pos, f"the weight %{value}% is not between -100 and 100")
                raw = raw[match.end() :]
            else:
                # Moodle reads any %…% that opens an answer as its weight, never as its text:
                # "%5O%total cost" (a letter O) must not become an answer learners cannot type.
                has_weight = True
                if _WEIGHTISH_RE.fullmatch(value) and "," in value:
                    self.error(item.pos, f"the weight %{value}% is not a number (use a dot as decimal separator)")
                else:
                    self.error(
                        item.pos,
                        f"the weight %{value}% is not a number: write a percentage between -100 and 100, e.g. %50%",
                    )
                raw = raw[match.end() :]
        text, hash_sign, feedback = raw.partition("#")
        if "#" in feedback:
            self.error(
                item.pos,
                "an answer can have only one feedback after '#' (write \\# for a literal #)",
            )
        return _Answer(item.marker, item.pos, weight, text, feedback if hash_sign else None, has_weight)

    def _leading_text(self, leading: _Item) -> None:
        text = leading.raw
        if text.strip():
            self.error(
                leading.pos + len(text) - len(text.lstrip()),
                "text before the first answer: start every answer with '=' (right) or '~' (wrong)",
            )

    def _choice(self, question: Question, body: str, base: int) -> None:
        leading, items = _split_items(body, base, "=~")
        self._leading_text(leading)
        answers = [self._answer(item) for item in items]
        if len(answers) < 2:
            self.error(base, "a multiple-choice question needs at least two answers")
        single = sum(answer.marker == "=" for answer in answers) == 1
        question.type = SINGLE if single else MULTIPLE
        weights: Sequence[float | None] = [answer.weight for answer in answers]
        if not single:
            weights = self._multiple_choice_weights(answers, base)
        for answer, weight in zip(answers, weights, strict=True):
            text = _clean(answer.text)
            if not text:
                self.error(answer.pos, f"empty answer after '{answer.marker}'")
            credit = weight if weight is not None else (100 if answer.marker == "=" else 0)
            question.choices.append(Choice(text, credit > 0, weight, _optional(answer.feedback)))
        if answers and not any(choice.correct for choice in question.choices):
            self.error(
                base,
                "no right answer: mark it with '=' (or give right answers a positive weight such as ~%50%)",
            )

    def _multiple_choice_weights(self, answers: list[_Answer], base: int) -> list[float]:
        """Explicit weights, as for markdown quizzes: the written weight, else an equal share
        of what the weighted right answers leave of 100% for '=', else 0 for '~'."""
        unweighted = sum(answer.weight is None and answer.marker == "=" for answer in answers)
        given = sum(answer.weight for answer in answers if answer.weight is not None and answer.weight > 0)
        share = (100 - given) / unweighted if unweighted else 0.0
        if unweighted and share <= 0:
            self.error(
                base,
                f"the weighted right answers already add up to {given:g}%, "
                "leaving nothing for the '=' answers without a weight",
            )
        return [
            answer.weight if answer.weight is not None else (share if answer.marker == "=" else 0.0)
            for answer in answers
        ]

    def _short(self, question: Question, body: str, base: int) -> None:
        question.type = SHORT
        leading, items = _split_items(body, base, "=")
        if not items:  # {answer}: a single right answer without '='
            items = [_Item("=", leading.raw, leading.pos)]
        else:
            self._leading_text(leading)
        for answer in map(self._answer, items):
            text = _clean(answer.text)
            if not text:
                self.error(answer.pos, "empty answer after '='")
            credit = answer.weight if answer.weight is not None else 100
            question.choices.append(Choice(text, credit > 0, answer.weight, _optional(answer.feedback)))
        if not any(choice.correct for choice in question.choices):
            self.error(base, "no accepted answer gives credit: at least one needs a positive weight")

    def _matching(self, question: Question, body: str, base: int) -> None:
        question.type = MATCHING
        leading, items = _split_items(body, base, "=")
        self._leading_text(leading)
        problems_before = len(self.problems)
        for item in items:
            if _WEIGHT_RE.match(item.raw):
                self.error(item.pos, "a matching pair cannot have a %weight%")
                continue
            if "#" in item.raw:
                self.error(item.pos, "a matching pair cannot have feedback (write \\# for a literal #)")
                continue
            left, arrow, right = item.raw.partition("->")
            if not arrow:
                self.error(item.pos, "every pair of a matching question needs '->' between the item and its match")
                continue
            right = _restore(right.strip())
            if not right:
                self.error(item.pos, "nothing after '->': every item needs a match")
                continue
            question.pairs.append(MatchPair(_clean(left), right))
        pairs_ok = len(self.problems) == problems_before
        real_pairs = sum(1 for pair in question.pairs if pair.left)  # an empty left side is a distractor
        if real_pairs < 2 and (pairs_ok or len(items) < 2):
            self.error(base, "a matching question needs at least two pairs like '=item -> match'")

    def _true_false(self, question: Question, body: str, base: int) -> None:
        question.type = TRUE_FALSE
        word, *feedbacks = body.split("#")
        if len(feedbacks) > 2:
            self.error(
                base,
                "a true/false question takes at most two feedbacks: "
                "{T#feedback for a wrong answer#feedback for a right answer}",
            )
        question.answer = word.strip() in _TRUE_WORDS
        wrong = _optional(feedbacks[0]) if feedbacks else None
        right = _optional(feedbacks[1]) if len(feedbacks) > 1 else None
        if question.answer:
            question.true_feedback, question.false_feedback = right, wrong
        else:
            question.true_feedback, question.false_feedback = wrong, right

    def _numeric(self, question: Question, body: str, base: int) -> None:
        question.type = NUMERIC
        hash_at = body.index("#")
        leading, items = _split_items(body[hash_at + 1 :], base + hash_at + 1, "=~")
        if leading.raw.strip():
            if any(item.marker == "=" for item in items):
                self._leading_text(leading)
            else:  # {#1822:5}: a single answer without '='
                items.insert(0, _Item("=", leading.raw, leading.pos))
        if sum(item.marker == "~" for item in items) > 1:
            self.error(base, "a numerical question can have only one '~#feedback' for other answers")
        for item in items:
            answer = self._answer(item)
            if item.marker == "~":
                self._numeric_other(question, answer)
            else:
                self._numeric_accepted(question, answer)
        accepted = [a for a in question.numeric if a.min != ANY_NUMBER_MIN]
        if not any(item.marker == "=" for item in items):
            self.error(base, "a numerical question needs a number, e.g. {#42}, {#3.14:0.01} or {#1..5}")
        elif len(accepted) == sum(item.marker == "=" for item in items) and not any(
            a.weight is None or a.weight > 0 for a in accepted
        ):  # (an answer that failed to parse was reported already)
            self.error(base, "no accepted number gives credit: at least one needs a positive weight")

    def _numeric_accepted(self, question: Question, answer: _Answer) -> None:
        spec = _restore(answer.text).strip()
        value = min_ = max_ = None
        tolerance = 0.0
        if match := _RANGE_RE.fullmatch(spec):
            min_, max_ = float(match.group(1)), float(match.group(2))
            if min_ > max_:
                self.error(answer.pos, f"the range {spec} is empty: write the smaller number first")
        elif match := _TOLERANCE_RE.fullmatch(spec):
            value, tolerance = float(match.group(1)), float(match.group(2))
            if tolerance < 0:
                self.error(answer.pos, f"the tolerance in {spec} is negative")
        elif _NUMBER_RE.fullmatch(spec):
            value = float(spec)
        else:
            hint = " (use a dot as decimal separator)" if "," in spec else ""
            shown = f"{spec!r} is" if spec else "an empty answer is"
            self.error(
                answer.pos,
                f"{shown} not a number{hint}; write a number (42), a number and a tolerance "
                "(3.14:0.01) or a range (1..5)",
            )
            return
        question.numeric.append(NumericAnswer(value, tolerance, min_, max_, answer.weight, _optional(answer.feedback)))

    def _numeric_other(self, question: Question, answer: _Answer) -> None:
        if answer.has_weight or answer.text.strip() not in ("", "*"):
            self.error(
                answer.pos,
                "in a numerical question '~' only gives feedback for any other number, as in "
                "~#feedback; write a wrong number with its feedback as =%0%number#feedback",
            )
            return
        question.numeric.append(
            NumericAnswer(None, 0.0, ANY_NUMBER_MIN, ANY_NUMBER_MAX, 0.0, _optional(answer.feedback))
        )
