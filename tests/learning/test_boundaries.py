"""Learning's edges (#20): one transaction per unit of work, other domains reached through signals only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.core import signals
from elearn.core.signals import DashboardSection
from elearn.core.transaction import unit_of_work
from elearn.courses import reading as rd
from elearn.extensions import db
from elearn.learning import services
from elearn.learning.models import QuizAttempt, UnitProgress
from tests.conftest import post_form, sign_in

LEARNING = Path(services.__file__).parent
ABOVE_LEARNING = ("elearn.certificates", "elearn.cohorts", "elearn.localisation", "elearn.board")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_learning_imports_no_domain_above_it():
    """Certificates, cohorts, localisation and the board hear from learning through elearn.core.signals."""
    crossing = {
        f"{path.name}: {module}"
        for path in LEARNING.glob("*.py")
        for module in imported_modules(path)
        if module.startswith(ABOVE_LEARNING)
    }
    assert crossing == set()


def test_completing_a_course_sends_course_completed_with_what_certificates_need(app, course, make_user):
    user_id = make_user("ana@example.org")
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs))

    with app.app_context(), signals.course_completed.connected_to(listener):
        user = db.session.get(User, user_id)
        course_row = rd.get_course("demo")
        reading = rd.Reading(course_row, rd.variant_chain(course_row, None))
        module = rd.modules(reading)[0].module
        services.mark_done(user, reading, module, "lesson")
        services.mark_done(user, reading, module, "story")
        assert heard == []  # the quiz is not passed yet
        attempt = services.start_attempt(user, reading, module, "quiz")
        services.submit_attempt(user, reading, module, attempt, {"q0": "0", "q1": "2018"})
        [(enrolment, kwargs)] = heard
        assert (enrolment.user_id, enrolment.course_id) == (user_id, course_row.id)
        assert kwargs == {
            "user": user,
            "course": course_row,
            "variant_tag": None,
            "course_title": rd.course_texts(reading)[0],
        }


def test_a_lost_race_for_a_new_attempt_undoes_only_that_insert(app, course, make_user, monkeypatch):
    """Another tab started attempt 1 a moment ago: the savepoint drops our copy, the rest of the work stays."""
    user_id = make_user("ana@example.org")
    with app.app_context(), unit_of_work():
        user = db.session.get(User, user_id)
        course_row = rd.get_course("demo")
        reading = rd.Reading(course_row, rd.variant_chain(course_row, None))
        module = rd.modules(reading)[0].module
        first = services.start_attempt(user, reading, module, "quiz")
    with app.app_context(), unit_of_work():
        user = db.session.get(User, user_id)
        course_row = rd.get_course("demo")
        reading = rd.Reading(course_row, rd.variant_chain(course_row, None))
        module = rd.modules(reading)[0].module
        services.mark_done(user, reading, module, "lesson")  # written before, in the same transaction
        real = services.attempts_for
        calls = []

        def not_yet_seen(*args):  # the other tab's attempt is not visible to the first look
            calls.append(args)
            return [] if len(calls) == 1 else real(*args)

        monkeypatch.setattr(services, "attempts_for", not_yet_seen)
        again = services.start_attempt(user, reading, module, "quiz")
        assert again.id == first.id and len(calls) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
        done = db.session.scalar(select(UnitProgress.done_at).where(UnitProgress.unit_slug == "lesson"))
        assert done is not None


@pytest.mark.own_app  # a template loader of its own
def test_the_learners_page_shows_other_domains_sections_in_their_order(app, client, course, make_user):
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"tests/_section.html": "<p>Section {{ section.context.name }}</p>"}), app.jinja_env.loader]
    )

    def early(_user, **_):
        return DashboardSection(-5, "tests/_section.html", {"name": "early"})

    def late(_user, **_):
        return DashboardSection(7, "tests/_section.html", {"name": "late"})

    def middle(_user, **_):
        return DashboardSection(6, "tests/_section.html", {"name": "middle"})

    def nothing(_user, **_):
        return None

    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    with (
        signals.learner_dashboard.connected_to(late),
        signals.learner_dashboard.connected_to(nothing),
        signals.learner_dashboard.connected_to(early),
        signals.learner_dashboard.connected_to(middle),
    ):
        page = client.get("/me/").get_data(as_text=True)
    positions = [page.index(text) for text in ("Section early", "Start the course", "Section middle", "Section late")]
    assert positions == sorted(positions)
    assert page.count("<p>Section ") == 3
