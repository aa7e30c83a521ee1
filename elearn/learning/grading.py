"""The quiz grading engine: what a learner sees of a question, how a form is read, how it scores.

Pure functions over the stored question format — a unit's questions are a list of
:meth:`elearn.courses.questions.Question.to_dict` dicts as rendered by
:func:`elearn.courses.loader.render_question` (stem, choice texts, feedbacks and matching
``left`` texts are safe HTML; short-answer texts and matching ``right`` texts are plain
text as the trainer typed them). No database, no Flask.

The three steps of an attempt:

* :func:`present` — the part of a question the browser may see. Choices and matching
  options are shuffled with a generator seeded by the attempt's ``seed`` and the question's
  index, so a reload of the same attempt shows the same order. Never included: which
  answer is right, weights, feedback, accepted answers, numbers.
* :func:`parse_response` — the learner's response from the submitted form fields
  ``q{index}`` (``q{index}-{left}`` for each matching item). Missing or garbled fields
  give an unanswered question, never an exception. Responses are JSON-serialisable, so an
  attempt can store them as they are.
* :func:`grade_question` / :func:`grade_attempt` — the score and what to show after
  submission.

Grading rules
-------------

* **Weights** are percentages of the question's marks, as in Moodle. A missing weight
  (``None``) means the type's default: 100% for a right answer, 0% for a wrong one.
* **Single choice**: the chosen answer's weight, so an answer with partial credit earns
  that credit; a negative weight counts as 0.
* **Multiple choice**: the sum of the ticked answers' weights, kept between 0% and 100%.
  Wrong answers may carry negative weights to penalise guessing (ticking everything), but
  a question never scores below 0. Right answers without a weight share equally what the
  weighted right answers leave of 100% (none weighted: an equal share of 100% each); wrong
  answers without a weight are worth 0%. Ticking nothing leaves the question unanswered.
* **True/false**: full marks when the answer is the right one.
* **Short answer**: the response and the accepted answers are compared without regard to
  case (Unicode case folding), surrounding spaces or repeated inner spaces, after Unicode
  NFC normalisation (so a letter typed as one character or as letter + accent is the
  same). A ``*`` in an accepted answer matches any run of characters, including none
  (Moodle's wildcard: ``reus*`` accepts "reuse" and "reusing"; ``*`` alone accepts
  anything, which with a 0% weight gives feedback to every other answer); ``\\*`` is a
  literal asterisk. Of the accepted answers that match, the one with the best weight counts.
* **Numeric**: the response may use a dot or a comma as decimal separator (``3.14`` or
  ``3,14``), with spaces around it; a typographic minus (−) is read as ``-``. An accepted
  answer is either a range ``min..max`` (both ends included) or a value with a tolerance
  (``|response − value| ≤ tolerance``; as Moodle does, a rounding allowance of one part in
  10¹² keeps ``3.15`` inside ``3.14 ± 0.01``). Of the accepted answers that contain the
  number, the one with the best weight counts. A 0% answer (such as GIFT's ``~#feedback``
  for "any other number") contributes its feedback but no credit. Text that is not a
  number scores 0 (incorrect), as in Moodle.
* **Matching**: each correctly matched item earns an equal share of the marks. Pairs with
  an empty left side (GIFT distractors) only add an option to choose from.
* A question's **score** is a fraction from 0 to 1; its **status** is ``correct`` (1),
  ``partial`` (between 0 and 1), ``incorrect`` (0) or ``unanswered`` (nothing usable was
  submitted; scores 0).
* **Feedback** shown after submission, in this order: the feedback of each chosen answer
  (single/multiple, in the author's order), the true/false feedback for the answer given,
  the feedback of the short or numeric answer that counted, then the question's general
  feedback (always, answered or not).
* An **attempt's** percentage is the mean of its questions' scores: every question weighs
  the same. It is rounded to two decimals.

Question types are handled by the objects in :data:`QUESTION_HANDLERS` (type name →
:class:`QuestionHandler`); a new type is a new handler class and an entry there.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

from elearn.courses.questions import MATCHING, MULTIPLE, NUMERIC, SHORT, SINGLE, TRUE_FALSE

__all__ = [
    "CORRECT",
    "INCORRECT",
    "PARTIAL",
    "QUESTION_HANDLERS",
    "UNANSWERED",
    "AttemptResult",
    "QuestionHandler",
    "QuestionResult",
    "field_name",
    "grade_attempt",
    "grade_question",
    "parse_number",
    "parse_response",
    "parse_responses",
    "present",
]

CORRECT, PARTIAL, INCORRECT, UNANSWERED = "correct", "partial", "incorrect", "unanswered"

# Allowance for binary floating point in "value ± tolerance" (relative to the numbers compared).
_ROUNDING_ALLOWANCE = 1e-12
# Learners' input longer than this is not an answer anybody typed; it is cut before comparing.
_MAX_TEXT = 1000


@dataclass
class QuestionResult:
    """How one question scored and what to show the learner after submission.

    ``feedback`` holds safe HTML fragments. ``right_answer`` is a safe HTML fragment: one
    item, or a ``<ul>`` when there are several (right choices, accepted answers, pairs);
    for true/false it is the English word ``true`` or ``false``, which templates translate
    as they do for the buttons.
    """

    score: float
    status: str
    feedback: list[str] = field(default_factory=list)
    right_answer: str = ""


@dataclass
class AttemptResult:
    """A whole attempt: ``percent`` from 0 to 100 (2 decimals) and one result per question."""

    percent: float
    results: list[QuestionResult] = field(default_factory=list)


@dataclass
class _Score:
    """What a handler reports for an answered question: a percentage and answer feedback."""

    percent: float
    feedback: list[str | None] = field(default_factory=list)


# -- public API -------------------------------------------------------------------------


def field_name(index: int) -> str:
    """The form field of question ``index`` (matching items add ``-{left_index}``)."""
    return f"q{index}"


def present(question: dict, index: int, seed: int) -> dict:
    """What the browser may see of ``question`` (the ``index``-th of its quiz) in attempt ``seed``.

    Always: ``index``, ``field`` (the form field name), ``type``, ``title`` (plain text) and
    ``stem`` (HTML). Single/multiple add ``choices`` ``[{"key", "text"}]`` in shuffled order
    (``key`` is the value to submit); matching adds ``left`` ``[{"key", "field", "text"}]`` in
    the author's order and ``right``, the shuffled distinct plain-text options.
    """
    handler = _handler(question)
    shown = {
        "index": index,
        "field": field_name(index),
        "type": question["type"],
        "title": question.get("title"),
        "stem": question.get("stem") or "",
    }
    shown.update(handler.present(question, index, random.Random(f"{seed}:{index}")))  # noqa: S311 - a shuffle learners may see, no secret
    return shown


def parse_response(question: dict, index: int, form: Mapping[str, Any]) -> Any:
    """The response to question ``index`` read from ``form`` (``None``: unanswered).

    ``form`` is a werkzeug ``MultiDict`` (``request.form``) or a plain dict whose values are
    strings or lists of strings. Response shapes: single → choice key (``int``); multiple →
    sorted list of keys; truefalse → ``bool``; short and numeric → the trimmed text;
    matching → a list, per pair, of the chosen right text or ``None``.
    """
    return _handler(question).parse(question, index, form)


def parse_responses(questions: list[dict], form: Mapping[str, Any]) -> list[Any]:
    """:func:`parse_response` for every question of a quiz, in order."""
    return [parse_response(question, index, form) for index, question in enumerate(questions)]


def grade_question(question: dict, response: Any) -> QuestionResult:
    """Score one response (as made by :func:`parse_response`; anything unusable is unanswered)."""
    handler = _handler(question)
    scored = handler.grade(question, response)
    general = question.get("feedback")
    right = handler.right_answer(question)
    if scored is None:
        return QuestionResult(0.0, UNANSWERED, _texts([general]), right)
    score = _fraction(scored.percent)
    status = CORRECT if score >= 1 else PARTIAL if score > 0 else INCORRECT
    return QuestionResult(score, status, _texts([*scored.feedback, general]), right)


def grade_attempt(questions: list[dict], responses: list) -> AttemptResult:
    """Grade a whole attempt; a missing response is unanswered, extra responses are ignored."""
    responses = list(responses or [])
    results = [
        grade_question(question, responses[i] if i < len(responses) else None) for i, question in enumerate(questions)
    ]
    if not results:
        return AttemptResult(0.0, [])
    return AttemptResult(round(100 * sum(r.score for r in results) / len(results), 2), results)


def parse_number(text: Any) -> float | None:
    """A learner's number: ``3.14``, ``3,14``, `` -2 ``, ``−2``, ``1e3``; ``None`` if not one."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str) or len(text) > 100:
        return None
    cleaned = text.strip().replace("\u2212", "-")
    if not _NUMBER_RE.fullmatch(cleaned):
        return None
    number = float(cleaned.replace(",", "."))
    return number if math.isfinite(number) else None


_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?", re.ASCII)


# -- handlers ---------------------------------------------------------------------------


class QuestionHandler:
    """How one question type is presented, read from a form, graded and explained.

    Subclasses override the four methods; register an instance in :data:`QUESTION_HANDLERS`.
    """

    def present(self, question: dict, index: int, rng: random.Random) -> dict:
        """Extra keys for :func:`present` (never anything that gives the answer away)."""
        return {}

    def parse(self, question: dict, index: int, form: Mapping[str, Any]) -> Any:
        """The response from the form, ``None`` when unanswered or unusable."""
        value = _first(form, field_name(index))
        if value is None or not value.strip():
            return None
        return value.strip()[:_MAX_TEXT]

    def grade(self, question: dict, response: Any) -> _Score | None:
        """The score of ``response`` in percent with its feedback; ``None``: unanswered."""
        raise NotImplementedError

    def right_answer(self, question: dict) -> str:
        """A safe HTML summary of the right answer, shown after submission."""
        raise NotImplementedError


class SingleChoice(QuestionHandler):
    """Radio buttons: the chosen answer's weight."""

    def present(self, question, index, rng):
        choices = [{"key": key, "text": choice["text"]} for key, choice in enumerate(_choices(question))]
        rng.shuffle(choices)
        return {"choices": choices}

    def parse(self, question, index, form):
        keys = _keys(question, _values(form, field_name(index)))
        return keys[0] if keys else None

    def weights(self, question: dict) -> list[float]:
        return [_weight(choice) for choice in _choices(question)]

    def grade(self, question, response):
        choices = _choices(question)
        if not _is_key(response, choices):
            return None
        return _Score(self.weights(question)[response], [choices[response].get("feedback")])

    def right_answer(self, question):
        choices, weights = _choices(question), self.weights(question)
        return _html_list(
            _with_percent(choice["text"], weight) for choice, weight in zip(choices, weights, strict=True) if weight > 0
        )


class MultipleChoice(SingleChoice):
    """Checkboxes: the ticked answers' weights added up, kept between 0% and 100%."""

    def parse(self, question, index, form):
        return _keys(question, _values(form, field_name(index))) or None

    def weights(self, question):
        choices = _choices(question)
        unweighted = sum(1 for c in choices if c.get("weight") is None and c.get("correct"))
        given = sum(c["weight"] for c in choices if c.get("weight") is not None and c["weight"] > 0)
        share = max(100.0 - given, 0.0) / unweighted if unweighted else 0.0
        return [
            float(c["weight"]) if c.get("weight") is not None else (share if c.get("correct") else 0.0) for c in choices
        ]

    def grade(self, question, response):
        choices = _choices(question)
        if not isinstance(response, (list, tuple, set, frozenset)):
            return None
        keys = sorted({key for key in response if _is_key(key, choices)})
        if not keys:
            return None
        weights = self.weights(question)
        return _Score(sum(weights[key] for key in keys), [choices[key].get("feedback") for key in keys])

    def right_answer(self, question):
        choices, weights = _choices(question), self.weights(question)
        return _html_list(choice["text"] for choice, weight in zip(choices, weights, strict=True) if weight > 0)


class TrueFalse(QuestionHandler):
    """Two buttons; the form sends ``true`` or ``false``."""

    def parse(self, question, index, form):
        value = _first(form, field_name(index))
        return {"true": True, "false": False}.get(value.strip().lower()) if value is not None else None

    def grade(self, question, response):
        if not isinstance(response, bool):
            return None
        feedback = question.get("true_feedback") if response else question.get("false_feedback")
        return _Score(100.0 if response == question.get("answer") else 0.0, [feedback])

    def right_answer(self, question):
        return "true" if question.get("answer") else "false"


class ShortAnswer(QuestionHandler):
    """Free text compared with the accepted answers (case-insensitive, ``*`` wildcard)."""

    def grade(self, question, response):
        if not isinstance(response, str) or not response.strip():
            return None
        typed = _normalise(response[:_MAX_TEXT])
        best = _best(
            (choice, _weight(choice))
            for choice in _choices(question)
            if _wildcard_match(_wildcard_parts(choice.get("text") or ""), typed)
        )
        if best is None:
            return _Score(0.0)
        choice, weight = best
        return _Score(weight, [choice.get("feedback")])

    def right_answer(self, question):
        return _html_list(
            _with_percent(escape(choice.get("text") or "").replace("\\*", "*"), weight)
            for choice in _choices(question)
            if (weight := _weight(choice)) > 0
        )


class Numeric(QuestionHandler):
    """A number within a tolerance or a range; a dot or a comma as decimal separator."""

    def grade(self, question, response):
        if isinstance(response, str):
            if not response.strip():
                return None
        elif isinstance(response, bool) or not isinstance(response, (int, float)):
            return None  # nothing, or not something a form could have sent
        number = parse_number(response)
        if number is None:
            return _Score(0.0)  # text that is not a number: answered, wrong (as in Moodle)
        best = _best(
            (answer, _weight(answer, default_correct=True))
            for answer in question.get("numeric") or []
            if _accepts(answer, number)
        )
        if best is None:
            return _Score(0.0)
        answer, weight = best
        return _Score(weight, [answer.get("feedback")])

    def right_answer(self, question):
        items = []
        for answer in question.get("numeric") or []:
            weight = _weight(answer, default_correct=True)
            if weight <= 0:
                continue
            if answer.get("min") is not None and answer.get("max") is not None:
                text = f"{_number(answer['min'])} – {_number(answer['max'])}"
            elif answer.get("tolerance"):
                text = f"{_number(answer['value'])} ± {_number(answer['tolerance'])}"
            else:
                text = _number(answer.get("value"))
            items.append(_with_percent(text, weight))
        return _html_list(items)


class Matching(QuestionHandler):
    """Each left item paired with one right option; an equal share per correct pair."""

    def present(self, question, index, rng):
        right = list(dict.fromkeys(pair["right"] for pair in _pairs(question)))
        rng.shuffle(right)
        left = [
            {"key": key, "field": f"{field_name(index)}-{key}", "text": pair["left"]}
            for key, pair in enumerate(_pairs(question))
            if _is_item(pair)
        ]
        return {"left": left, "right": right}

    def parse(self, question, index, form):
        options = {pair["right"] for pair in _pairs(question)}
        chosen = []
        for key, pair in enumerate(_pairs(question)):
            value = _first(form, f"{field_name(index)}-{key}") if _is_item(pair) else None
            if value is not None:
                value = value.replace("\r\n", "\n")
            chosen.append(value if value in options else None)
        return chosen if any(value is not None for value in chosen) else None

    def grade(self, question, response):
        pairs = _pairs(question)
        if not isinstance(response, (list, tuple)) or not any(isinstance(v, str) for v in response):
            return None
        items = [key for key, pair in enumerate(pairs) if _is_item(pair)]
        if not items:
            return None
        right = sum(1 for key in items if key < len(response) and response[key] == pairs[key]["right"])
        return _Score(100.0 * right / len(items))

    def right_answer(self, question):
        return _html_list(f"{pair['left']} → {escape(pair['right'])}" for pair in _pairs(question) if _is_item(pair))


#: Question type → handler. Adding a question type is adding a handler here.
QUESTION_HANDLERS: dict[str, QuestionHandler] = {
    SINGLE: SingleChoice(),
    MULTIPLE: MultipleChoice(),
    TRUE_FALSE: TrueFalse(),
    SHORT: ShortAnswer(),
    NUMERIC: Numeric(),
    MATCHING: Matching(),
}


# -- helpers ----------------------------------------------------------------------------


def _handler(question: dict) -> QuestionHandler:
    try:
        return QUESTION_HANDLERS[question["type"]]
    except (KeyError, TypeError):
        raise ValueError(f"no grader for question type {question.get('type')!r}") from None


def _values(form: Any, name: str) -> list[str]:
    """All string values of field ``name`` in a MultiDict or a dict of strings/lists."""
    if form is None:
        return []
    getlist = getattr(form, "getlist", None)
    if callable(getlist):
        raw = getlist(name)
    else:
        try:
            raw = form.get(name)
        except AttributeError:
            return []
        if raw is None:
            raw = []
        elif not isinstance(raw, (list, tuple)):
            raw = [raw]
    return [value for value in raw if isinstance(value, str)]


def _first(form: Any, name: str) -> str | None:
    values = _values(form, name)
    return values[0] if values else None


def _choices(question: dict) -> list[dict]:
    return question.get("choices") or []


def _pairs(question: dict) -> list[dict]:
    return question.get("pairs") or []


def _is_item(pair: dict) -> bool:
    """A real matching item (GIFT distractors have an empty left side)."""
    return bool((pair.get("left") or "").strip())


def _is_key(key: Any, choices: list) -> bool:
    return isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(choices)


def _keys(question: dict, values: list[str]) -> list[int]:
    """Valid, distinct choice keys from form values, in ascending order."""
    count = len(_choices(question))
    keys = {int(v) for v in (value.strip() for value in values) if re.fullmatch(r"[0-9]{1,6}", v, re.ASCII)}
    return sorted(key for key in keys if key < count)


def _weight(answer: dict, default_correct: bool | None = None) -> float:
    """An answer's weight in percent; ``None`` is 100 for a right answer and 0 otherwise.

    Numeric answers have no ``correct`` flag: ``default_correct`` stands in for it.
    """
    weight = answer.get("weight")
    if weight is not None:
        return float(weight)
    correct = answer.get("correct", default_correct)
    return 100.0 if correct else 0.0


def _fraction(percent: float) -> float:
    """A percentage as a score from 0 to 1, clamped, without float noise (33.3…×3 is 100)."""
    return min(max(round(percent, 7), 0.0), 100.0) / 100


def _best(candidates) -> tuple[dict, float] | None:
    """The candidate with the highest weight; the first one among equals."""
    best = None
    for answer, weight in candidates:
        if best is None or weight > best[1]:
            best = (answer, weight)
    return best


def _texts(items) -> list[str]:
    return [item for item in items if item]


def _normalise(text: str) -> str:
    """Short-answer comparison form: NFC, trimmed, single inner spaces, case-folded."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return unicodedata.normalize("NFC", text.casefold())


def _wildcard_parts(accepted: str) -> list[str]:
    """An accepted answer, normalised and split at its unescaped ``*`` wildcards."""
    parts, current, text, i = [], [], _normalise(accepted), 0
    while i < len(text):
        if text.startswith("\\*", i):
            current.append("*")
            i += 2
            continue
        if text[i] == "*":
            parts.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def _wildcard_match(parts: list[str], text: str) -> bool:
    """Whether ``text`` is ``parts`` joined by runs of any characters (no regex backtracking)."""
    if len(parts) == 1:
        return text == parts[0]
    first, *middle, last = parts
    if len(first) + len(last) > len(text) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for part in middle:
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _accepts(answer: dict, number: float) -> bool:
    """``NumericAnswer.accepts`` on the stored dict, with a rounding allowance for tolerances."""
    low, high = answer.get("min"), answer.get("max")
    if low is not None and high is not None:
        return low <= number <= high
    value = answer.get("value")
    if value is None:
        return False
    tolerance = abs(answer.get("tolerance") or 0.0)
    allowance = _ROUNDING_ALLOWANCE * max(abs(value), tolerance)
    return abs(number - value) <= tolerance + allowance


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _with_percent(text: str, weight: float) -> str:
    """An answer for the right-answer summary; partial credit is shown as ``(50%)``."""
    return str(text) if weight >= 100 else f"{text} ({weight:g}%)"


def _html_list(items) -> str:
    """One item as it is, several as a ``<ul>``, none as an empty string."""
    items = [str(item) for item in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
