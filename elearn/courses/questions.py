"""The quiz question model shared by both quiz syntaxes (markdown and Moodle GIFT).

Parsers produce :class:`Question` objects whose text fields still hold the author's
source text (``text_format`` says how to read it); the importer renders them to
sanitised HTML once and stores the result as JSON on the unit. Grading (learning
domain) reads the same structure, so a field added here is a field both syntaxes and
the grader agree on.

Weights are percentages as in Moodle: ``100`` is a fully correct answer, ``50`` half
credit, negative values a penalty. ``None`` means "the default for the question type"
(100 for a correct answer, 0 for a wrong one).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Question types the platform can grade. Anything else is a validation error.
SINGLE = "single"  # one correct choice (radio buttons)
MULTIPLE = "multiple"  # several correct choices, partial credit (checkboxes)
TRUE_FALSE = "truefalse"
SHORT = "short"  # free text compared with the accepted answers, case-insensitive
NUMERIC = "numeric"  # a number within a tolerance or a range
MATCHING = "matching"  # pair each left item with one right item

QUESTION_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC, MATCHING)


@dataclass
class Choice:
    """An answer option (single/multiple choice) or an accepted answer (short)."""

    text: str
    correct: bool
    weight: float | None = None
    feedback: str | None = None


@dataclass
class NumericAnswer:
    """An accepted number: ``value`` ± ``tolerance``, or the closed range ``min``..``max``."""

    value: float | None = None
    tolerance: float = 0.0
    min: float | None = None
    max: float | None = None
    weight: float | None = None
    feedback: str | None = None

    def accepts(self, number: float) -> bool:
        if self.min is not None and self.max is not None:
            return self.min <= number <= self.max
        return self.value is not None and abs(number - self.value) <= self.tolerance  # one or the other is set


@dataclass
class MatchPair:
    left: str
    right: str


@dataclass
class Question:
    type: str
    stem: str
    line: int = 0  # 1-based line of the question in its file, for error messages
    text_format: str = "markdown"  # markdown | html | plain | moodle (GIFT's formats)
    title: str | None = None
    id: str | None = None
    tags: list[str] = field(default_factory=list)
    category: str | None = None  # GIFT $CATEGORY in force; kept for reference only
    choices: list[Choice] = field(default_factory=list)  # single, multiple, short
    answer: bool | None = None  # truefalse: the correct value
    true_feedback: str | None = None  # truefalse: feedback when the learner answers true
    false_feedback: str | None = None
    numeric: list[NumericAnswer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    feedback: str | None = None  # general feedback, shown after submission whatever the answer

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        data = dict(data)
        data["choices"] = [Choice(**c) for c in data.get("choices", [])]
        data["numeric"] = [NumericAnswer(**n) for n in data.get("numeric", [])]
        data["pairs"] = [MatchPair(**p) for p in data.get("pairs", [])]
        return cls(**data)


class QuizSyntaxError(Exception):
    """Raised with every problem found in one quiz body; ``problems`` is [(line, message)]."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {msg}" for line, msg in problems))
