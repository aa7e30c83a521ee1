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
    label = re.search(r"(\d+) of (\d+) units done", page)
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


# ---------------------------------------------------------------- the same figures on every page

# Two modules; lv-LV adds a unit of its own to module one: the source has 5 units, lv-LV 6.
ADDED = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-a.md": LESSON.replace("A lesson", "Lesson A"),
    "01-one/02-b.md": LESSON.replace("A lesson", "Lesson B"),
    "01-one/04-quiz.md": SIMPLE_QUIZ,
    "locales/lv-LV/01-one/03-c.md": "---\nkind: lesson\ntitle: Nodarbība C\n---\nTeksts.\n",
    "02-two/module.md": MODULE.replace("Module one", "Module two"),
    "02-two/01-e.md": LESSON.replace("A lesson", "Lesson E"),
    "02-two/02-f.md": LESSON.replace("A lesson", "Lesson F"),
}


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def module_items(page: str) -> dict[str, str]:
    """Each unit of a module page's list: its title and the state the list gives it."""
    section = page[page.index('id="units-heading"') : page.index("</ol>", page.index('id="units-heading"'))]
    return dict(re.findall(r'<a href="[^"]+">([^<]+)</a>.*?<span class="unit-state">([^<]+)</span>', section))


@pytest.fixture
def lv_learner(app, client, write_course, make_user):
    import_course(app, write_course, ADDED)
    make_user("ilze@example.org", language="en", country="LV")
    sign_in(client, "ilze@example.org")
    post_form(client, "/me/courses/demo/enrol", {"variant": "lv-LV"}, page_url="/courses/demo/")
    return client


def test_an_added_unit_counts_on_me_and_on_the_course_module_and_unit_pages(lv_learner):
    client = lv_learner
    for module, unit in (("one", "a"), ("one", "b"), ("one", "c"), ("two", "e"), ("two", "f")):
        response = post_form(
            client, f"/me/courses/demo/{module}/{unit}/done", page_url=f"/courses/demo/{module}/{unit}/"
        )
        assert response.status_code == 302
    assert figure(client) == (5, 6)  # the quiz is open: not full, and not "5 of 5"

    course = text(client, "/courses/demo/")
    assert "5 of 6 units done" in course
    assert "3 of 4 units done" in course and "2 of 2 units done" in course  # module one, module two
    assert course.count("Module complete") == 1  # module two only

    one = text(client, "/courses/demo/one/")
    assert "3 of 4 units done" in one and "Module complete" not in one
    assert module_items(one) == {
        "Lesson A": "done",
        "Lesson B": "done",
        "Nodarbība C": "done",
        "Quiz": "not done yet",
    }
    assert "2 of 2 units done" in text(client, "/courses/demo/two/")

    unit = text(client, "/courses/demo/one/c/")
    assert "unit 3 of 4" in unit and "You marked this as done." in unit
    quiz = text(client, "/courses/demo/one/quiz/")
    assert "unit 4 of 4" in quiz and "You passed this quiz" not in quiz


def test_a_version_that_hides_a_unit_reaches_100_percent(learner):
    """lv-LV hides b: a, quiz, c, d are all the learner has to do."""
    for unit in ("a", "c", "d"):
        mark_done(learner, unit)
    quiz = post_form(learner, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/")
    post_form(learner, quiz.headers["Location"], {"q0": "0"})
    assert figure(learner) == (4, 4)
    me = text(learner, "/me/")
    assert "Completed on" in me and "Continue where you left off" not in me
    assert "4 of 4 units done" in text(learner, "/courses/demo/") and "Module complete" in text(
        learner, "/courses/demo/one/"
    )


def test_the_cohort_dashboard_counts_the_versions_units(app, client, write_course, make_user):
    """A unit done before the version hid it counts nowhere: not on /me/, not for the cohort lead."""
    from tests.factories import join, make_cohort, work

    import_course(app, write_course, FILES)
    make_user("lead@example.org", roles=("cohort_lead",))
    make_user("ilze@example.org", name="Ilze Done", language="en", country="LV")
    cohort_id = make_cohort(app, "lead@example.org", variant="lv-LV")
    join(app, "ilze@example.org", cohort_id)
    work(app, "ilze@example.org", lessons=[("one", "a"), ("one", "c")])
    files = {**FILES, "locales/lv-LV/variant.yml": "hide:\n  - one/b\n  - one/a\n"}  # a is hidden now
    import_course(app, write_course, files)

    sign_in(client, "ilze@example.org")
    assert figure(client) == (1, 3)
    client.get("/logout")
    sign_in(client, "lead@example.org")
    page = text(client, f"/cohorts/{cohort_id}/")
    row = page[page.index('<th scope="row">Ilze Done') :]
    row = row[: row.index("</tr>")]
    assert "1/3" in row.replace(" ", "") or "1 / 3" in row, row
    assert "33%" in row, row


def test_a_finished_course_on_me_has_one_date_format_and_its_certificate(app, client, write_course, make_user):
    """No "continue" for a finished course; the course and certificate cards give the date the same way,
    in the learner's language; the certificate card links to the certificate's page (#22)."""
    import_course(app, write_course, {**FILES, "locales/lv-LV/variant.yml": "hide:\n  - one/b\n"})
    make_user("ilze@example.org", language="lv", country="LV")
    sign_in(client, "ilze@example.org")
    post_form(client, "/me/courses/demo/enrol", {"variant": "lv-LV"}, page_url="/courses/demo/")
    for unit in ("a", "c", "d"):
        mark_done(client, unit)
    quiz = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/")
    post_form(client, quiz.headers["Location"], {"q0": "0"})

    me = text(client, "/me/")
    dates = re.findall(r"(\d{4}\. gada \d{1,2}\. [^\s<]+)", me)  # Babel's medium date in Latvian
    assert len(dates) == 2 and dates[0] == dates[1], dates  # the certificate card, then the course card
    certificate = re.search(r'<a [^>]*href="(/certificates/[\w-]+)"', me)  # its page, not its PDF
    assert certificate, me
    assert me.index(certificate.group(0)) < me.index('id="progress-demo"')  # its moment: before the courses
    assert client.get(certificate.group(1)).status_code == 200
    assert 'href="/courses/demo/one/' not in me.split('id="progress-demo"')[1]  # no "continue where you left off"
