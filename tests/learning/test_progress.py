"""Progress on /me/ counts the units of the learner's own course version.

A country version may add units of its own and hide units of the source; the bar must
count exactly the units the learner is asked to do (issue #22: it counted the source's).
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import post_form, sign_in
from tests.factories import COURSE, LESSON, MODULE, SIMPLE_QUIZ, import_course

FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-a.md": LESSON.replace("A lesson", "Lesson A"),
    "01-one/02-b.md": LESSON.replace("A lesson", "Lesson B"),
    "01-one/03-quiz.md": SIMPLE_QUIZ,
    # lv-LV: hides b, adds c and d of its own: a, quiz, c, d = 4 units (the source has 3)
    "locales/lv-LV/01-one/04-c.md": "---\nkind: lesson\ntitle: Nodarbība C\n---\nTeksts.\n",
    "locales/lv-LV/01-one/05-d.md": "---\nkind: lesson\ntitle: Nodarbība D\n---\nTeksts.\n",
    "locales/lv-LV/variant.yml": "hide:\n  - one/b\n",
}


def figure(client) -> tuple[int, int]:
    """(done, total) as /me/ shows them: the label and the progress element must agree."""
    page = client.get("/me/").get_data(as_text=True)
    label = re.search(r"(\d+) of (\d+) parts done", page)
    bar = re.search(r'<progress[^>]*max="(\d+)" value="(\d+)"', page)
    assert label and bar, page
    assert (label.group(1), label.group(2)) == (bar.group(2), bar.group(1))
    return int(label.group(1)), int(label.group(2))


@pytest.fixture
def learner(app, client, write_course, make_user):
    import_course(app, write_course, FILES)
    make_user("ilze@example.org", language="en", country="LV")
    sign_in(client, "ilze@example.org")
    post_form(client, "/me/courses/demo/enrol", {"variant": "lv-LV"}, page_url="/courses/demo/")
    return client


def mark_done(client, unit: str) -> None:
    response = post_form(client, f"/me/courses/demo/one/{unit}/done", page_url=f"/courses/demo/one/{unit}/")
    assert response.status_code == 302


def test_a_version_with_added_and_hidden_units_counts_its_own_units(learner):
    assert figure(learner) == (0, 4)
    for unit in ("a", "c", "d"):
        mark_done(learner, unit)
    assert figure(learner) == (3, 4)  # the quiz is still open: the bar is not full


def test_a_unit_done_before_it_was_hidden_does_not_count(app, learner, write_course):
    mark_done(learner, "a")
    files = {**FILES, "locales/lv-LV/variant.yml": "hide:\n  - one/b\n  - one/a\n"}
    import_course(app, write_course, files)
    assert figure(learner) == (0, 3)
