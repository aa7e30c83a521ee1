"""Tests for the GIFT parser (``elearn.courses.gift``).

The golden-file suite runs every ``.gift`` file of the corpus vendored in
``tests/courses/gift_corpus`` (from fuhrmanator/GIFT-grammar-PEG.js, MIT; see its README)
against the JSON parse stored beside it; a missing corpus fails, it is never skipped.
Files whose JSON holds only question types we support must parse to equivalent
questions; files with essay or description entries must be rejected, with one error on
the right line for each unsupported question. The focused tests below pin down line
numbers, error collection, escapes, embedded answers and our mapping choices.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from elearn.courses.gift import parse_gift
from elearn.courses.questions import (
    Choice,
    MatchPair,
    NumericAnswer,
    Question,
    QuizSyntaxError,
)

CORPUS = Path(__file__).resolve().parent / "gift_corpus"
GIFT_FILES = sorted(CORPUS.glob("*.gift"))
CORPUS_SIZE = 51
# An empty parameter list would make pytest skip test_corpus_file; this placeholder fails it instead.
MISSING_CORPUS = pytest.param(None, id="corpus-missing")

SUPPORTED_JSON_TYPES = {"MC", "TF", "Short", "Numerical", "Matching", "Category"}
# Unsupported JSON type -> the word our error message must contain.
UNSUPPORTED_JSON_TYPES = {"Essay": "essay", "Description": "description"}

# How the parser represents Moodle's numerical "any other answer" ('*'): every finite number.
ANY_MIN, ANY_MAX = -sys.float_info.max, sys.float_info.max


# --------------------------------------------------------------------------- adapter


def _text(value: dict | None) -> str | None:
    """A PEG.js rich text ({"format", "text"}) as our plain string; blank means absent."""
    if value is None or not value["text"].strip():
        return None
    return value["text"]


def _choice(peg: dict) -> Choice:
    # PEG.js's isCorrect only records the '=' marker; our `correct` means "earns credit",
    # i.e. the written weight if there is one, else 100 for '=' and 0 for '~' (Moodle's rule).
    weight = peg["weight"]
    correct = weight > 0 if weight is not None else peg["isCorrect"]
    return Choice(_text(peg["text"]), correct, weight, _text(peg["feedback"]))


def _explicit_weights(choices: list[Choice], equals: list[bool]) -> None:
    # Our contract (docs/authoring.md, shared with markdown quizzes): a multiple-choice
    # question has explicit weights; an unweighted '=' answer gets an equal share of what the
    # weighted right answers leave of 100%, an unweighted '~' answer 0.
    given = sum(c.weight for c in choices if c.weight is not None and c.weight > 0)
    unweighted = sum(c.weight is None and eq for c, eq in zip(choices, equals, strict=True))
    for choice, eq in zip(choices, equals, strict=True):
        if choice.weight is None:
            choice.weight = (100 - given) / unweighted if eq else 0.0


def _numeric(peg: dict, weight=None, feedback=None) -> NumericAnswer:
    kind = peg.get("type")
    if kind == "simple":
        return NumericAnswer(value=peg["number"], weight=weight, feedback=feedback)
    if kind == "range":  # PEG.js's "range" is the tolerance around the number
        return NumericAnswer(value=peg["number"], tolerance=peg["range"], weight=weight, feedback=feedback)
    if kind == "high-low":
        return NumericAnswer(min=peg["numberLow"], max=peg["numberHigh"], weight=weight, feedback=feedback)
    raise AssertionError(f"unexpected numerical answer {peg!r}")


def _numeric_answers(choices: dict | list) -> list[NumericAnswer]:
    if isinstance(choices, dict):  # a single answer: {#1822:5}
        return [_numeric(choices)]
    answers = []
    for peg in choices:
        feedback = _text(peg["feedback"])
        if not peg["isCorrect"]:
            # '~#feedback': Moodle's '*' answer, feedback for any other number, worth 0.
            assert peg["text"].get("text") == "*" and peg["weight"] is None, peg
            answers.append(NumericAnswer(min=ANY_MIN, max=ANY_MAX, weight=0, feedback=feedback))
        else:
            answers.append(_numeric(peg["text"], peg["weight"], feedback))
    return answers


def expected_from_json(entries: list[dict]) -> list[dict]:
    """Convert a PEG.js expected parse into our ``Question.to_dict()`` shape (without ``line``).

    Category entries become ``category`` on the questions that follow them. Only supported
    types are accepted. Mapping notes:

    * MC is ``single`` when exactly one choice has the '=' marker (PEG.js's isCorrect),
      otherwise ``multiple``, whose weights are made explicit (see ``_explicit_weights``).
    * TF: PEG.js names the two feedbacks by position (trueFeedback = the first '#',
      falseFeedback = the second). In Moodle the first is the feedback for a *wrong* answer and
      the second for a *right* one, so for a TRUE question the first belongs to the learner
      answering false. Our fields are by the learner's answer, hence the swap for TRUE.
    * Per-answer format markers are not compared: our model has one format per question.
    """
    questions: list[dict] = []
    category = None
    for entry in entries:
        kind = entry["type"]
        if kind == "Category":
            category = entry["title"]
            continue
        question = Question(
            type="",
            stem=entry["stem"]["text"],
            text_format=entry["stem"]["format"],
            title=entry["title"],
            id=entry.get("id"),
            tags=list(entry.get("tags") or []),
            category=category,
            feedback=_text(entry.get("globalFeedback")),
        )
        if kind == "MC":
            question.choices = [_choice(c) for c in entry["choices"]]
            single = sum(c["isCorrect"] for c in entry["choices"]) == 1
            question.type = "single" if single else "multiple"
            if not single:
                _explicit_weights(question.choices, [c["isCorrect"] for c in entry["choices"]])
        elif kind == "Short":
            question.type = "short"
            question.choices = [_choice(c) for c in entry["choices"]]
        elif kind == "TF":
            question.type = "truefalse"
            question.answer = entry["isTrue"]
            first, second = _text(entry["trueFeedback"]), _text(entry["falseFeedback"])
            if entry["isTrue"]:
                question.true_feedback, question.false_feedback = second, first
            else:
                question.true_feedback, question.false_feedback = first, second
        elif kind == "Numerical":
            question.type = "numeric"
            question.numeric = _numeric_answers(entry["choices"])
        elif kind == "Matching":
            question.type = "matching"
            question.pairs = [MatchPair(p["subquestion"]["text"], p["subanswer"]) for p in entry["matchPairs"]]
        else:
            raise ValueError(f"unsupported expected type {kind!r}")
        questions.append(_without_line(question.to_dict()))
    return questions


def _without_line(data: dict) -> dict:
    data = dict(data)
    del data["line"]
    return data


def _collapse(value):
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value)
    if isinstance(value, list):
        return [_collapse(v) for v in value]
    if isinstance(value, dict):
        return {k: _collapse(v) for k, v in value.items()}
    return value


def comparable(question: dict) -> dict:
    """The same normalisation for both sides of a golden comparison.

    PEG.js replaces line breaks and runs of whitespace with one space in texts that are not
    html or markdown; our parser keeps the author's text as written (line breaks can matter
    when a ``moodle`` text is rendered). So, and only for questions in moodle/plain format,
    whitespace runs are collapsed on both sides. html and markdown texts compare exactly.
    """
    if question["text_format"] in ("html", "markdown"):
        return question
    return _collapse(question)


# --------------------------------------------------------------------------- locating lines


def _unescape(line: str) -> str:
    return re.sub(r"\\(.)", r"\1", line)


def locate_question_lines(entries: list[dict], text: str) -> list[int]:
    """File line of each non-category entry, found by searching the file for its title or
    the start of its text, each search starting after the previous question's line."""
    lines = text.splitlines()
    found: list[int] = []
    start = 0
    for entry in entries:
        if entry["type"] == "Category":
            continue
        if entry["title"]:
            needle = entry["title"]
        else:
            fragment = next(part for part in entry["stem"]["text"].split("_____") if part.strip())
            needle = fragment.strip().splitlines()[0][:20].strip()
        for index in range(start, len(lines)):
            if not lines[index].lstrip().startswith("//") and needle in _unescape(lines[index]):
                found.append(index + 1)
                start = index + 1
                break
        else:
            raise AssertionError(f"cannot find {needle!r} in the file after line {start}")
    return found


# --------------------------------------------------------------------------- golden files


def test_corpus_has_all_files():
    assert len(GIFT_FILES) == CORPUS_SIZE, f"expected {CORPUS_SIZE} .gift files in {CORPUS}"
    for path in GIFT_FILES:
        assert path.with_suffix(".json").is_file(), f"{path.name} has no expected JSON"
    for name in ("LICENSE", "README.md"):  # the MIT licence must travel with the files
        assert (CORPUS / name).is_file(), f"{CORPUS / name} is missing"


@pytest.mark.parametrize("gift_path", [pytest.param(path, id=path.name) for path in GIFT_FILES] or [MISSING_CORPUS])
def test_corpus_file(gift_path: Path | None):
    assert gift_path is not None, f"no .gift files in {CORPUS}"
    text = gift_path.read_text(encoding="utf-8")
    entries = json.loads(gift_path.with_suffix(".json").read_text(encoding="utf-8"))
    types = {entry["type"] for entry in entries}
    assert types <= SUPPORTED_JSON_TYPES | set(UNSUPPORTED_JSON_TYPES), f"unknown types {types}"
    lines = locate_question_lines(entries, text)

    if types & set(UNSUPPORTED_JSON_TYPES):
        # The whole file is rejected: one error per unsupported question, on its line, and
        # no other error (so the supported questions in it did parse, but are not accepted).
        with pytest.raises(QuizSyntaxError) as excinfo:
            parse_gift(text)
        question_entries = [entry for entry in entries if entry["type"] != "Category"]
        expected = [
            (line, UNSUPPORTED_JSON_TYPES[entry["type"]])
            for line, entry in zip(lines, question_entries, strict=True)
            if entry["type"] in UNSUPPORTED_JSON_TYPES
        ]
        got = [
            (line, next((word for word in ("essay", "description") if word in message), message))
            for line, message in excinfo.value.problems
        ]
        assert got == expected
    else:
        questions = parse_gift(text)
        got = [comparable(_without_line(q.to_dict())) for q in questions]
        assert got == [comparable(q) for q in expected_from_json(entries)]
        assert [q.line for q in questions] == lines


# --------------------------------------------------------------------------- focused tests


def problems_of(text: str, **kwargs) -> list[tuple[int, str]]:
    with pytest.raises(QuizSyntaxError) as excinfo:
        parse_gift(text, **kwargs)
    return excinfo.value.problems


def only(text: str, **kwargs) -> Question:
    questions = parse_gift(text, **kwargs)
    assert len(questions) == 1
    return questions[0]


def test_lines_count_from_first_line():
    text = "// comment\nFirst?{T}\n\n::Second::\nMulti-line\nquestion {=a ~b}\n"
    questions = parse_gift(text, first_line=7)
    assert [q.line for q in questions] == [8, 10]


def test_error_lines_count_from_first_line():
    text = "Good?{T}\n\nWrite an essay.{}\n\nJust some text.\n\nOpen {=a ~b\n"
    problems = problems_of(text, first_line=5)
    assert [line for line, _ in problems] == [7, 9, 11]
    assert "essay" in problems[0][1]
    assert "description" in problems[1][1]
    assert "never closed" in problems[2][1]


def test_all_problems_are_reported_in_line_order():
    text = "\n".join(
        [
            "Q1 essay {}",  # 1
            "",
            "Q2 no right answer {~a ~b}",  # 3
            "",
            "Q3 {#",  # 5
            "  =12,5",  # 6
            "  =%50%abc}",  # 7
            "",
            "Q4 {=one -> 1}",  # 9
            "",
            "Q5 {~%150%a =b}",  # 11
            "",
            "Q6 {=a ~b} extra {T}",  # 13
            "",
            "::Q7 has no closing colons {T}",  # 15
            "",
            "Q8 {",  # 17
            "  =a -> 1",  # 18
            "  =b",  # 19
            "}",
            "",
            "Q9 {#3..1}",  # 22
            "",
            "Q10 {~a ~b",  # 24
            "",
            "Q11 {=a#one#two ~b}",  # 26
            "",
            "Q12 {T#a#b#c}",  # 28
            "",
            "Q13 {=%33,3%a ~b}",  # 30
            "",
            "Q14 } {T}",  # 32
            "",
            "Q15 {~a {=b}}",  # 34
            "",
            "Q16 {#5 ~5#nope}",  # 36
            "",
            "Q17 {x =a ~b}",  # 38
        ]
    )
    lines = [line for line, _ in problems_of(text)]
    assert lines == [1, 3, 6, 7, 9, 11, 13, 15, 19, 22, 24, 26, 28, 30, 32, 34, 36, 38]


def test_blank_line_inside_an_answer_block():
    # A blank line ends a question (as in Moodle), so the block is reported as unclosed;
    # the orphaned rest is reported too rather than silently dropped.
    problems = problems_of("Q {\n  =a\n\n  ~b\n}\n\nNext {T}")
    assert [line for line, _ in problems] == [1, 5]
    assert "never closed" in problems[0][1] and "blank line" in problems[0][1]
    assert "'}' without an opening '{'" in problems[1][1]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Q {~a ~b}", 1, "no right answer"),
        ("Q {=a}\n\nR {~%0%a ~b}", 3, "no right answer"),
        ("Q {#abc}", 1, "'abc' is not a number"),
        ("Q {#1,5}", 1, "use a dot as decimal separator"),
        ("Q {#=%0%5}", 1, "no accepted number gives credit"),
        ("Q {#}", 1, "needs a number"),
        ("Q {#1:-1}", 1, "tolerance in 1:-1 is negative"),
        ("Q {\n=a -> 1\n}", 1, "at least two pairs"),
        ("Q {\n=a -> 1\n= -> 2\n}", 1, "at least two pairs"),
        ("Q {\n=a -> 1\n=b ->\n}", 3, "nothing after '->'"),
        ("Q {\n=a -> 1#fb\n=b -> 2\n}", 2, "cannot have feedback"),
        ("Q {\n=a -> 1\n=%50%b -> 2\n}", 3, "cannot have a %weight%"),
        # a typo in a weight (letter O) is an error, never an answer text nobody can type (#27)
        ("Q {\n=%5O%total cost\n~nothing\n}", 2, "the weight %5O% is not a number: write a percentage between"),
        ("Q {=%5O%total cost =total}", 1, "the weight %5O% is not a number"),
        ("Q {#=%half%1822 =1822}", 1, "the weight %half% is not a number"),
        ("Q {~%50 %a ~%%b =c}", 1, "the weight %% is not a number"),
        ("Q {~%100%only}", 1, "at least two answers"),
        ("Q {=a ~}", 1, "empty answer after '~'"),
        ("Q {=%0%a}", 1, "no accepted answer gives credit"),
        ("{T}", 1, "no text before its answer block"),
        ("Q {#1 ~#a ~#b}", 1, "only one '~#feedback'"),
        ("// [id:1]\n\nQ {T}", 1, "not part of any question"),
        ("// [id:1] [id:2]\nQ {T}", 1, "only one id"),
        ("// [id:1]\nQ {T}\n\n// [id:1]\nR {F}", 4, "already used by the question on line 2"),
        ("$CATEGORY:\n\nQ {T}", 1, "no category name"),
        ("Q {T} {F}", 1, "only one answer block"),
        ("Q \ufdd0 {T}", 1, "noncharacter"),
    ],
)
def test_syntax_errors(text, line, message):
    problems = problems_of(text)
    assert len(problems) == 1, problems
    assert problems[0][0] == line
    assert message in problems[0][1]


def test_unsupported_questions_reject_the_whole_file():
    text = "Good?{T}\n\nAn essay {}\n\nAlso good?{=yes ~no}\n"
    assert problems_of(text) == [
        (3, "essay questions are not supported: learners' free-text answers cannot be graded automatically")
    ]


def test_escapes():
    text = (
        "::A\\:B::Escapes \\~ \\= \\# \\{ \\} \\: \\\\ and a\\nnew line, \\\\n is not one.{\n"
        "  =\\=5 \\# \\{x\\}#right \\~ \\#1\n"
        "  ~a \\\\ b#C:\\\\dir\n"
        "}"
    )
    question = only(text)
    assert question.title == "A:B"
    assert question.stem == "Escapes ~ = # { } : \\ and a\nnew line, \\n is not one."
    assert question.choices == [
        Choice("=5 # {x}", True, None, "right ~ #1"),
        Choice("a \\ b", False, None, "C:\\dir"),
    ]


def test_unknown_escapes_keep_their_backslash():
    assert only("Path C:\\temp\\ and \\d? {T}").stem == "Path C:\\temp\\ and \\d?"


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ("Grant is {~buried =entombed} in Grant's tomb.", "Grant is _____ in Grant's tomb."),
        ("{=Asia} is the largest continent.", "_____ is the largest continent."),
        ("Jesus was from {=Nazareth}.", "Jesus was from _____ ."),
        ("Pi is {#3.14:0.01}, roughly.", "Pi is _____ , roughly."),
        ("The {\n  ~second\n  =fourth\n} Thursday.", "The _____ Thursday."),
        ("No blank here {=a ~b}  \n", "No blank here"),
        ("Comment after the block {T} // not part of the stem", "Comment after the block"),
        ("::T:: [html]<b>Bold</b> {=a ~b} <i>after</i>", "<b>Bold</b> _____ <i>after</i>"),
    ],
)
def test_embedded_answer_stems(text, stem):
    assert only(text).stem == stem


def test_true_false_feedback_follows_moodle():
    # Moodle: the first feedback is shown for a wrong answer, the second for a right one.
    true_q = only("Sky is blue? {T#No, it is blue.#Yes.}")
    assert (true_q.answer, true_q.true_feedback, true_q.false_feedback) == (True, "Yes.", "No, it is blue.")
    false_q = only("Sky is green? {FALSE#No, it is blue.#Right.}")
    assert (false_q.answer, false_q.true_feedback, false_q.false_feedback) == (False, "No, it is blue.", "Right.")
    assert only("Lower case is a short answer {true}").type == "short"


def test_single_and_multiple_choice():
    assert only("Q {=a ~b ~c}").type == "single"
    partial = only("Q {=a ~%50%b ~c}")
    assert partial.type == "single"
    assert [c.correct for c in partial.choices] == [True, True, False]
    weighted = only("Q {~%50%a ~%50%b ~%-100%c ~d}")
    assert weighted.type == "multiple"
    assert [(c.correct, c.weight) for c in weighted.choices] == [(True, 50), (True, 50), (False, -100), (False, 0)]
    # Several '=' answers: a multiple-choice question; unweighted right answers share 100%.
    several = only("Q {=a =b =%50%c ~d}")
    assert several.type == "multiple"
    assert [(c.correct, c.weight) for c in several.choices] == [(True, 25), (True, 25), (True, 50), (False, 0)]
    problems = problems_of("Q {=a =b ~%100%c}")
    assert problems == [
        (1, "the weighted right answers already add up to 100%, leaving nothing for the '=' answers without a weight")
    ]


def test_short_answers_and_weights():
    question = only("Best animal? {\n=Frog#Good!\n=%50%Cat\n=%0%*#Completely wrong\n####General.\n}")
    assert question.type == "short"
    assert question.choices == [
        Choice("Frog", True, None, "Good!"),
        Choice("Cat", True, 50, None),
        Choice("*", False, 0, "Completely wrong"),
    ]
    assert question.feedback == "General."
    assert only("Word for 1? {One#Yes}").choices == [Choice("One", True, None, "Yes")]


def test_numeric_answers():
    question = only("N? {#\n=1822:0#Exact\n=%50%1820..1824\n=%25%1800\n~#Far off\n}")
    assert question.type == "numeric"
    assert question.numeric == [
        NumericAnswer(1822, 0, None, None, None, "Exact"),
        NumericAnswer(None, 0, 1820, 1824, 50, None),
        NumericAnswer(1800, 0, None, None, 25, None),
        NumericAnswer(None, 0, ANY_MIN, ANY_MAX, 0, "Far off"),
    ]
    assert question.numeric[3].accepts(-1e300) and question.numeric[3].accepts(42)
    assert only("N? {#-1.5e3}").numeric == [NumericAnswer(-1500.0)]
    assert only("N? {#3:2 ~#Wrong}").numeric[1].feedback == "Wrong"


def test_matching_pairs_and_distractors():
    question = only("Match {\n=[html]<b>Forum</b> -> discussions\n=Wiki->pages\n= -> Chat\n}")
    assert question.type == "matching"
    assert question.pairs == [
        MatchPair("<b>Forum</b>", "discussions"),
        MatchPair("Wiki", "pages"),
        MatchPair("", "Chat"),
    ]


def test_formats_metadata_and_categories():
    text = (
        "$CATEGORY: $course$/Unit 1\n"
        "\n"
        "// [id:q1] [tag:easy]\n"
        "// [tag:grant\\]s]\n"
        "::Title::[markdown]Is **this** true?{T}\n"
        "\n"
        "[plain]Plain <b>text</b> {=a ~[html]<i>b</i>#[html]<b>no</b>}\n"
        "\n"
        "$CATEGORY: Unit 2\n"
        "Next {F}\n"
    )
    first, second, third = parse_gift(text)
    assert (first.text_format, first.title, first.id, first.tags) == ("markdown", "Title", "q1", ["easy", "grant]s"])
    assert first.category == "$course$/Unit 1"
    assert second.text_format == "plain" and second.category == "$course$/Unit 1"
    # Per-answer format markers are removed: our model has one format per question.
    assert second.choices[1] == Choice("<i>b</i>", False, None, "<b>no</b>")
    assert (third.category, third.line, third.stem) == ("Unit 2", 10, "Next")


def test_default_format_is_moodle_and_text_keeps_line_breaks():
    question = only("A question\n  on two lines?{\n  =yes#right,\n   really\n  ~no}")
    assert question.text_format == "moodle"
    assert question.stem == "A question\n  on two lines?"
    assert question.choices[0].feedback == "right,\n   really"


def test_windows_line_endings_and_bom():
    questions = parse_gift("\ufeffQ1 {T}\r\n\r\nQ2\r\n{=a ~b}\r\n")
    assert [(q.line, q.stem) for q in questions] == [(1, "Q1"), (3, "Q2")]


def test_empty_document_has_no_questions():
    assert parse_gift("") == []
    assert parse_gift("// only a comment\n\n$CATEGORY: x\n") == []


def test_questions_round_trip_through_json():
    text = "N? {#1..5 ~#no}\n\nM {=a -> 1 =b -> 2}\n\nC {=a ~%50%b#half}\n\nT {T#x#y}"
    for question in parse_gift(text):
        data = json.loads(json.dumps(question.to_dict(), allow_nan=False))
        assert Question.from_dict(data) == question
