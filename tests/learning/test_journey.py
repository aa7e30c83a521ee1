"""The learner's whole path on the real database, and idempotent progress under concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.core.transaction import unit_of_work
from elearn.courses import reading as rd
from elearn.courses.importer import sync_tree
from elearn.extensions import db
from elearn.learning import services
from elearn.learning.models import CourseCompletion, ModuleCompletion, QuizAttempt, UnitProgress
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import GRADED_QUIZ as QUIZ  # noqa: F401 - tests.learning.test_question_sets imports it
from tests.factories import LESSON
from tests.factories import ONE_MODULE_FILES as FILES


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def answer_attempt(client, url: str, *, right: bool):
    page = client.get(url).get_data(as_text=True)
    assert "The social aim" in page and "Right." not in page  # no feedback before submission
    assert "2018" not in page  # nor the numeric answer
    return client.post(
        url, data={"csrf_token": csrf_from(page), "q0": "0" if right else "1", "q1": "2018" if right else "2011"}
    )


def test_the_whole_learner_journey(client, app, course, mailbox):
    # register and confirm through the mail actually received
    post_form(
        client,
        "/register",
        {
            "name": "Jānis Ozols",
            "email": "janis@example.org",
            "password": "sunny day at the seaside",
            "country": "LV",
            "language": "en",
        },
    )
    client.get(mailbox.link_in("janis@example.org").split("localhost", 1)[-1])
    sign_in(client, "janis@example.org", "sunny day at the seaside")

    # enrol; /me/ shows the course with its progress bar
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    me = client.get("/me/").get_data(as_text=True)
    assert "0 of 3 units done" in me and "Start the course" in me

    # read: opening records "seen", the button records "done"
    assert "Mark as done" in client.get("/courses/demo/one/lesson/").get_data(as_text=True)
    assert count(app, UnitProgress) == 1
    post_form(client, "/me/courses/demo/one/lesson/done", page_url="/courses/demo/one/lesson/")
    post_form(client, "/me/courses/demo/one/story/done", page_url="/courses/demo/one/story/")
    assert "You marked this as done." in client.get("/courses/demo/one/story/").get_data(as_text=True)
    assert "Continue where you left off" in client.get("/me/").get_data(as_text=True)

    # fail the quiz, then pass it
    start = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/")
    first = start.headers["Location"]
    result = client.get(answer_attempt(client, first, right=False).headers["Location"]).get_data(as_text=True)
    assert "Your score: 0%" in result and "You need 100% to pass." in result and "Profit serves the aim." in result
    assert count(app, ModuleCompletion) == 0
    second = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/")
    assert second.headers["Location"].endswith("/attempts/2/")
    result = client.get(answer_attempt(client, second.headers["Location"], right=True).headers["Location"])
    assert "You passed." in result.get_data(as_text=True)

    # module and course complete, recorded once with their time
    assert count(app, ModuleCompletion) == 1 and count(app, CourseCompletion) == 1
    me = client.get("/me/").get_data(as_text=True)
    assert "3 of 3 units done" in me and "Completed on" in me


def test_a_stale_resubmission_is_refused_and_counts_once(client, app, course, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    url = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/").headers[
        "Location"
    ]
    page = client.get(url).get_data(as_text=True)
    token = csrf_from(page)
    client.post(url, data={"csrf_token": token, "q0": "0", "q1": "2018"})
    again = client.post(url, data={"csrf_token": token, "q0": "1", "q1": "1"}, follow_redirects=True)
    assert "already submitted; your answers were counted once" in again.get_data(as_text=True)
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert attempt.score == 100 and attempt.passed


def test_attempt_limit(client, app, course, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    for _ in range(3):
        url = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/").headers[
            "Location"
        ]
        answer_attempt(client, url, right=False)
    refused = post_form(
        client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/", follow_redirects=True
    )
    assert "You have used all your attempts" in refused.get_data(as_text=True)
    assert count(app, QuizAttempt) == 3


def test_answers_are_shuffled_per_attempt_and_stable_on_reload(client, app, course, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    url = post_form(client, "/me/courses/demo/one/quiz/attempts", page_url="/courses/demo/one/quiz/").headers[
        "Location"
    ]
    first, reload = client.get(url).get_data(as_text=True), client.get(url).get_data(as_text=True)
    order = lambda page: page.index("The social aim") < page.index("Profit for shareholders")  # noqa: E731
    assert order(first) == order(reload)


def test_changing_variant_keeps_progress(client, app, write_course, make_user):
    root = write_course({**FILES, "locales/lv/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\nTeksts.\n"})
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    post_form(client, "/me/courses/demo/one/lesson/done", page_url="/courses/demo/one/lesson/")
    post_form(client, "/me/courses/demo/variant", {"variant": "lv"}, page_url="/courses/demo/")
    page = client.get("/courses/demo/one/lesson/").get_data(as_text=True)
    assert "Nodarbība" in page and "You marked this as done." in page
    # a re-import of the course keeps progress too
    (root / "demo/01-one/01-lesson.md").write_text(LESSON.replace("Text.", "Edited."), encoding="utf-8")
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    assert "You marked this as done." in client.get("/courses/demo/one/lesson/").get_data(as_text=True)


def run_concurrently(app, work, times: int = 20) -> list:
    """Start ``times`` threads at once, each in its own app context, database connection and unit of work."""
    barrier = threading.Barrier(times)
    outcomes: list = []

    def run():
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work():
                    outcome = work()
            except Exception as error:
                outcome = error
            finally:
                db.session.remove()
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.real_commits
def test_twenty_threads_mark_the_same_unit_and_submit_the_same_attempt(app, course, make_user):
    user_id = make_user("ana@example.org")
    with app.app_context(), unit_of_work():
        user = db.session.get(User, user_id)
        enrolment = services.enrol(user, rd.get_course("demo"))
        assert enrolment is not None

    def mark():
        user = db.session.get(User, user_id)
        reading = rd.Reading(rd.get_course("demo"), [])
        module = rd.modules(reading)[0].module
        services.mark_done(user, reading, module, "lesson")
        return "ok"

    outcomes = run_concurrently(app, mark)
    assert outcomes == ["ok"] * 20
    with app.app_context():
        rows = db.session.scalars(select(UnitProgress).where(UnitProgress.unit_slug == "lesson")).all()
        assert len(rows) == 1 and rows[0].done_at is not None

    with app.app_context(), unit_of_work():
        user = db.session.get(User, user_id)
        reading = rd.Reading(rd.get_course("demo"), [])
        attempt_id = services.start_attempt(user, reading, rd.modules(reading)[0].module, "quiz").id

    def submit():
        user = db.session.get(User, user_id)
        reading = rd.Reading(rd.get_course("demo"), [])
        attempt = db.session.get(QuizAttempt, attempt_id)
        services.submit_attempt(user, reading, rd.modules(reading)[0].module, attempt, {"q0": "0", "q1": "2018"})
        return "submitted"

    outcomes = run_concurrently(app, submit)
    assert outcomes.count("submitted") == 1
    assert all(isinstance(o, services.StaleSubmission) for o in outcomes if o != "submitted"), outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
        assert (
            db.session.scalar(select(func.count()).select_from(UnitProgress).where(UnitProgress.unit_slug == "quiz"))
            == 1
        )
        assert db.session.get(QuizAttempt, attempt_id).score == 100


def test_done_keeps_the_first_seen_and_done_times(client, app, course, make_user):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    client.get("/courses/demo/one/lesson/")  # seen, not done

    def progress():
        with app.app_context():
            row = db.session.scalars(select(UnitProgress).where(UnitProgress.unit_slug == "lesson")).one()
            return row.seen_at, row.done_at

    seen, done = progress()
    assert done is None
    for _ in range(2):
        post_form(client, "/me/courses/demo/one/lesson/done", page_url="/courses/demo/one/lesson/")
        if done is None:
            assert progress()[1] is not None
            done = progress()[1]
        assert progress() == (seen, done)  # marking again moves neither time
    assert count(app, UnitProgress) == 1


@pytest.mark.parametrize("variant_tag", ["", "lv-LV", "sl-SI"])
def test_every_demo_quiz_can_be_taken_and_its_result_shown(client, app, demo, make_user, variant_tag):
    """All question types of the demo course (markdown and GIFT) through the attempt and result pages."""
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(
        client,
        "/me/courses/social-entrepreneurship/enrol",
        {"variant": variant_tag},
        page_url="/courses/social-entrepreneurship/",
    )
    with app.app_context():
        from elearn.courses.models import Module
        from elearn.courses.models import Unit as UnitRow

        quizzes = db.session.execute(
            select(Module.slug, UnitRow.slug)
            .join(UnitRow, UnitRow.module_id == Module.id)
            .where(UnitRow.kind == "quiz")
        ).all()
    assert len(quizzes) == 8  # one per module of the demo course
    for module_slug, unit_slug in quizzes:
        unit_url = f"/courses/social-entrepreneurship/{module_slug}/{unit_slug}/"
        attempt_url = post_form(
            client, f"/me/courses/social-entrepreneurship/{module_slug}/{unit_slug}/attempts", page_url=unit_url
        ).headers["Location"]
        page = client.get(attempt_url)
        assert page.status_code == 200, attempt_url
        result = client.post(
            attempt_url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), "q0": "0"}, follow_redirects=True
        )
        assert result.status_code == 200 and "Your score:" in result.get_data(as_text=True), attempt_url
