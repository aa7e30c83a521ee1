"""A two-module course with a Latvian version, a cohort lead, and helpers that make progress."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.cohorts import services as cohorts
from elearn.courses import reading as rd
from elearn.courses.importer import sync_tree
from elearn.extensions import db
from elearn.learning import services as learning
from tests.courses.test_validation import COURSE, LESSON, MODULE
from tests.learning.test_journey import QUIZ

FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-lesson.md": LESSON,
    "01-one/03-quiz.md": QUIZ,
    "02-two/module.md": MODULE.replace("Module one", "Module two"),
    "02-two/01-lesson.md": LESSON,
    "02-two/02-more.md": LESSON.replace("A lesson", "More"),
    "02-two/03-quiz.md": QUIZ,
    "locales/lv-LV/course.md": "---\ntitle: Demo kurss\n---\nApraksts.\n",
}


@pytest.fixture
def course(app, write_course):
    root = write_course(FILES)
    with app.app_context():
        assert sync_tree(root).ok
    return root


@pytest.fixture
def lead(make_user):
    make_user("lead@example.org", name="Līga Lead", roles=("cohort_lead",))
    return "lead@example.org"


def make_cohort(app, lead_email: str, *, name="Riga workshop", variant="lv-LV", days=30, **extra) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == lead_email))
        fields = cohorts.CohortFields(
            name=name,
            course=rd.get_course("demo"),
            variant_tag=variant,
            starts_on=date.today() - timedelta(days=7),
            ends_on=date.today() + timedelta(days=days),
            place="Rīga",
            inactive_days=extra.pop("inactive_days", 14),
            **extra,
        )
        return cohorts.create(user, fields).id


def join(app, email: str, cohort_id: int) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        from elearn.cohorts.models import Cohort

        cohorts.join(user, db.session.get(Cohort, cohort_id))


def work(app, email: str, *, lessons: list[tuple[str, str]] = (), quizzes: list[tuple[str, bool]] = ()):
    """Mark lessons (module, unit) done and take quizzes (module, right?) as this learner."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        course = rd.get_course("demo")
        enrolment = learning.get_enrolment(user, course)
        reading = rd.Reading(course, rd.variant_chain(course, enrolment.variant_tag if enrolment else None))
        modules = {m.slug: m.module for m in rd.modules(reading)}
        for module_slug, unit_slug in lessons:
            learning.mark_done(user, reading, modules[module_slug], unit_slug)
        for module_slug, right in quizzes:
            attempt = learning.start_attempt(user, reading, modules[module_slug], "quiz")
            learning.submit_attempt(
                user,
                reading,
                modules[module_slug],
                attempt,
                {"q0": "0" if right else "1", "q1": "2018" if right else "1990"},
            )


def finish(app, email: str) -> None:
    work(
        app,
        email,
        lessons=[("one", "lesson"), ("two", "lesson"), ("two", "more")],
        quizzes=[("one", True), ("two", True)],
    )
