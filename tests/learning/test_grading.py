"""Tests for the quiz grading engine (``elearn.learning.grading``).

Unit tests build stored questions from the model (``Question(...).to_dict()``, texts
already "rendered": plain words are valid HTML) and check every type and rule of the
module docstring. The round-trip tests at the end parse the same quiz written in markdown
and in GIFT, store it with ``render_question`` exactly as the importer does, answer it
through ``present``/``parse_response`` with a real ``MultiDict`` and grade it, so the
stored format, the form protocol and the grader are proved to agree.
"""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from elearn.courses.gift import ANY_NUMBER_MAX, ANY_NUMBER_MIN, parse_gift
from elearn.courses.loader import render_question
from elearn.courses.questions import Choice, MatchPair, NumericAnswer, Question
from elearn.courses.quiz_markdown import parse_quiz_markdown
from elearn.learning.grading import (
    CORRECT,
    INCORRECT,
    PARTIAL,
    QUESTION_HANDLERS,
    UNANSWERED,
    AttemptResult,
    QuestionResult,
    grade_attempt,
    grade_question,
    parse_number,
    parse_response,
    parse_responses,
    present,
)

# -- builders -------------------------------------------------------------------------


def single(*choices: Choice, feedback: str | None = "General.") -> dict:
    return Question("single", "Pick one.", choices=list(choices), feedback=feedback).to_dict()


def multiple(*choices: Choice, feedback: str | None = "General.") -> dict:
    return Question("multiple", "Pick several.", choices=list(choices), feedback=feedback).to_dict()


def truefalse(answer: bool = True) -> dict:
    return Question(
        "truefalse",
        "The sky is blue.",
        answer=answer,
        true_feedback="You said true.",
        false_feedback="You said false.",
        feedback="General.",
    ).to_dict()


def short(*choices: Choice) -> dict:
    return Question("short", "Name it.", choices=list(choices), feedback="General.").to_dict()


def numeric(*answers: NumericAnswer) -> dict:
    return Question("numeric", "How much?", numeric=list(answers), feedback="General.").to_dict()


def matching(*pairs: tuple[str, str]) -> dict:
    return Question(
        "matching",
        "Match them.",
        pairs=[MatchPair(left, right) for left, right in pairs],
        feedback="General.",
    ).to_dict()


def grade(question: dict, form: dict, index: int = 0) -> QuestionResult:
    return grade_question(question, parse_response(question, index, form))


PURPOSE = single(
    Choice("Profit", False, None, "Not quite."),
    Choice("Social goal", True, None, "Yes."),
    Choice("Donations", False, None, None),
)


# -- single choice --------------------------------------------------------------------


def test_single_right_choice_scores_full_marks_with_its_feedback_then_general():
    result = grade(PURPOSE, {"q0": "1"})
    assert result == QuestionResult(1.0, CORRECT, ["Yes.", "General."], "Social goal")


def test_single_wrong_choice_scores_nothing():
    result = grade(PURPOSE, {"q0": "0"})
    assert (result.score, result.status, result.feedback) == (0.0, INCORRECT, ["Not quite.", "General."])


def test_single_partial_credit_choice_earns_its_weight():
    question = single(Choice("Best", True), Choice("Half", True, 50.0), Choice("Wrong", False))
    result = grade(question, {"q0": "1"})
    assert (result.score, result.status) == (0.5, PARTIAL)
    assert result.right_answer == "<ul><li>Best</li><li>Half (50%)</li></ul>"


def test_single_negative_weight_is_clamped_to_zero():
    question = single(Choice("Right", True), Choice("Harmful", False, -100.0))
    assert grade(question, {"q0": "1"}).score == 0.0


# -- multiple choice ------------------------------------------------------------------


FUNDING = multiple(
    Choice("Sales", True, 50.0, "Sales: yes."),
    Choice("Contracts", True, 50.0, "Contracts: yes."),
    Choice("Donations only", False, -100.0, "Donations: no."),
)


def test_multiple_sums_the_ticked_weights():
    assert grade(FUNDING, {"q0": ["0", "1"]}).status == CORRECT
    result = grade(FUNDING, {"q0": ["1"]})
    assert (result.score, result.status) == (0.5, PARTIAL)


def test_multiple_negative_weights_penalise_guessing_but_never_below_zero():
    assert grade(FUNDING, {"q0": ["0", "2"]}).score == 0.0  # 50 - 100 → clamped to 0
    result = grade(FUNDING, {"q0": ["0", "1", "2"]})  # ticking everything earns nothing
    assert (result.score, result.status) == (0.0, INCORRECT)


def test_multiple_total_is_clamped_to_full_marks():
    question = multiple(Choice("A", True, 100.0), Choice("B", True, 100.0))
    assert grade(question, {"q0": ["0", "1"]}).score == 1.0


def test_multiple_without_weights_shares_full_marks_among_right_answers():
    question = multiple(Choice("A", True), Choice("B", True), Choice("C", True), Choice("D", False))
    assert grade(question, {"q0": ["0"]}).score == pytest.approx(1 / 3)
    assert grade(question, {"q0": ["0", "1", "2"]}).status == CORRECT  # 3 × 33.3…% is exactly 100%
    assert grade(question, {"q0": ["0", "3"]}).score == pytest.approx(1 / 3)  # unweighted wrong: 0%
    assert grade(question, {"q0": ["0", "1", "2"]}).right_answer == "<ul><li>A</li><li>B</li><li>C</li></ul>"


def test_multiple_unweighted_right_answers_share_what_weighted_ones_leave():
    question = multiple(Choice("A", True, 50.0), Choice("B", True), Choice("C", True))
    assert grade(question, {"q0": ["1"]}).score == 0.25


def test_multiple_feedback_follows_author_order_and_ignores_repeats():
    result = grade(FUNDING, {"q0": ["2", "0", "0", "7"]})
    assert result.feedback == ["Sales: yes.", "Donations: no.", "General."]


def test_multiple_accepts_a_werkzeug_multidict():
    form = MultiDict([("q0", "0"), ("q0", "1")])
    assert parse_response(FUNDING, 0, form) == [0, 1]
    assert parse_response(FUNDING, 0, {"q0": ["1", "0"]}) == [0, 1]


# -- true/false -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "typed", "score", "feedback"),
    [
        (True, "true", 1.0, "You said true."),
        (True, "false", 0.0, "You said false."),
        (False, "false", 1.0, "You said false."),
        (False, " TRUE ", 0.0, "You said true."),
    ],
)
def test_truefalse(answer, typed, score, feedback):
    result = grade(truefalse(answer), {"q0": typed})
    assert (result.score, result.feedback) == (score, [feedback, "General."])
    assert result.right_answer == ("true" if answer else "false")


# -- short answer ---------------------------------------------------------------------


WORD = short(
    Choice("reduce", True, None, "Yes, reduce."),
    Choice("re*use", True, 50.0, "Reuse comes second."),
    Choice("Straße", True),
    Choice("3\\*4", True),
)


@pytest.mark.parametrize(
    ("typed", "score"),
    [
        ("reduce", 1.0),
        ("  ReDuCe  ", 1.0),  # case and surrounding spaces
        ("REUSE", 0.5),  # wildcard matching an empty run
        ("re-use", 0.5),  # wildcard matching a run of characters
        ("re   the  use", 0.5),  # inner spaces collapsed first
        ("reduse", 0.5),  # matches only the wildcard answer: its weight
        ("xreuse", 0.0),  # the wildcard is anchored at both ends
        ("reuses", 0.0),
        ("STRASSE", 1.0),  # Unicode case folding: ß → ss
        ("3*4", 1.0),  # \* is a literal asterisk
        ("3x4", 0.0),
        ("recycle", 0.0),
    ],
)
def test_short_answer_comparison(typed, score):
    assert grade(WORD, {"q0": typed}).score == score


def test_short_answer_nfc_normalisation():
    question = short(Choice("café", True))  # precomposed é
    assert grade(question, {"q0": "CAFE\u0301"}).status == CORRECT  # E + combining acute


def test_short_answer_best_matching_weight_and_its_feedback_count():
    question = short(Choice("re*", True, 50.0, "Half."), Choice("reuse", True, None, "Full."))
    result = grade(question, {"q0": "Reuse"})
    assert (result.score, result.feedback) == (1.0, ["Full.", "General."])


def test_short_answer_catch_all_gives_feedback_without_credit():
    question = short(Choice("reuse", True), Choice("*", False, 0.0, "Think of the hierarchy."))
    result = grade(question, {"q0": "landfill"})
    assert (result.score, result.status) == (0.0, INCORRECT)
    assert result.feedback == ["Think of the hierarchy.", "General."]
    assert result.right_answer == "reuse"


def test_short_answer_right_answer_is_escaped_plain_text():
    question = short(Choice("<b>a</b>", True), Choice("b \\* c", True, 50.0))
    assert grade(question, {}).right_answer == "<ul><li>&lt;b&gt;a&lt;/b&gt;</li><li>b * c (50%)</li></ul>"


# -- numeric --------------------------------------------------------------------------


YEAR = numeric(
    NumericAnswer(1844.0, feedback="Rochdale."),
    NumericAnswer(1840.0, 5.0, weight=50.0, feedback="Close."),
    NumericAnswer(None, 0.0, ANY_NUMBER_MIN, ANY_NUMBER_MAX, 0.0, "Any other year."),
)
PI = numeric(NumericAnswer(3.14, 0.01))
RANGE = numeric(NumericAnswer(min=-3.5, max=-1.0))


@pytest.mark.parametrize(
    ("question", "typed", "score"),
    [
        (YEAR, "1844", 1.0),
        (YEAR, " 1844 ", 1.0),
        (YEAR, "1844,0", 1.0),  # comma as decimal separator
        (YEAR, "1843", 0.5),  # best weight among accepting answers: only 1840 ± 5
        (YEAR, "1835", 0.5),  # tolerance bounds are included
        (YEAR, "1834,9", 0.0),
        (PI, "3,14", 1.0),
        (PI, "3.15", 1.0),  # edge of the tolerance despite binary floating point
        (PI, "3,13", 1.0),
        (PI, ".314e1", 1.0),
        (PI, "3.16", 0.0),
        (RANGE, "-3.5", 1.0),  # range ends are included
        (RANGE, "\u22122", 1.0),  # typographic minus
        (RANGE, "-1", 1.0),
        (RANGE, "-0,9", 0.0),
    ],
)
def test_numeric_comparison(question, typed, score):
    assert grade(question, {"q0": typed}).score == score


def test_numeric_best_answer_feedback_wins_over_the_catch_all():
    result = grade(YEAR, {"q0": "1844"})
    assert result.feedback == ["Rochdale.", "General."]


def test_numeric_catch_all_gives_feedback_but_no_credit():
    result = grade(YEAR, {"q0": "1900"})
    assert (result.score, result.status, result.feedback) == (0.0, INCORRECT, ["Any other year.", "General."])


@pytest.mark.parametrize("typed", ["abc", "1844 AD", "1.844,5", "1e400", "nan", "inf", "1_844", "١٨٤٤"])
def test_numeric_text_that_is_not_a_number_is_incorrect(typed):
    result = grade(YEAR, {"q0": typed})
    assert (result.score, result.status, result.feedback) == (0.0, INCORRECT, ["General."])


def test_numeric_right_answer_lists_values_tolerances_and_ranges():
    assert grade(YEAR, {}).right_answer == "<ul><li>1844</li><li>1840 ± 5 (50%)</li></ul>"
    assert grade(PI, {}).right_answer == "3.14 ± 0.01"
    assert grade(RANGE, {}).right_answer == "-3.5 – -1"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("3,14", 3.14),
        (" 3.14 ", 3.14),
        ("-2", -2.0),
        ("+2.", 2.0),
        (",5", 0.5),
        ("1E3", 1000.0),
        ("", None),
        ("1,2,3", None),
        ("1 000", None),
        (None, None),
        (True, None),
        (7, 7.0),
    ],
)
def test_parse_number(typed, number):
    assert parse_number(typed) == number


# -- matching -------------------------------------------------------------------------


PAIRS = matching(
    ("Reuse", "using again"), ("Recycle", "making new material"), ("Reduce", "using less"), ("Refuse", "using less")
)


def test_matching_all_right():
    form = {"q0-0": "using again", "q0-1": "making new material", "q0-2": "using less", "q0-3": "using less"}
    result = grade(PAIRS, form)
    assert (result.score, result.status, result.feedback) == (1.0, CORRECT, ["General."])


def test_matching_each_right_pair_earns_an_equal_share():
    form = {"q0-0": "using again", "q0-1": "using less", "q0-2": "using less"}  # q0-3 left empty
    result = grade(PAIRS, form)
    assert (result.score, result.status) == (0.5, PARTIAL)


def test_matching_all_wrong_is_incorrect():
    result = grade(PAIRS, {"q0-0": "using less", "q0-1": "using again"})
    assert (result.score, result.status) == (0.0, INCORRECT)


def test_matching_right_answer_lists_pairs_with_the_right_side_escaped():
    question = matching(("<em>A</em>", "x < y"), ("B", "z"))
    assert grade(question, {}).right_answer == ("<ul><li><em>A</em> → x &lt; y</li><li>B → z</li></ul>")


def test_matching_gift_distractor_is_an_option_but_not_an_item():
    question = matching(("A", "x"), ("B", "y"), ("", "z"))
    shown = present(question, 0, seed=1)
    assert [item["text"] for item in shown["left"]] == ["A", "B"]
    assert sorted(shown["right"]) == ["x", "y", "z"]
    assert grade(question, {"q0-0": "x", "q0-1": "z", "q0-2": "z"}).score == 0.5


# -- unanswered and garbage input -----------------------------------------------------


ALL_TYPES = [PURPOSE, FUNDING, truefalse(), WORD, YEAR, PAIRS]


def test_every_type_has_a_handler_and_a_test_question():
    assert {question["type"] for question in ALL_TYPES} == set(QUESTION_HANDLERS)


@pytest.mark.parametrize("question", ALL_TYPES, ids=lambda q: q["type"])
@pytest.mark.parametrize(
    "form",
    [
        None,
        {},
        {"q0": ""},
        {"q0": "   "},
        {"q0": []},
        {"q0": ["", ""]},
        {"q1": "1"},  # another question's field
        {"q0": 5},  # not a string
        {"q0": None},
        MultiDict(),
    ],
    ids=repr,
)
def test_missing_input_is_unanswered(question, form):
    response = parse_response(question, 0, form)
    result = grade_question(question, response)
    assert response is None
    assert (result.score, result.status) == (0.0, UNANSWERED)
    assert result.feedback == ["General."]  # the general feedback is shown all the same
    assert result.right_answer


@pytest.mark.parametrize("question", [PURPOSE, FUNDING, truefalse(), PAIRS], ids=lambda q: q["type"])
@pytest.mark.parametrize("value", ["abc", "99", "-1", "1.0", "0x1", "٣", "1_0", "maybe", "x" * 10_000])
def test_garbage_input_is_unanswered(question, value):
    form = MultiDict([("q0", value), ("q0-0", value), ("q0-1", value)])
    result = grade(question, form)
    assert (result.score, result.status) == (0.0, UNANSWERED)


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (PURPOSE, "1"),
        (PURPOSE, True),
        (PURPOSE, 99),
        (PURPOSE, [1]),
        (PURPOSE, {"a": 1}),
        (FUNDING, 1),
        (FUNDING, [True, 99, "0"]),
        (FUNDING, "01"),
        (FUNDING, []),
        (truefalse(), "true"),
        (truefalse(), 1),
        (WORD, 3),
        (WORD, ["reduce"]),
        (WORD, "  "),
        (YEAR, ["1844"]),
        (YEAR, {"v": 1}),
        (YEAR, False),
        (PAIRS, "using again"),
        (PAIRS, [None, None]),
        (PAIRS, {"0": "using again"}),
        (PAIRS, [1, 2]),
    ],
)
def test_grading_a_response_of_the_wrong_shape_is_unanswered(question, response):
    assert grade_question(question, response).status == UNANSWERED


def test_numbers_stored_as_numbers_are_graded():
    assert grade_question(YEAR, 1844).score == 1.0


def test_unknown_question_type_is_a_clear_error():
    with pytest.raises(ValueError, match="essay"):
        grade_question({"type": "essay"}, None)


# -- present: what the browser sees ---------------------------------------------------


def test_present_shows_choices_shuffled_with_their_original_keys():
    shown = present(PURPOSE, 3, seed=42)
    assert {k: shown[k] for k in ("index", "field", "type", "title", "stem")} == {
        "index": 3,
        "field": "q3",
        "type": "single",
        "title": None,
        "stem": "Pick one.",
    }
    by_key = {choice["key"]: choice["text"] for choice in shown["choices"]}
    assert by_key == {0: "Profit", 1: "Social goal", 2: "Donations"}


def test_present_matching_keeps_left_order_and_offers_distinct_right_texts():
    shown = present(PAIRS, 2, seed=7)
    assert shown["left"] == [
        {"key": 0, "field": "q2-0", "text": "Reuse"},
        {"key": 1, "field": "q2-1", "text": "Recycle"},
        {"key": 2, "field": "q2-2", "text": "Reduce"},
        {"key": 3, "field": "q2-3", "text": "Refuse"},
    ]
    assert sorted(shown["right"]) == ["making new material", "using again", "using less"]


@pytest.mark.parametrize("question", ALL_TYPES, ids=lambda q: q["type"])
def test_present_is_deterministic_per_seed_and_index(question):
    assert present(question, 0, seed=12345) == present(question, 0, seed=12345)


@pytest.mark.parametrize(
    ("question", "options"),
    [
        (PURPOSE, lambda shown: [c["key"] for c in shown["choices"]]),
        (FUNDING, lambda shown: [c["key"] for c in shown["choices"]]),
        (PAIRS, lambda shown: shown["right"]),
    ],
)
def test_present_order_differs_between_seeds(question, options):
    orders = {tuple(options(present(question, 0, seed))) for seed in range(30)}
    assert len(orders) > 1
    # The question's index is part of the seed too: two questions of one attempt differ.
    assert len({tuple(options(present(question, index, 5))) for index in range(30)}) > 1


def secrets(question: dict) -> list[str]:
    """Everything of ``question`` a learner must not see before submitting."""
    texts = [question.get(key) for key in ("feedback", "true_feedback", "false_feedback")]
    texts += [choice.get("feedback") for choice in question.get("choices") or []]
    texts += [answer.get("feedback") for answer in question.get("numeric") or []]
    if question["type"] == "short":
        texts += [choice["text"] for choice in question["choices"]]
    for answer in question.get("numeric") or []:
        for key in ("value", "min", "max"):
            if answer.get(key) is not None and abs(answer[key]) < 1e300:
                texts += [repr(answer[key]), f"{answer[key]:g}"]
    return [text for text in texts if text]


def assert_leaks_nothing(question: dict) -> None:
    shown = present(question, 0, seed=99)
    serialised = json.dumps(shown, ensure_ascii=False)
    assert "correct" not in serialised.lower()
    assert set(shown) <= {"index", "field", "type", "title", "stem", "choices", "left", "right"}
    for item in [*shown.get("choices", []), *shown.get("left", [])]:
        assert set(item) <= {"key", "field", "text"}
    for secret in secrets(question):
        assert secret not in serialised, secret


@pytest.mark.parametrize("question", ALL_TYPES, ids=lambda q: q["type"])
def test_present_leaks_nothing(question):
    assert secrets(question)  # the check below is not vacuous
    assert_leaks_nothing(question)


# -- attempts -------------------------------------------------------------------------


def test_every_question_weighs_the_same_in_an_attempt():
    result = grade_attempt([PURPOSE, FUNDING, truefalse()], [1, [1], None])
    assert isinstance(result, AttemptResult)
    assert [r.status for r in result.results] == [CORRECT, PARTIAL, UNANSWERED]
    assert result.percent == 50.0


def test_attempt_percent_is_rounded_to_two_decimals():
    assert grade_attempt([PURPOSE, PURPOSE, PURPOSE], [1, 0, 0]).percent == 33.33
    assert grade_attempt([PURPOSE, PURPOSE, PURPOSE], [1, 1, 0]).percent == 66.67


def test_attempt_with_missing_or_extra_responses():
    assert grade_attempt([PURPOSE, PURPOSE], [1]).results[1].status == UNANSWERED
    assert grade_attempt([PURPOSE], [1, 1, 1]).percent == 100.0
    assert grade_attempt([], []) == AttemptResult(0.0, [])


# -- round trip through the real parsers and the stored format ------------------------


MARKDOWN_QUIZ = """\
Answer every question.

## Purpose

What is the primary aim of a social enterprise?

- [ ] Maximising the return to its shareholders
  > Profit matters, but it serves the social aim.
- [x] A social or environmental goal, pursued through trade
  > Right: the social mission comes first.
- [ ] Running on donations only

> Social enterprises earn most of their income by selling goods or services.

## Funding

Which are sources of income?

- [x] Sales
- [x] Contracts
- [ ] {-50%} Donations only
  > Donations alone do not make an enterprise.

## Trade

A social enterprise trades.

- [x] true
- [ ] false

## Hierarchy

Name the first R of the waste hierarchy.

- answer: reduce
- answer: {50%} re*use
  > Reuse comes second.

## Rochdale

In which year did the Rochdale Pioneers open their shop?

- number: 1844
  > The Rochdale Equitable Pioneers Society.
- number: {50%} 1840 ± 5

## Pairs

Match each R with its meaning.

- match: Reuse -> using again
- match: Recycle -> making new material
- match: Reduce -> using less
"""

GIFT_QUIZ = """\
::Purpose:: What is the primary aim of a social enterprise? {
~Maximising the return to its shareholders#Profit matters, but it serves the social aim.
=A social or environmental goal, pursued through trade#Right\\: the social mission comes first.
~Running on donations only
####Social enterprises earn most of their income by selling goods or services.
}

::Funding:: Which are sources of income? {
=Sales
=Contracts
~%-50%Donations only#Donations alone do not make an enterprise.
}

::Trade:: A social enterprise trades. {T}

::Hierarchy:: Name the first R of the waste hierarchy. {
=reduce
=%50%re*use#Reuse comes second.
}

::Rochdale:: In which year did the Rochdale Pioneers open their shop? {#
=1844#The Rochdale Equitable Pioneers Society.
=%50%1840:5
~#Not even close.
}

::Pairs:: Match each R with its meaning. {
=Reuse -> using again
=Recycle -> making new material
=Reduce -> using less
}
"""


def stored_markdown_quiz() -> list[dict]:
    _intro, questions = parse_quiz_markdown(MARKDOWN_QUIZ)
    return [render_question(question) for question in questions]


def stored_gift_quiz() -> list[dict]:
    return [render_question(question) for question in parse_gift(GIFT_QUIZ)]


def fill_in(questions: list[dict], seed: int, answers: list) -> MultiDict:
    """Fill in the form a browser would post, choosing answers by their visible text."""
    form = MultiDict()
    for index, (question, answer) in enumerate(zip(questions, answers, strict=True)):
        shown = present(question, index, seed)
        if "choices" in shown:
            texts = [answer] if isinstance(answer, str) else answer
            for choice in shown["choices"]:
                if choice["text"] in texts:
                    form.add(shown["field"], str(choice["key"]))
        elif "left" in shown:
            for item in shown["left"]:
                if item["text"] in answer:
                    assert answer[item["text"]] in shown["right"]
                    form.add(item["field"], answer[item["text"]])
        else:
            form.add(shown["field"], answer)
    return form


ANSWERS = [
    "A social or environmental goal, pursued through trade",  # right: 1
    ["Sales", "Donations only"],  # 50 - 50: 0
    "false",  # wrong: 0
    "  Re-Use ",  # wildcard, 50%: 0.5
    "1844,0",  # comma decimal: 1
    {"Reuse": "using again", "Recycle": "using less", "Reduce": "using less"},  # 2 of 3
]


@pytest.mark.parametrize("stored", [stored_markdown_quiz, stored_gift_quiz], ids=["markdown", "gift"])
def test_round_trip_from_the_parsers_to_the_grade(stored):
    questions = stored()
    assert [q["type"] for q in questions] == ["single", "multiple", "truefalse", "short", "numeric", "matching"]
    form = fill_in(questions, seed=2024, answers=ANSWERS)
    responses = parse_responses(questions, form)
    json.dumps(responses)  # responses can be stored as they are
    result = grade_attempt(questions, json.loads(json.dumps(responses)))

    assert [r.status for r in result.results] == [CORRECT, INCORRECT, INCORRECT, PARTIAL, CORRECT, PARTIAL]
    assert [r.score for r in result.results] == pytest.approx([1, 0, 0, 0.5, 1, 2 / 3])
    assert result.percent == 52.78
    purpose, funding, _trade, hierarchy, rochdale, pairs = result.results
    assert purpose.feedback == [
        "Right: the social mission comes first.",
        "Social enterprises earn most of their income by selling goods or services.",
    ]
    assert funding.feedback == ["Donations alone do not make an enterprise."]
    assert funding.right_answer == "<ul><li>Sales</li><li>Contracts</li></ul>"
    assert hierarchy.feedback == ["Reuse comes second."]
    assert hierarchy.right_answer == "<ul><li>reduce</li><li>re*use (50%)</li></ul>"
    assert rochdale.feedback == ["The Rochdale Equitable Pioneers Society."]
    assert rochdale.right_answer == "<ul><li>1844</li><li>1840 ± 5 (50%)</li></ul>"
    assert "Reduce → using less" in pairs.right_answer


def test_markdown_and_gift_quizzes_are_graded_identically():
    markdown, gift = stored_markdown_quiz(), stored_gift_quiz()
    for seed, answers in enumerate(
        [
            ANSWERS,
            [
                "Running on donations only",
                ["Sales", "Contracts"],
                "true",
                "REDUCE",
                "1843",
                {"Reuse": "using again", "Recycle": "making new material", "Reduce": "using less"},
            ],
            ["", [], "", "", "", {}],
        ]
    ):
        graded = [
            grade_attempt(questions, parse_responses(questions, fill_in(questions, seed, answers)))
            for questions in (markdown, gift)
        ]
        assert [(r.score, r.status, r.right_answer) for r in graded[0].results] == [
            (r.score, r.status, r.right_answer) for r in graded[1].results
        ]
        assert graded[0].percent == graded[1].percent


def test_gift_any_number_catch_all_gives_its_feedback_and_no_credit():
    rochdale = stored_gift_quiz()[4]
    result = grade_question(rochdale, parse_response(rochdale, 4, {"q4": "1900"}))
    assert (result.score, result.status, result.feedback) == (0.0, INCORRECT, ["Not even close."])


@pytest.mark.parametrize("stored", [stored_markdown_quiz, stored_gift_quiz], ids=["markdown", "gift"])
def test_present_of_stored_questions_leaks_nothing(stored):
    for question in stored():
        assert_leaks_nothing(question)
