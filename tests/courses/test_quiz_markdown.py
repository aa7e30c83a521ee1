"""Tests for the markdown quiz parser (docs/authoring.md, "Quizzes in markdown")."""

from __future__ import annotations

import textwrap

import pytest

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
from elearn.courses.quiz_markdown import parse_quiz_markdown


def md(text: str) -> str:
    """Dedent a test quiz; its first line is the line after the opening quotes."""
    return textwrap.dedent(text).lstrip("\n")


def parse(text: str, first_line: int = 1) -> list[Question]:
    _intro, questions = parse_quiz_markdown(md(text), first_line=first_line)
    return questions


def problems(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    with pytest.raises(QuizSyntaxError) as caught:
        parse_quiz_markdown(md(text), first_line=first_line)
    return caught.value.problems


# -- question types ---------------------------------------------------------------------
def test_single_choice_with_answer_and_general_feedback():
    questions = parse(
        """
        ## Purpose

        What is the primary aim of a social enterprise?

        - [ ] Maximising the return to its shareholders
          > Profit matters, but it serves the social aim.
        - [x] A social or environmental goal, pursued through trade
          > Right: the social mission comes first.
        - [ ] Running on donations only

        > Social enterprises earn most of their income by selling goods or services.
        """,
        first_line=5,
    )
    assert questions == [
        Question(
            type=SINGLE,
            title="Purpose",
            stem="What is the primary aim of a social enterprise?",
            line=5,
            text_format="markdown",
            choices=[
                Choice(
                    "Maximising the return to its shareholders",
                    False,
                    None,
                    "Profit matters, but it serves the social aim.",
                ),
                Choice(
                    "A social or environmental goal, pursued through trade",
                    True,
                    None,
                    "Right: the social mission comes first.",
                ),
                Choice("Running on donations only", False, None, None),
            ],
            feedback="Social enterprises earn most of their income by selling goods or services.",
        )
    ]


def test_multiple_choice_default_weights_are_equal_shares():
    [question] = parse(
        """
        ## Activities

        Which activities does a reuse centre combine?

        - [x] Collecting
        - [x] Repairing
        - [x] Selling
        - [ ] Landfilling
          > Landfilling is what reuse avoids.
        """
    )
    assert question == Question(
        type=MULTIPLE,
        title="Activities",
        stem="Which activities does a reuse centre combine?",
        line=1,
        choices=[
            Choice("Collecting", True, 100 / 3),
            Choice("Repairing", True, 100 / 3),
            Choice("Selling", True, 100 / 3),
            Choice("Landfilling", False, 0.0, "Landfilling is what reuse avoids."),
        ],
    )


def test_multiple_choice_explicit_weights_and_the_rest_shared():
    [question] = parse(
        """
        ## Income

        Where does the income of a reuse centre come from?

        - [x] {50%} Sales of repaired goods
        - [x] Municipal service contracts
        - [x] Grants for training
        - [ ] {-50%} Shareholders
        - [ ] Lottery
        """
    )
    assert question.type == MULTIPLE
    assert question.choices == [
        Choice("Sales of repaired goods", True, 50.0),
        Choice("Municipal service contracts", True, 25.0),
        Choice("Grants for training", True, 25.0),
        Choice("Shareholders", False, -50.0),
        Choice("Lottery", False, 0.0),
    ]


def test_one_correct_answer_with_a_weight_is_multiple_choice():
    [question] = parse(
        """
        ## One of many

        Tick what applies.

        - [x] {100%} Reuse
        - [ ] {-25.5%} Landfill
        - [ ] Incineration
        """
    )
    assert question.type == MULTIPLE
    assert question.choices == [
        Choice("Reuse", True, 100.0),
        Choice("Landfill", False, -25.5),
        Choice("Incineration", False, 0.0),
    ]


def test_true_false_with_feedback_for_each_answer():
    [question] = parse(
        """
        ## Founded

        A reuse centre must be run by a municipality.

        - [ ] true
          > Many are, but not all.
        - [x] false
          > Right: many are run by social enterprises.

        > See the lesson on legal forms.
        """,
        first_line=8,
    )
    assert question == Question(
        type=TRUE_FALSE,
        title="Founded",
        stem="A reuse centre must be run by a municipality.",
        line=8,
        answer=False,
        true_feedback="Many are, but not all.",
        false_feedback="Right: many are run by social enterprises.",
        feedback="See the lesson on legal forms.",
    )


def test_true_false_in_any_order_and_case():
    [question] = parse(
        """
        ## Law

        Latvia has a Social Enterprise Law.

        - [ ] FALSE
        - [x] True
        """
    )
    assert question == Question(
        type=TRUE_FALSE, title="Law", stem="Latvia has a Social Enterprise Law.", line=1, answer=True
    )


def test_short_answer_alternatives_weights_and_feedback():
    [question] = parse(
        """
        ## Owned by members

        Which legal form is owned by its members?

        - answer: cooperative
        - answer: co-operative
        - answer: {50%} coop
          > Write the full word.
        - answer: {0%} company
          > A company is owned by its shareholders.
        """
    )
    assert question == Question(
        type=SHORT,
        title="Owned by members",
        stem="Which legal form is owned by its members?",
        line=1,
        choices=[
            Choice("cooperative", True, None),
            Choice("co-operative", True, None),
            Choice("coop", True, 50.0, "Write the full word."),
            Choice("company", False, 0.0, "A company is owned by its shareholders."),
        ],
    )


def test_numeric_answers_in_every_form():
    [question] = parse(
        """
        ## Numbers

        Give a number.

        - number: 1822
        - number: 3.14 ± 0.01
        - number: 3.14 +- 0.01
        - number: 3.14+-0.01
        - number: 1..5
        - number: -3.5 .. -1
        - number: -40
        - number: −2.5
        - number: { 50 % } 1820 ± 5
          > Close.
        """
    )
    assert question == Question(
        type=NUMERIC,
        title="Numbers",
        stem="Give a number.",
        line=1,
        numeric=[
            NumericAnswer(value=1822.0),
            NumericAnswer(value=3.14, tolerance=0.01),
            NumericAnswer(value=3.14, tolerance=0.01),
            NumericAnswer(value=3.14, tolerance=0.01),
            NumericAnswer(min=1.0, max=5.0),
            NumericAnswer(min=-3.5, max=-1.0),
            NumericAnswer(value=-40.0),
            NumericAnswer(value=-2.5),  # a typographic minus sign, as word processors write it
            NumericAnswer(value=1820.0, tolerance=5.0, weight=50.0, feedback="Close."),
        ],
    )


def test_matching():
    [question] = parse(
        """
        ## Legal forms

        Match each legal form with what defines it.

        - match: Cooperative -> owned by its members
        - match: Foundation ->holds an endowment
        - match: **Association** -> members who share a purpose

        > Legal forms differ by country.
        """
    )
    assert question == Question(
        type=MATCHING,
        title="Legal forms",
        stem="Match each legal form with what defines it.",
        line=1,
        pairs=[
            MatchPair("Cooperative", "owned by its members"),
            MatchPair("Foundation", "holds an endowment"),
            MatchPair("**Association**", "members who share a purpose"),
        ],
        feedback="Legal forms differ by country.",
    )


def test_complete_example_of_the_authoring_guide():
    intro, questions = parse_quiz_markdown(
        md(
            """
        ## Activities

        Which activities does a reuse centre combine?

        - [x] Collecting
        - [x] Repairing
        - [ ] Landfilling
          > Landfilling is what reuse avoids.

        ## Founded

        A reuse centre must be run by a municipality.

        - [ ] true
        - [x] false
          > Right: many are run by social enterprises or cooperatives.
        """
        ),
        first_line=7,
    )
    assert intro == ""
    assert [(q.type, q.title, q.line) for q in questions] == [(MULTIPLE, "Activities", 7), (TRUE_FALSE, "Founded", 16)]
    assert [c.weight for c in questions[0].choices] == [50.0, 50.0, 0.0]
    assert questions[1].answer is False
    assert questions[1].false_feedback == "Right: many are run by social enterprises or cooperatives."


# -- introduction, stems, texts and feedback ------------------------------------------------
def test_introduction_is_the_text_before_the_first_question():
    intro, questions = parse_quiz_markdown(
        "\n  \n"
        + md(
            """
        # Check your understanding

        Ten minutes. A fenced example:

        ```markdown
        ## not a question
        - [x] not an answer
        ```

        ## Q

        Stem.

        - [x] a
        - [ ] b
        """
        )
    )
    assert intro == (
        "# Check your understanding\n\nTen minutes. A fenced example:\n\n"
        "```markdown\n## not a question\n- [x] not an answer\n```"
    )
    assert [q.title for q in questions] == ["Q"]
    assert questions[0].line == 12  # after the two blank lines


def test_stem_with_paragraphs_lists_code_links_and_quotes():
    [question] = parse(
        """
        ## Read the [statute](https://example.org/law) ##

        A cooperative's statute says:

        > Members elect the board.
        > Each member has one vote.

        Consider these facts:

        - it has 40 members
        - [its report](../02-legal-forms/01-overview.md) is public
          - nested item

        1. first
        2. second

        ```python
        - [x] code, not an answer
        ## code, not a question
        ```

            - [x] indented code

        Which statement is true?

        * [x] It is democratic
        * [ ] It has shareholders
        """
    )
    assert question.title == "Read the [statute](https://example.org/law)"
    assert (
        question.stem
        == md(
            """
        A cooperative's statute says:

        > Members elect the board.
        > Each member has one vote.

        Consider these facts:

        - it has 40 members
        - [its report](../02-legal-forms/01-overview.md) is public
          - nested item

        1. first
        2. second

        ```python
        - [x] code, not an answer
        ## code, not a question
        ```

            - [x] indented code

        Which statement is true?
        """
        ).rstrip()
    )
    assert question.type == SINGLE
    assert [c.text for c in question.choices] == ["It is democratic", "It has shareholders"]


def test_multi_line_answers_and_feedback():
    [question] = parse(
        """
        ## Long

        Pick one.

        - [x] An answer that
          goes on, and on
          > Feedback over
          > two lines.
          >
          > And a second paragraph.

        - [ ] Another answer
        with a lazy continuation line
          > Its feedback
        also lazily continued.

          > Feedback after a blank line still belongs to this answer.
        - [ ] Code in an answer:

          ```
          > not feedback
          ```

        > General feedback
        > over two lines.
        >
        > Second paragraph.

        > A second block quote.
        """
    )
    assert question.choices == [
        Choice("An answer that\ngoes on, and on", True, None, "Feedback over\ntwo lines.\n\nAnd a second paragraph."),
        Choice(
            "Another answer\nwith a lazy continuation line",
            False,
            None,
            "Its feedback\nalso lazily continued.\n\nFeedback after a blank line still belongs to this answer.",
        ),
        Choice("Code in an answer:\n\n```\n> not feedback\n```", False, None, None),
    ]
    assert question.feedback == ("General feedback\nover two lines.\n\nSecond paragraph.\n\nA second block quote.")


def test_braces_that_are_not_a_weight_stay_in_the_text():
    [question] = parse(
        """
        ## Sets

        Which set is empty?

        - [x] {}
        - [ ] {1, 2}
        - [ ] \\{50%} escaped
        """
    )
    assert [c.text for c in question.choices] == ["{}", "{1, 2}", "\\{50%} escaped"]
    assert question.type == SINGLE


def test_windows_line_breaks_and_tabs():
    intro, [question] = parse_quiz_markdown(
        "Intro.\r\n\r\n## Q\r\nStem.\r\n-\t[x] a\r\n\t> Feedback.\r\n- [ ] b\r\n", first_line=3
    )
    assert intro == "Intro."
    assert question == Question(
        type=SINGLE, title="Q", stem="Stem.", line=5, choices=[Choice("a", True, None, "Feedback."), Choice("b", False)]
    )


def test_several_questions_keep_their_file_lines():
    questions = parse(
        """
        Intro.

        ## One
        Stem one.
        - [x] a
        - [ ] b
        ## Two
        Stem two.
        - answer: yes
        """,
        first_line=40,
    )
    assert [(q.title, q.line, q.type) for q in questions] == [("One", 42, SINGLE), ("Two", 46, SHORT)]


# -- errors -----------------------------------------------------------------------------------
def test_quiz_without_questions():
    assert problems("Just an introduction.\n", first_line=6) == [
        (6, "quiz has no questions: start each question with a level-2 heading ('## Title')")
    ]
    assert problems("", first_line=3) == [
        (3, "quiz has no questions: start each question with a level-2 heading ('## Title')")
    ]


def test_question_without_answers():
    assert problems(
        """
        Intro.

        ## Nothing to answer

        A paragraph.

        - a plain list
        - is not an answer list
        """,
        first_line=10,
    ) == [
        (
            12,
            "question has no answers: list them under the question as '- [x]' / '- [ ]' choices "
            "or as '- answer:', '- number:' or '- match:' items",
        )
    ]


def test_empty_stem():
    assert problems(
        """
        ## No question text

        - [x] a
        - [ ] b
        """,
        first_line=20,
    ) == [(20, "question has no text: write the question between its heading and its answers")]


def test_choice_errors():
    assert problems(
        """
        ## No correct answer
        Pick.
        - [ ] a
        - [ ] b

        ## Too few
        Pick.
        - [x] a

        ## Too few multiple
        Pick.
        - [x] {100%} a
        """,
        first_line=30,
    ) == [
        (30, "question has no correct answer: mark at least one answer with [x]"),
        (35, "a choice question needs at least two answers (found 1)"),
        (39, "a choice question needs at least two answers (found 1)"),
    ]


def test_weight_errors():
    assert problems(
        """
        ## Weights
        Pick.
        - [x] {150%} too much
        - [x] {-101%} too little
        - [ ] {abc%} letters
        - [ ] {50} no percent sign
        - [ ] {50%%} two percent signs
        - [x] {0%} correct but worthless
        - [ ] {10%} wrong but rewarded
        """,
        first_line=11,
    ) == [
        (13, "weight 150% is out of range: weights go from -100% to 100%"),
        (14, "weight -101% is out of range: weights go from -100% to 100%"),
        (15, "malformed weight '{abc%}': write a percentage such as {50%} or {-25%}"),
        (16, "malformed weight '{50}': write a percentage such as {50%} or {-25%}"),
        (17, "malformed weight '{50%%}': write a percentage such as {50%} or {-25%}"),
        (18, "a checked answer needs a weight above 0%"),
        (19, "an unchecked answer cannot earn credit: check it ([x]) or give it a weight of 0% or less"),
    ]


def test_weights_leaving_nothing_for_unweighted_correct_answers():
    assert problems(
        """
        ## Shares
        Pick.
        - [x] {60%} a
        - [x] {40%} b
        - [x] c
        """,
        first_line=2,
    ) == [
        (
            2,
            "the weighted correct answers already add up to 100%, "
            "leaving nothing for the correct answers without a weight",
        )
    ]


def test_true_false_errors():
    assert problems(
        """
        ## Both
        Stem.
        - [x] true
        - [x] false

        ## Neither
        Stem.
        - [ ] true
        - [ ] false

        ## Weighted
        Stem.
        - [x] {100%} true
        - [ ] false
        """,
        first_line=100,
    ) == [
        (100, "a true/false question has one correct answer: check either true or false"),
        (105, "question has no correct answer: mark at least one answer with [x]"),
        (112, "true/false answers take no weights"),
    ]


def test_short_answer_without_a_correct_answer():
    assert problems(
        """
        ## Short
        Name it.
        - answer: {0%} nothing
        - answer: {-10%} less
        """,
        first_line=4,
    ) == [(4, "question has no correct answer: at least one answer needs a weight above 0%")]


def test_numeric_errors():
    assert problems(
        """
        ## Numbers
        Give a number.
        - number: about 5
        - number: 3,14
        - number: 5..1
        - number: 3.14 ± -0.01
        - number: 1...5
        - number: {50%} 2 ± 1
        """,
        first_line=50,
    ) == [
        (52, "'about 5' is not a number: write e.g. 1822, 3.14 ± 0.01 or 1..5"),
        (53, "'3,14' is not a number: write e.g. 1822, 3.14 ± 0.01 or 1..5 (decimals take a dot: 3.14)"),
        (54, "range 5..1: the minimum is greater than the maximum"),
        (55, "negative tolerance in '3.14 ± -0.01': write e.g. 3.14 ± 0.01"),
        (56, "'1...5' is not a number: write e.g. 1822, 3.14 ± 0.01 or 1..5"),
    ]


def test_matching_errors():
    assert problems(
        """
        ## One pair
        Match.
        - match: a -> b

        ## Broken pairs
        Match.
        - match: a - b
        - match: -> b
        - match: {50%} c -> d
          > No feedback here.
        """,
        first_line=7,
    ) == [
        (7, "a matching question needs at least two pairs (found 1)"),
        (13, "matching pair without '->': write 'left -> right' (found 'a - b')"),
        (14, "matching pair needs text on both sides of '->'"),
        (15, "matching pairs take no weights"),
        (15, "matching pairs take no feedback: use the question's general feedback"),
    ]


def test_nothing_after_the_marker():
    assert problems(
        """
        ## Empty answers
        Pick.
        - [x]
        - [ ] {20%}
        - [ ] b

        ## Empty short
        Name it.
        - answer:

        ## Empty number
        Count.
        - number:

        ## Empty pairs
        Match.
        - match:
        - match: a -> b
        """,
        first_line=3,
    ) == [
        (5, "nothing after '[x]': write the answer's text"),
        (6, "nothing after '[ ]': write the answer's text"),
        (6, "an unchecked answer cannot earn credit: check it ([x]) or give it a weight of 0% or less"),
        (11, "nothing after 'answer:': write the answer's text"),
        (15, "nothing after 'number:': write a number, e.g. 1822, 3.14 ± 0.01 or 1..5"),
        (19, "nothing after 'match:': write a pair, 'left -> right'"),
    ]


def test_mixed_answer_markers():
    assert problems(
        """
        ## Mixed kinds
        Answer.
        - [x] a
        - answer: b
        - number: 1,5

        ## Item without a marker
        Answer.
        - plain item
        - [x] a
        - [ ] b
        """,
        first_line=60,
    ) == [
        (
            63,
            "mixed answer markers: 'answer:' in a list of '[x]/[ ]' answers; "
            "all answers of a question use the same kind of marker",
        ),
        (64, "'1,5' is not a number: write e.g. 1822, 3.14 ± 0.01 or 1..5 (decimals take a dot: 3.14)"),
        (
            68,
            "mixed answer markers: this item has no answer marker, but the list's other items "
            "start with [x]/[ ]; every item of an answer list needs one",
        ),
    ]


def test_text_after_the_answers():
    text_after = (
        "unexpected text after the answers: only general feedback as a block quote ('> …') "
        "or the next question ('## …') may follow the answer list"
    )
    assert problems(
        """
        ## Stray paragraph
        Pick.
        - [x] a
        - [ ] b

        A paragraph that is neither feedback nor a question.
        Still the same paragraph.

        > General feedback.

        - a plain list

        ### A smaller heading

        ## Answers after the general feedback
        Pick.
        - [x] a

        > General feedback.

        - [ ] b
          > Feedback for b.
        """,
        first_line=9,
    ) == [
        (14, text_after),
        (19, text_after),
        (21, text_after),
        (23, "a choice question needs at least two answers (found 1)"),
        (
            29,
            "a second answer list: a question has one list of answers "
            "(feedback for one answer is a block quote indented under it: '  > …')",
        ),
    ]


def test_text_after_an_answers_feedback():
    assert problems(
        """
        ## Feedback first
        Pick.
        - [x] a
          > Feedback.

          More text for a, after its feedback.
          And more.
        - [ ] b
        """,
        first_line=2,
    ) == [(7, "text after this answer's feedback: its indented block quote ('  > …') must come last")]


def test_unclosed_code_block_is_reported_and_the_rest_still_checked():
    assert problems(
        """
        ## Code
        Look:

        ```python
        print("hi")

        - [x] a
        - [ ] b

        ## Next
        Pick.
        - [ ] a
        - [ ] b
        """,
        first_line=5,
    ) == [
        (8, "code block is never closed: end it with a line holding only ```"),
        (14, "question has no correct answer: mark at least one answer with [x]"),
    ]


def test_all_problems_are_reported_at_once_in_line_order():
    caught = problems(
        """
        Intro.

        ## Fine
        Pick.
        - [x] a
        - [ ] b

        ##
        - [x] {500%} a
        - [ ] b

        ## No answers
        Only text.

        ## Range
        How many?
        - number: 10..1

        Stray text.
        """,
        first_line=4,
    )
    assert [line for line, _ in caught] == [11, 12, 15, 20, 22]
    assert caught[0][1].startswith("question has no text")
    assert caught[1][1].startswith("weight 500% is out of range")
    assert caught[2][1].startswith("question has no answers")
    assert caught[3][1].startswith("range 10..1")
    assert caught[4][1].startswith("unexpected text after the answers")
    with pytest.raises(QuizSyntaxError, match=r"line 11: question has no text"):
        parse_quiz_markdown(md("## \n- [x] a\n- [ ] b\n"), first_line=11)


# -- equivalence with Moodle GIFT ---------------------------------------------------------------
EQUIVALENT_MARKDOWN = """
## Purpose

What is the primary aim of a social enterprise?

- [ ] Maximising the return to its shareholders
  > Profit matters, but it serves the social aim.
- [x] A social or environmental goal, pursued through trade
  > Right, the social mission comes first.
- [ ] Running on donations only

> Social enterprises earn most of their income by selling goods or services.

## Activities

Which activities does a reuse centre combine?

- [x] Collecting
- [x] Repairing
- [ ] {-100%} Landfilling
  > Landfilling is what reuse avoids.

## Founded

A reuse centre must be run by a municipality.

- [ ] true
  > Many are, but not all of them.
- [x] false
  > Right, many are run by social enterprises or cooperatives.

## Owned by members

Which legal form is owned by its members?

- answer: cooperative
- answer: co-operative
- answer: {50%} coop
  > Write the full word.

## Law

In which year did the Latvian Social Enterprise Law come into force?

- number: 2018
- number: {50%} 2017 ± 1
  > Close.

## Pi

Give pi with two decimals.

- number: 3.14 ± 0.01

## Team

How many people does a small reuse centre employ when it starts?

- number: 1..5

## Legal forms

Match each legal form with what defines it.

- match: Cooperative -> owned by its members
- match: Foundation -> holds an endowment
- match: Association -> members sharing a purpose
"""

EQUIVALENT_GIFT = """
::Purpose::[markdown]What is the primary aim of a social enterprise?{
~Maximising the return to its shareholders#Profit matters, but it serves the social aim.
=A social or environmental goal, pursued through trade#Right, the social mission comes first.
~Running on donations only
####Social enterprises earn most of their income by selling goods or services.
}

::Activities::[markdown]Which activities does a reuse centre combine?{
~%50%Collecting
~%50%Repairing
~%-100%Landfilling#Landfilling is what reuse avoids.
}

::Founded::[markdown]A reuse centre must be run by a municipality.{F#Many are, but not all of them.\
#Right, many are run by social enterprises or cooperatives.}

::Owned by members::[markdown]Which legal form is owned by its members?\
{=cooperative =co-operative =%50%coop#Write the full word.}

::Law::[markdown]In which year did the Latvian Social Enterprise Law come into force?{#=2018 =%50%2017:1#Close.}

::Pi::[markdown]Give pi with two decimals.{#3.14:0.01}

::Team::[markdown]How many people does a small reuse centre employ when it starts?{#1..5}

::Legal forms::[markdown]Match each legal form with what defines it.{
=Cooperative -> owned by its members
=Foundation -> holds an endowment
=Association -> members sharing a purpose
}
"""


def comparable(question: Question) -> dict:
    """A question as a dict without ``line`` and ``text_format``, which differ by syntax."""
    data = question.to_dict()
    del data["line"], data["text_format"]
    return data


def test_markdown_and_gift_give_the_same_questions():
    from elearn.courses.gift import parse_gift

    _intro, from_markdown = parse_quiz_markdown(EQUIVALENT_MARKDOWN, first_line=5)
    from_gift = parse_gift(EQUIVALENT_GIFT, first_line=5)
    assert [q.type for q in from_markdown] == [SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC, NUMERIC, NUMERIC, MATCHING]
    assert [comparable(q) for q in from_gift] == [comparable(q) for q in from_markdown]
