"""The guided path: going on with "Next" at the end of a lesson, interview or case story completes it.

As Moodle's and Open edX's completion tracking: reading a page to its end and going on
counts; the learner can still mark or unmark by hand; a quiz is done by passing it (#22).
"""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import COURSE, LESSON, MODULE, SIMPLE_QUIZ, import_course

FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-a.md": LESSON.replace("A lesson", "Lesson A"),
    "01-one/02-quiz.md": SIMPLE_QUIZ,
    "02-two/module.md": MODULE.replace("Module one", "Module two"),
    "02-two/01-b.md": LESSON.replace("A lesson", "Lesson B"),
}


@pytest.fixture
def learner(app, client, write_course, make_user):
    import_course(app, write_course, FILES)
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    return client


def next_button(page: str) -> tuple[str, str] | None:
    """The "Next" button of the unit's form, if the page has one: (where it leads, its label)."""
    found = re.search(
        r'<button type="submit" form="unit-done" name="next_url" value="([^"]+)"[^>]*>([^<]+)</button>', page
    )
    return (html.unescape(found.group(1)), html.unescape(found.group(2))) if found else None


def press_next(client, url: str):
    """Read the page, press its "Next" button: the form it belongs to, with the button's value."""
    page = client.get(url).get_data(as_text=True)
    button = next_button(page)
    assert button, page
    action = re.search(r'<form method="post" action="([^"]+)" id="unit-done"', page).group(1)
    return client.post(action, data={"csrf_token": csrf_from(page), "next_url": button[0]})


def test_reading_to_the_end_with_next_completes_units_and_the_course(learner):
    client = learner
    response = press_next(client, "/courses/demo/one/a/")
    assert response.status_code == 302 and response.headers["Location"] == "/courses/demo/one/quiz/"
    assert "1 of 3 units done" in client.get("/me/").get_data(as_text=True)

    quiz = client.get("/courses/demo/one/quiz/").get_data(as_text=True)
    assert next_button(quiz) is None and 'rel="next" href="/courses/demo/two/"' in quiz  # passing does it
    attempt = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/")
    post_form(client, attempt.headers["Location"], {"q0": "0"})

    last = client.get("/courses/demo/two/b/").get_data(as_text=True)
    assert next_button(last) == ("/courses/demo/", "Finish: back to the course")
    finished = press_next(client, "/courses/demo/two/b/")
    assert finished.headers["Location"] == "/courses/demo/"
    course = client.get("/courses/demo/").get_data(as_text=True)
    assert "Congratulations: you have completed the course!" in course and "3 of 3 units done" in course


def test_a_done_unit_leads_on_with_a_link_and_can_be_marked_not_done(learner):
    client = learner
    press_next(client, "/courses/demo/one/a/")
    page = client.get("/courses/demo/one/a/").get_data(as_text=True)
    assert next_button(page) is None and 'rel="next" href="/courses/demo/one/quiz/"' in page
    assert "You marked this as done." in page
    post_form(client, "/me/courses/demo/one/a/not-done", page_url="/courses/demo/one/a/")
    page = client.get("/courses/demo/one/a/").get_data(as_text=True)
    assert next_button(page) == ("/courses/demo/one/quiz/", "Next: Quiz") and "Mark as done" in page
    assert "0 of 3 units done" in client.get("/me/").get_data(as_text=True)


def test_readers_who_are_not_enrolled_get_plain_links(app, client, write_course):
    import_course(app, write_course, FILES)
    page = client.get("/courses/demo/one/a/").get_data(as_text=True)
    assert next_button(page) is None and 'rel="next" href="/courses/demo/one/quiz/"' in page
    assert 'form="unit-done"' not in client.get("/courses/demo/two/b/").get_data(as_text=True)


def test_a_quiz_cannot_be_marked_done_or_not_done_by_hand(learner):
    for action in ("done", "not-done"):
        response = post_form(
            learner, f"/me/courses/demo/one/quiz/{action}", page_url="/courses/demo/one/quiz/", follow_redirects=True
        )
        assert "A quiz is done when you pass it." in response.get_data(as_text=True)
    assert "0 of 3 units done" in learner.get("/me/").get_data(as_text=True)
