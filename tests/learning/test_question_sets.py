"""Quiz attempts refer to shared, content-keyed question sets (elearn.learning.question_sets)."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.core.transaction import unit_of_work
from elearn.courses.importer import sync_tree
from elearn.extensions import db
from elearn.learning import question_sets
from elearn.learning.models import QuestionSet, QuizAttempt
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import GRADED_QUIZ as QUIZ
from tests.factories import ONE_MODULE_FILES as FILES

START = "/me/courses/demo/one/quiz/attempts"


def start_attempt(client, make_user, email: str) -> str:
    make_user(email)
    sign_in(client, email)
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    return post_form(client, START, page_url="/courses/demo/one/quiz/").headers["Location"]


def sets(app) -> list[QuestionSet]:
    with app.app_context():
        return list(db.session.scalars(select(QuestionSet)))


def test_attempts_at_one_version_of_a_quiz_share_one_question_set(app, client, course, make_user):
    start_attempt(client, make_user, "ana@example.org")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/me/").get_data(as_text=True))})
    start_attempt(client, make_user, "ben@example.org")
    [stored] = sets(app)
    with app.app_context():
        digests = set(db.session.scalars(select(QuizAttempt.question_set_digest)))
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 2
    assert digests == {stored.digest} == {question_sets.digest(stored.questions)}
    assert [q["type"] for q in stored.questions] == ["single", "numeric"]


def test_a_changed_quiz_is_a_new_set_and_an_open_attempt_keeps_the_questions_it_showed(
    app, client, course, make_user, write_course
):
    url = start_attempt(client, make_user, "ana@example.org")
    changed = QUIZ.replace(
        "Which year did Latvia's Social Enterprise Law take effect?",
        "Which year was the Slovenian Social Entrepreneurship Act adopted?",
    ).replace("2018", "2011")
    with app.app_context(), unit_of_work():
        assert sync_tree(write_course({**FILES, "01-one/03-quiz.md": changed})).ok
    page = client.get(url).get_data(as_text=True)
    assert "Latvia" in page and "Slovenian" not in page
    result = client.post(url, data={"csrf_token": csrf_from(page), "q0": "0", "q1": "2018"}, follow_redirects=True)
    assert "You passed." in result.get_data(as_text=True)

    new = post_form(client, START, page_url="/courses/demo/one/quiz/").headers["Location"]
    assert new.endswith("/attempts/2/") and "Slovenian" in client.get(new).get_data(as_text=True)
    assert len(sets(app)) == 2


def test_a_worker_reads_a_question_set_once(app, client, course, make_user, count_queries):
    question_sets._kept.clear()
    url = start_attempt(client, make_user, "ana@example.org")
    with count_queries() as first:
        page = client.get(url).get_data(as_text=True)
    with count_queries() as submission:
        client.post(url, data={"csrf_token": csrf_from(page), "q0": "1", "q1": "1"})
    assert sum("FROM question_set" in s for s in first.statements) == 1
    assert not any("question_set" in s and "quiz_attempt" not in s for s in submission.statements)
    with app.app_context():
        assert db.session.scalar(select(QuizAttempt.score)) == 0
