"""Parser for quizzes written in markdown (the default quiz syntax of ``kind: quiz`` units).

The syntax is the trainers' contract described in ``docs/authoring.md``, section
"Quizzes in markdown"::

    Optional introduction shown above the questions.

    ## Purpose                                   <- a question: its title

    What is the primary aim of a social enterprise?   <- the stem (any markdown)

    - [ ] Maximising the return to its shareholders   <- the answer list
      > Profit matters, but it serves the social aim. <- feedback for this answer
    - [x] A social or environmental goal, pursued through trade
    - [ ] {-50%} Running on donations only            <- a weight

    > Social enterprises earn most of their income by trading.  <- general feedback

The parser is line-oriented and follows the block rules of CommonMark as far as the
quiz structure needs them (fenced code blocks are opaque, list items continue on
lines indented by two spaces or more, lazy continuation lines, block quotes), so a
quiz reads the same in a markdown preview as it is graded. Texts (stem, answers,
feedback) stay markdown *source*; the importer renders and cleans them later.

Rules that the authoring guide leaves implicit, decided here:

* The answer list is the first top-level bullet list (``-``, ``*`` or ``+``) in which
  any item starts with an answer marker (``[x]``/``[ ]``, ``answer:``, ``number:``,
  ``match:``). Lists before it without markers belong to the stem. Every item of the
  answer list must use the same kind of marker, else "mixed answer markers".
* A weight is ``{NN%}`` right after the marker; ``{...}`` there that contains ``%``
  or only a number is read as a weight (write ``\\{`` for a literal brace).
* In a multiple-choice question, correct answers without a weight share what the
  weighted correct answers leave of 100%; wrong answers without a weight get 0%.
  A checked answer needs a weight above 0%, an unchecked one at most 0%.
* Single-choice, short-answer and numeric answers keep ``weight=None`` when none is
  written, which the model defines as the type's default (100% for a correct answer,
  0% for a wrong one), exactly as the GIFT parser stores them. A short or numeric
  answer with a weight of 0% or less is accepted only to show its feedback
  (``correct=False``); at least one answer must earn credit.
* After the answer list only block quotes (general feedback; several are joined as
  paragraphs) and blank lines may follow.
"""

from __future__ import annotations

import re
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

__all__ = ["parse_quiz_markdown"]

# -- line patterns (CommonMark-like: up to three spaces of indentation) ---------------
_QUESTION_HEADING = re.compile(r"^ {0,3}##(?=[ \t]|$)(.*)$")
_ANY_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_BULLET = re.compile(r"^( {0,3})[-*+](?:([ \t]+)(.*))?$")
_ORDERED = re.compile(r"^ {0,3}\d{1,9}[.)](?:[ \t]|$)")
_QUOTE = re.compile(r"^ {0,3}>")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")

# -- answer markers -------------------------------------------------------------------
CHOICE, ANSWER, NUMBER, MATCH = "choice", "answer", "number", "match"
_MARKERS = (
    (CHOICE, re.compile(r"^\[([ xX])\](?=[ \t]|$)")),
    (ANSWER, re.compile(r"^answer:")),
    (NUMBER, re.compile(r"^number:")),
    (MATCH, re.compile(r"^match:")),
)
_MARKER_NAMES: dict[str | None, str] = {CHOICE: "[x]/[ ]", ANSWER: "answer:", NUMBER: "number:", MATCH: "match:"}
_WEIGHT_BRACES = re.compile(r"^\{([^{}\n]*)\}")
_WEIGHT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$")

# -- numbers --------------------------------------------------------------------------
_NUM = r"[+-]?\d+(?:\.\d+)?"
_EXACT = re.compile(rf"^({_NUM})$")
_TOLERANCE = re.compile(rf"^({_NUM})\s*(?:±|\+-)\s*({_NUM})$")
_RANGE = re.compile(rf"^({_NUM})\s*\.\.\s*({_NUM})$")

# -- messages -------------------------------------------------------------------------
NO_QUESTIONS = "quiz has no questions: start each question with a level-2 heading ('## Title')"
NO_ANSWERS = (
    "question has no answers: list them under the question as '- [x]' / '- [ ]' choices "
    "or as '- answer:', '- number:' or '- match:' items"
)
EMPTY_STEM = "question has no text: write the question between its heading and its answers"
NO_CORRECT_CHOICE = "question has no correct answer: mark at least one answer with [x]"
NO_CORRECT_WEIGHT = "question has no correct answer: at least one answer needs a weight above 0%"
TEXT_AFTER_ANSWERS = (
    "unexpected text after the answers: only general feedback as a block quote ('> …') "
    "or the next question ('## …') may follow the answer list"
)
SECOND_ANSWER_LIST = (
    "a second answer list: a question has one list of answers "
    "(feedback for one answer is a block quote indented under it: '  > …')"
)
TEXT_AFTER_FEEDBACK = "text after this answer's feedback: its indented block quote ('  > …') must come last"
UNCLOSED_FENCE = "code block is never closed: end it with a line holding only {fence}"


@dataclass
class _Line:
    number: int  # line number in the file
    raw: str  # as written, without the line break
    opaque: bool = False  # inside a fenced code block (or its closing fence)

    def __post_init__(self) -> None:
        self.text = self.raw.expandtabs(4)
        self.indent = len(self.text) - len(self.text.lstrip(" "))

    @property
    def blank(self) -> bool:
        return not self.opaque and not self.text.strip()

    def interrupts_paragraph(self) -> bool:
        """Whether this line starts a new block, so it cannot continue a paragraph lazily."""
        return not self.opaque and bool(
            _QUOTE.match(self.text)
            or _BULLET.match(self.text)
            or _ORDERED.match(self.text)
            or _ANY_HEADING.match(self.text)
            or _FENCE.match(self.text)
            or _THEMATIC_BREAK.match(self.text)
        )


@dataclass
class _Item:
    """One top-level list item, as written."""

    line: int
    content_col: int  # column where the item's content starts (after "- ")
    first: str  # the content on the item's first line
    rest: list[tuple[_Line, bool]] = field(default_factory=list)  # (line, lazy continuation?)
    kind: str | None = field(init=False, default=None)  # CHOICE, ANSWER, NUMBER, MATCH or None
    checked: bool = field(init=False, default=False)  # [x]
    after_marker: str = field(init=False, default="")  # the first line's text after the marker

    def __post_init__(self) -> None:
        self.after_marker = self.first  # an item without a marker is all text
        for kind, pattern in _MARKERS:
            m = pattern.match(self.first)
            if m:
                self.kind = kind
                self.checked = kind == CHOICE and m.group(1) in "xX"
                self.after_marker = self.first[m.end() :].strip()
                break

    @property
    def marker(self) -> str:
        if self.kind == CHOICE:
            return "[x]" if self.checked else "[ ]"
        return _MARKER_NAMES.get(self.kind, "")


@dataclass
class _List:
    start: int  # index of the first item's line in the question body
    end: int  # index just past the list
    items: list[_Item]

    @property
    def has_markers(self) -> bool:
        return any(item.kind for item in self.items)


@dataclass
class _Answer:
    """An answer-list item once its weight, text and feedback are separated."""

    item: _Item
    weight: float | None
    text: str
    feedback: str | None


def parse_quiz_markdown(text: str, *, first_line: int = 1) -> tuple[str, list[Question]]:
    """Parse a markdown quiz body. Returns (introduction markdown, questions).

    ``first_line`` is the file line number of ``text``'s first line (the body follows
    YAML front matter), so ``Question.line`` and every error line are file line numbers.
    Raises :class:`QuizSyntaxError` listing all problems ``[(line, message)]``, in
    line order, not only the first.
    """
    problems: list[tuple[int, str]] = []
    lines = _split_lines(text, first_line, problems)
    headings = [i for i, ln in enumerate(lines) if not ln.opaque and _QUESTION_HEADING.match(ln.text)]
    intro = _join(lines[: headings[0] if headings else len(lines)])
    questions = []
    for k, start in enumerate(headings):
        end = headings[k + 1] if k + 1 < len(headings) else len(lines)
        question = _parse_question(lines[start], lines[start + 1 : end], problems)
        if question is not None:
            questions.append(question)
    if not headings:
        problems.append((first_line, NO_QUESTIONS))
    if problems:
        raise QuizSyntaxError(sorted(problems, key=lambda problem: problem[0]))
    return intro, questions


# -- lines and blocks -------------------------------------------------------------------
def _split_lines(text: str, first_line: int, problems: list) -> list[_Line]:
    """The body's lines, with the lines of fenced code blocks marked opaque."""
    lines = [_Line(first_line + i, raw.rstrip("\r")) for i, raw in enumerate(text.split("\n"))]
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i].text)
        if not m or (m.group(1)[0] == "`" and "`" in m.group(2)):
            i += 1
            continue
        fence = m.group(1)
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j].text)), None)
        if end is None:
            # Treat the opening line as text, so the rest of the quiz is still checked.
            problems.append((lines[i].number, UNCLOSED_FENCE.format(fence=fence)))
            i += 1
            continue
        for j in range(i + 1, end + 1):
            lines[j].opaque = True
        i = end + 1
    return lines


def _join(lines: list[_Line]) -> str:
    """Markdown source of consecutive lines, without the blank lines around it."""
    filled = [i for i, ln in enumerate(lines) if not ln.blank]
    if not filled:
        return ""
    return "\n".join(ln.raw for ln in lines[filled[0] : filled[-1] + 1]).rstrip()


def _strip_quote(text: str) -> str:
    """The text of a block-quote line without its ``>`` and the space after it."""
    text = text.lstrip()[1:]
    return text[1:] if text.startswith(" ") else text


def _read_list(body: list[_Line], start: int) -> _List:
    """Read the bullet list whose first item is at ``body[start]``."""
    base = body[start].indent
    items: list[_Item] = []
    i, in_paragraph = start, False
    while i < len(body):
        ln = body[i]
        bullet = None if ln.opaque or _THEMATIC_BREAK.match(ln.text) else _BULLET.match(ln.text)
        if ln.opaque:
            items[-1].rest.append((ln, False))
            in_paragraph = False
        elif ln.blank:
            following = next((b for b in body[i + 1 :] if not b.blank), None)
            continues = following is not None and (
                following.indent >= base + 2  # more of the last item
                or (following.indent <= base + 1 and _is_list_start(following))  # the next item
            )
            if not continues:
                break
            items[-1].rest.append((ln, False))
            in_paragraph = False
        elif bullet and ln.indent <= base + 1:
            spaces = len(bullet.group(2) or " ")
            content_col = ln.indent + 1 + (spaces if spaces <= 4 else 1)
            items.append(_Item(ln.number, content_col, (bullet.group(3) or "").strip()))
            in_paragraph = bool(bullet.group(3) and bullet.group(3).strip())
        elif ln.indent >= base + 2:
            items[-1].rest.append((ln, False))
            in_paragraph = not _FENCE.match(ln.text)
        elif in_paragraph and not ln.interrupts_paragraph():
            items[-1].rest.append((ln, True))
        else:
            break
        i += 1
    return _List(start, i, items)


def _is_list_start(ln: _Line) -> bool:
    return not ln.opaque and bool(_BULLET.match(ln.text)) and not _THEMATIC_BREAK.match(ln.text)


# -- questions --------------------------------------------------------------------------
def _parse_question(heading: _Line, body: list[_Line], problems: list) -> Question | None:
    """Parse one ``## `` section; problems are appended, the question returned if it is valid."""
    heading_match = _QUESTION_HEADING.match(heading.text)
    if heading_match is None:
        raise ValueError(f"not a question heading: {heading.text!r}")  # the caller passes only headings
    title = heading_match.group(1).strip()
    title = re.sub(r"(?:^|[ \t]+)#+[ \t]*$", "", title) or None  # optional closing hashes

    answers = None
    i = 0
    while i < len(body):
        if _is_list_start(body[i]):
            found = _read_list(body, i)
            if found.has_markers:
                answers = found
                break
            i = found.end
        else:
            i += 1

    stem = _join(body[: answers.start if answers else len(body)])
    count = len(problems)
    if not stem:
        problems.append((heading.number, EMPTY_STEM))
    if answers is None:
        problems.append((heading.number, NO_ANSWERS))
        return None
    general = _general_feedback(body, answers.end, problems)
    question = _build(heading.number, title, stem, answers.items, general, problems)
    return question if len(problems) == count else None


def _general_feedback(body: list[_Line], i: int, problems: list) -> str | None:
    """Read the block quotes after the answer list; anything else is reported."""
    paragraphs = []
    while i < len(body):
        ln = body[i]
        if ln.blank:
            i += 1
        elif not ln.opaque and _QUOTE.match(ln.text):
            quote = []
            while i < len(body) and not body[i].blank:
                if _QUOTE.match(body[i].text) and not body[i].opaque:
                    quote.append(_strip_quote(body[i].text))
                elif not body[i].interrupts_paragraph() and quote and quote[-1].strip():
                    quote.append(body[i].text.strip())  # lazy continuation
                else:
                    break
                i += 1
            if "\n".join(quote).strip():
                paragraphs.append("\n".join(quote).strip())
        elif _is_list_start(ln):
            extra = _read_list(body, i)
            problems.append((ln.number, SECOND_ANSWER_LIST if extra.has_markers else TEXT_AFTER_ANSWERS))
            i = extra.end
        else:
            problems.append((ln.number, TEXT_AFTER_ANSWERS))
            i += 1
            while i < len(body) and (body[i].opaque or not (body[i].blank or _QUOTE.match(body[i].text))):
                i += 1
    return "\n\n".join(paragraphs) or None


def _split_item(item: _Item, problems: list) -> _Answer:
    """Separate an item's weight, text (first line and continuation) and feedback."""
    weight, first = None, item.after_marker
    braces = _WEIGHT_BRACES.match(first)
    if braces and ("%" in braces.group(1) or re.fullmatch(rf"\s*{_NUM}\s*", braces.group(1))):
        first = first[braces.end() :].strip()
        m = _WEIGHT.match(braces.group(1))
        if not m:
            problems.append(
                (item.line, f"malformed weight '{braces.group(0)}': write a percentage such as {{50%}} or {{-25%}}")
            )
        else:
            weight = float(m.group(1))
            if not -100 <= weight <= 100:
                problems.append((item.line, f"weight {m.group(1)}% is out of range: weights go from -100% to 100%"))
                weight = None

    text: list[str] = [first]
    feedback: list[str] = []
    in_feedback, reported = False, False
    for ln, lazy in item.rest:
        if ln.blank:
            (feedback if in_feedback else text).append("")
            continue
        dedented = ln.text[min(ln.indent, item.content_col) :]
        if lazy:
            (feedback if in_feedback else text).append(dedented.strip())
        elif not ln.opaque and dedented.lstrip().startswith(">"):
            feedback.append(_strip_quote(dedented))
            in_feedback = True
        elif in_feedback:
            if not reported:
                problems.append((ln.number, TEXT_AFTER_FEEDBACK))
                reported = True
        else:
            text.append(dedented)
    feedback_text = "\n".join(feedback).strip() if feedback else ""
    return _Answer(item, weight, "\n".join(text).strip(), feedback_text or None)


def _build(
    line: int, title: str | None, stem: str, items: list[_Item], general: str | None, problems: list
) -> Question | None:
    """Make the question from its answer list, reporting what is wrong with it."""
    kind = next(item.kind for item in items if item.kind)
    odd = next((item for item in items if item.kind != kind), None)
    answers = [_split_item(item, problems) for item in items]
    for answer in answers:
        if not answer.text:
            problems.append((answer.item.line, _nothing_after(answer.item)))
    if odd is not None:
        if odd.kind is None:
            message = (
                f"mixed answer markers: this item has no answer marker, but the list's other "
                f"items start with {_MARKER_NAMES[kind]}; every item of an answer list needs one"
            )
        else:
            message = (
                f"mixed answer markers: '{_MARKER_NAMES[odd.kind]}' in a list of "
                f"'{_MARKER_NAMES[kind]}' answers; "
                "all answers of a question use the same kind of marker"
            )
        problems.append((odd.line, message))
        for answer in answers:  # still check each answer by its own marker
            if answer.item.kind == NUMBER:
                _number(answer, problems)
            elif answer.item.kind == MATCH:
                _pair(answer, problems)
        return None

    question = Question(type=SINGLE, stem=stem, line=line, text_format="markdown", title=title, feedback=general)
    if kind == CHOICE:
        if _is_true_false(answers):
            _true_false(question, answers, problems)
        else:
            _choices(question, answers, problems)
    elif kind == ANSWER:
        question.type = SHORT
        for answer in answers:
            earns = answer.weight is None or answer.weight > 0  # no weight: the default, 100%
            question.choices.append(Choice(answer.text, earns, answer.weight, answer.feedback))
        if not any(choice.correct for choice in question.choices):
            problems.append((line, NO_CORRECT_WEIGHT))
    elif kind == NUMBER:
        question.type = NUMERIC
        for answer in answers:
            number = _number(answer, problems)
            if number is not None:
                question.numeric.append(number)
        if len(question.numeric) == len(answers) and not any(
            n.weight is None or n.weight > 0 for n in question.numeric
        ):
            problems.append((line, NO_CORRECT_WEIGHT))
    else:
        question.type = MATCHING
        for answer in answers:
            pair = _pair(answer, problems)
            if pair is not None:
                question.pairs.append(pair)
        if len(answers) < 2:
            problems.append((line, f"a matching question needs at least two pairs (found {len(answers)})"))
    return question


def _nothing_after(item: _Item) -> str:
    """The message for an answer with nothing after its marker."""
    hints: dict[str | None, str] = {
        NUMBER: "a number, e.g. 1822, 3.14 ± 0.01 or 1..5",
        MATCH: "a pair, 'left -> right'",
    }
    what = hints.get(item.kind, "the answer's text")
    return f"nothing after '{item.marker}': write {what}"


def _is_true_false(answers: list[_Answer]) -> bool:
    return len(answers) == 2 and sorted(a.text.lower() for a in answers) == ["false", "true"]


def _true_false(question: Question, answers: list[_Answer], problems: list) -> None:
    question.type = TRUE_FALSE
    for answer in answers:
        if answer.weight is not None:
            problems.append((answer.item.line, "true/false answers take no weights"))
        if answer.text.lower() == "true":
            question.true_feedback = answer.feedback
        else:
            question.false_feedback = answer.feedback
    checked = [answer for answer in answers if answer.item.checked]
    if not checked:
        problems.append((question.line, NO_CORRECT_CHOICE))
    elif len(checked) > 1:
        problems.append((question.line, "a true/false question has one correct answer: check either true or false"))
    else:
        question.answer = checked[0].text.lower() == "true"


def _choices(question: Question, answers: list[_Answer], problems: list) -> None:
    """Single or multiple choice; a multiple-choice question gets explicit weights."""
    correct = [answer for answer in answers if answer.item.checked]
    weighted = any(answer.weight is not None for answer in answers)
    question.type = MULTIPLE if len(correct) > 1 or weighted else SINGLE
    if len(answers) < 2:
        problems.append((question.line, f"a choice question needs at least two answers (found {len(answers)})"))
    if not correct:
        problems.append((question.line, NO_CORRECT_CHOICE))
    weights: Sequence[float | None] = [answer.weight for answer in answers]  # single choice: None, the default
    if question.type == MULTIPLE:
        weights = _multiple_choice_weights(question.line, answers, problems)
    question.choices = [
        Choice(answer.text, answer.item.checked, weight, answer.feedback)
        for answer, weight in zip(answers, weights, strict=True)
    ]


def _multiple_choice_weights(line: int, answers: list[_Answer], problems: list) -> list[float]:
    """Every answer's weight: as written, else a share of what is left of 100% if correct, else 0."""
    for answer in answers:
        if answer.weight is None:
            continue
        if answer.item.checked and answer.weight <= 0:
            problems.append((answer.item.line, "a checked answer needs a weight above 0%"))
        elif not answer.item.checked and answer.weight > 0:
            problems.append(
                (
                    answer.item.line,
                    "an unchecked answer cannot earn credit: check it ([x]) or give it a weight of 0% or less",
                )
            )
    correct = [answer for answer in answers if answer.item.checked]
    unweighted = sum(answer.weight is None for answer in correct)
    given = sum(answer.weight for answer in correct if answer.weight is not None)
    share = (100 - given) / unweighted if unweighted else 0.0
    if unweighted and share <= 0:
        problems.append(
            (
                line,
                f"the weighted correct answers already add up to {given:g}%, "
                "leaving nothing for the correct answers without a weight",
            )
        )
    return [
        answer.weight if answer.weight is not None else (share if answer.item.checked else 0.0) for answer in answers
    ]


def _number(answer: _Answer, problems: list) -> NumericAnswer | None:
    """Parse ``1822``, ``3.14 ± 0.01``, ``3.14 +- 0.01`` or ``1..5``."""
    if not answer.text:
        return None  # already reported
    spec = answer.text.replace("\u2212", "-")  # a typographic minus sign, as word processors write it
    weight = answer.weight
    line = answer.item.line
    if m := _EXACT.match(spec):
        return NumericAnswer(value=float(m.group(1)), weight=weight, feedback=answer.feedback)
    if m := _TOLERANCE.match(spec):
        tolerance = float(m.group(2))
        if tolerance < 0:
            problems.append((line, f"negative tolerance in '{answer.text}': write e.g. 3.14 ± 0.01"))
            return None
        return NumericAnswer(value=float(m.group(1)), tolerance=tolerance, weight=weight, feedback=answer.feedback)
    if m := _RANGE.match(spec):
        low, high = float(m.group(1)), float(m.group(2))
        if low > high:
            problems.append((line, f"range {m.group(1)}..{m.group(2)}: the minimum is greater than the maximum"))
            return None
        return NumericAnswer(min=low, max=high, weight=weight, feedback=answer.feedback)
    hint = " (decimals take a dot: 3.14)" if re.search(r"\d,\d", spec) else ""
    problems.append((line, f"'{answer.text}' is not a number: write e.g. 1822, 3.14 ± 0.01 or 1..5{hint}"))
    return None


def _pair(answer: _Answer, problems: list) -> MatchPair | None:
    """Parse ``left -> right``."""
    line = answer.item.line
    if answer.weight is not None:
        problems.append((line, "matching pairs take no weights"))
    if answer.feedback is not None:
        problems.append((line, "matching pairs take no feedback: use the question's general feedback"))
    if not answer.text:
        return None  # already reported
    if "->" not in answer.text:
        problems.append((line, f"matching pair without '->': write 'left -> right' (found '{answer.text}')"))
        return None
    left, right = (part.strip() for part in answer.text.split("->", 1))
    if not left or not right:
        problems.append((line, "matching pair needs text on both sides of '->'"))
        return None
    return MatchPair(left, right)
