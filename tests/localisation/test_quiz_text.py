"""A quiz cut question by question for the editor, and the parsers' problems in the editor's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from elearn.courses import quiz_markdown
from elearn.courses.frontmatter import parse_document
from elearn.courses.questions import QuizSyntaxError
from elearn.localisation import quiz_text

REPO = Path(__file__).resolve().parents[2]


def _quiz(path: Path) -> tuple[str | None, str]:
    if path.suffix == ".gift":
        return "gift", path.read_text(encoding="utf-8")
    doc = parse_document(path.read_bytes())
    return doc.meta.get("format"), doc.body


def _parses(path: Path) -> bool:
    try:
        quiz_text.parse(*_quiz(path))
    except QuizSyntaxError:
        return False  # a corpus file the platform refuses
    return True


# the demo course's quizzes and every GIFT file of the parser's corpus that the platform imports
QUIZZES = [
    *sorted(p for p in (REPO / "courses").rglob("*.md") if parse_document(p.read_bytes()).meta.get("kind") == "quiz"),
    *sorted(p for p in (REPO / "tests/courses/gift_corpus").glob("*.gift") if _parses(p)),
]


def _comparable(questions) -> list[dict]:
    return [{**q.to_dict(), "line": 0} for q in questions]


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.name)
def test_every_quiz_cut_into_parts_and_joined_again_is_the_same_quiz(path):
    fmt, text = _quiz(path)
    questions = quiz_text.parse(fmt, text)
    parts = quiz_text.split(fmt, text, len(questions))
    assert parts is not None and len(parts) == len(questions) + 1
    joined = quiz_text.join(parts)
    assert _comparable(quiz_text.parse(fmt, joined)) == _comparable(questions)
    assert quiz_text.split(fmt, joined, len(questions)) == parts


def test_a_markdown_quiz_is_cut_at_its_headings_and_gift_at_its_blocks():
    text = "Intro.\n\n## One\n\nPick.\n\n- [x] yes\n- [ ] no\n\n> General.\n\n## Two\n\nAgain.\n\n- [x] a\n- [ ] b\n"
    assert quiz_text.split(None, text, 2) == [
        "Intro.",
        "## One\n\nPick.\n\n- [x] yes\n- [ ] no\n\n> General.",
        "## Two\n\nAgain.\n\n- [x] a\n- [ ] b",
    ]
    gift = "// [id:q1]\n::A::Pick {=yes ~no}\n\n::B::Two plus two {#4}\n"
    assert quiz_text.split("gift", gift, 2) == ["", "// [id:q1]\n::A::Pick {=yes ~no}", "::B::Two plus two {#4}"]
    assert quiz_text.split("gift", gift, 3) is None  # not the original's number of questions
    assert quiz_text.split(None, "no questions here", 1) is None


def test_part_starts_are_the_lines_of_the_joined_text():
    parts = ["", "## One\n\nPick.\n\n- [x] yes\n- [ ] no", "## Two\n\n- [x] a\n- [ ] b"]
    joined = quiz_text.join(parts)
    assert quiz_text.part_starts(parts) == [None, 1, 8]
    assert joined.split("\n")[7] == "## Two"


def test_a_box_has_rows_for_its_text_long_lines_wrapped():
    assert quiz_text.rows("") == 4
    assert quiz_text.rows("one\ntwo\nthree\nfour\nfive") == 6
    assert quiz_text.rows("x" * 130) == 4 and quiz_text.rows("x" * 130 + "\n" * 4) == 8
    assert quiz_text.rows("\n" * 100) == 30


def test_problems_name_the_question_and_its_line_in_the_editors_words(app):
    parts = ["Ievads.", "## Viens\n\nIzvēlies.\n\n- [x] jā\n- [ ] nē", "## Divi\n\nVēlreiz.\n\n- jā\n- nē"]
    with app.test_request_context(), pytest.raises(quiz_text.QuizProblems) as raised:
        quiz_text.check(None, quiz_text.join(parts), [{}, {}], parts)
    [problem] = raised.value.problems
    assert (problem.part, problem.line, problem.detail) == (2, 1, None)
    assert problem.message.startswith("This question has no answers: list them under it as")


def test_every_message_of_a_markdown_quiz_that_translators_meet_is_translated(app):
    with app.test_request_context():
        for constant in (
            quiz_markdown.NO_QUESTIONS,
            quiz_markdown.NO_ANSWERS,
            quiz_markdown.EMPTY_STEM,
            quiz_markdown.NO_CORRECT_CHOICE,
            quiz_markdown.NO_CORRECT_WEIGHT,
            quiz_markdown.TEXT_AFTER_ANSWERS,
            quiz_markdown.SECOND_ANSWER_LIST,
            quiz_markdown.TEXT_AFTER_FEEDBACK,
            quiz_markdown.UNCLOSED_FENCE.format(fence="```"),
        ):
            message, detail = quiz_text.translate(constant)
            assert detail is None and message != constant, constant
        assert quiz_text.translate("'3,14' is not a number: write e.g. 1822, 3.14 ± 0.01 or 1..5")[0].startswith(
            "“3,14” is not a number"
        )
        # anything else: a translated lead-in, and the parser's own words beside it
        assert quiz_text.translate("weight 150% is out of range") == (
            "This does not follow the quiz syntax.",
            "weight 150% is out of range",
        )
