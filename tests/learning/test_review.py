"""What a quiz's result page shows and offers next, as Moodle's review options (issue #22).

A failed attempt with attempts left used to show every right answer and no way on; the
quiz's front matter now says when feedback and right answers are shown, and the result page
counts the attempts left and offers the next step.
"""

from __future__ import annotations

import re

import pytest

from elearn.courses.loader import load_path
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import COURSE, GRADED_QUIZ, LESSON, MODULE, import_course


def files(**quiz_keys) -> dict[str, str]:
    extra = "".join(f"{key}: {value}\n" for key, value in quiz_keys.items())
    return {
        "course.md": COURSE,
        "01-one/module.md": MODULE,
        "01-one/01-quiz.md": GRADED_QUIZ.replace("attempts: 3\n", "attempts: 3\n" + extra),
        "01-one/02-after.md": LESSON.replace("A lesson", "After the quiz"),
    }


@pytest.fixture
def learner(app, client, write_course, make_user):
    def start(**quiz_keys):
        import_course(app, write_course, files(**quiz_keys))
        make_user("ana@example.org")
        sign_in(client, "ana@example.org")
        post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
        return client

    return start


def attempt(client, *, right: bool) -> str:
    """Start (or continue) an attempt, answer it, and return the result page's text."""
    url = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/").headers[
        "Location"
    ]
    page = client.get(url).get_data(as_text=True)
    answers = {"q0": "0" if right else "1", "q1": "2018" if right else "2011"}
    result = client.post(url, data={"csrf_token": csrf_from(page), **answers}, follow_redirects=True)
    return re.sub(r"\s+", " ", result.get_data(as_text=True))


def test_by_default_a_failed_attempt_shows_feedback_and_keeps_the_right_answers(learner):
    client = learner()
    first = attempt(client, right=False)
    assert "Your score: 0%" in first and "Profit serves the aim." in first  # the feedback
    assert "Right answer:" not in first and "2018" not in first  # nothing the next attempt could copy
    assert "You have 2 attempts left." in first and ">Try again</button>" in first
    assert "The right answers are shown once you pass this quiz or have used your last attempt." in first
    assert 'href="/courses/demo/one/">Back to the module</a>' in first and "Continue:" not in first
    quiz = re.sub(r"\s+", " ", client.get("/courses/demo/one/quiz/").get_data(as_text=True))
    assert "You have 2 attempts left." in quiz

    attempt(client, right=False)
    last = attempt(client, right=False)
    assert "Right answer:" in last and "2018" in last  # the last attempt is used: now they may learn
    assert "You have used all your attempts at this quiz." in last and ">Try again</button>" not in last
    quiz = re.sub(r"\s+", " ", client.get("/courses/demo/one/quiz/").get_data(as_text=True))
    assert "You have used all your attempts at this quiz." in quiz and "Start an attempt" not in quiz


def test_passing_shows_the_right_answers_and_leads_on(learner):
    client = learner()
    attempt(client, right=False)
    passed = attempt(client, right=True)
    assert "You passed." in passed and "Right answer:" in passed
    assert 'href="/courses/demo/one/after/" rel="next">Continue: After the quiz</a>' in passed
    assert "You have 1 attempt left." in passed


def test_the_trainer_chooses_feedback_after_passing_and_answers_always(learner):
    client = learner(show_feedback="after-passing", show_answers="always")
    first = attempt(client, right=False)
    assert "Right answer:" in first and "Profit serves the aim." not in first


def test_answers_never_and_the_end_of_the_course_leads_to_my_learning(app, client, write_course, make_user):
    course = files(show_answers="never")
    del course["01-one/02-after.md"]
    import_course(app, write_course, course)
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    passed = attempt(client, right=True)
    assert "Right answer:" not in passed and "Profit serves the aim." not in passed  # the wrong choice's feedback
    assert 'href="/me/">Continue to My learning</a>' in passed


def test_the_validator_names_a_wrong_review_option_with_its_line(write_course):
    root = write_course(files(show_answers="after-failing"))
    problems = [str(p) for _dir, _data, found in load_path(root, warnings=[]) for p in found]
    assert problems == [
        "demo/01-one/01-quiz.md:6: 'show_answers' must be one of always, after-passing, after-last-attempt, never"
    ]


def test_the_result_page_runs_a_fixed_number_of_queries(app, write_course, tmp_path, count_queries, make_user):
    """The same statements for a course of 2 modules of 2 lessons as for 9 modules of 12 (and 2 attempts or 1)."""
    from elearn.core.transaction import unit_of_work
    from elearn.courses.importer import sync_tree
    from tests.factories import course_files

    make_user("ana@example.org")
    counts = []
    for size in (2, 12):
        root = write_course(course_files(size, min(size, 9)), root=tmp_path / f"c{size}", slug=f"demo{size}")
        with app.app_context(), unit_of_work():
            assert sync_tree(root).ok
        client = app.test_client()
        sign_in(client, "ana@example.org")
        quiz = f"/courses/demo{size}/m1/quiz/"
        for _ in range(1 if size == 2 else 2):
            url = post_form(client, f"/me/courses/demo{size}/m1/quiz/attempts", page_url=quiz).headers["Location"]
            post_form(client, url, {"q0": "1"})
        client.get(url)  # the first view of a page may fill the worker's caches
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    # the signed-in user; the course with the enrolment; the attempt; the learner's attempts (attempts left)
    assert counts == [4, 4], counts
