"""What the learning domain holds about a person, for export and erasure (see docs/privacy.md).

Erasure keeps progress for cohort and programme statistics but detaches it from the person:
the rows move to the account's anonymous twin (:func:`elearn.auth.personal_data.anonymous_twin`),
one per erased account, so counts of distinct learners by course, version and period stay right.
What the learner typed into quizzes is dropped; scores and pass/fail stay.
"""

from __future__ import annotations

import sys
from types import ModuleType

from sqlalchemy import select, update

from elearn.auth.personal_data import anonymous_twin
from elearn.core import signals
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.learning.models import CourseCompletion, Enrolment, ModuleCompletion, QuizAttempt, UnitProgress

NAME = "learning"
ORDER = 10

MODELS = (Enrolment, UnitProgress, QuizAttempt, ModuleCompletion, CourseCompletion)
COLUMNS = {f"{model.__tablename__}.user_id" for model in MODELS}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _rows(model, user):
    return db.session.execute(
        select(model, Course.slug)
        .join(Course, Course.id == model.course_id)
        .where(model.user_id == user.id)
        .order_by(model.id)
    ).all()


def export(user) -> dict:
    return {
        "enrolments": [
            {
                "course": slug,
                "version": e.variant_tag,
                "enrolled_at": _iso(e.enrolled_at),
                "last_module": e.last_module,
                "last_unit": e.last_unit,
                "last_activity_at": _iso(e.last_activity_at),
            }
            for e, slug in _rows(Enrolment, user)
        ],
        "progress": [
            {
                "course": slug,
                "module": p.module_slug,
                "unit": p.unit_slug,
                "seen_at": _iso(p.seen_at),
                "done_at": _iso(p.done_at),
            }
            for p, slug in _rows(UnitProgress, user)
        ],
        "quiz_attempts": [
            {
                "course": slug,
                "module": a.module_slug,
                "unit": a.unit_slug,
                "number": a.number,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "answers": a.responses,
                "score": a.score,
                "passed": a.passed,
            }
            for a, slug in _rows(QuizAttempt, user)
        ],
        "modules_completed": [
            {"course": slug, "module": m.module_slug, "completed_at": _iso(m.completed_at)}
            for m, slug in _rows(ModuleCompletion, user)
        ],
        "courses_completed": [
            {"course": slug, "version": c.variant_tag, "completed_at": _iso(c.completed_at)}
            for c, slug in _rows(CourseCompletion, user)
        ],
    }


def erase(user) -> None:
    """Move progress to the anonymous twin (created only if there is any); drop typed quiz answers."""
    if not any(db.session.scalar(select(model.id).where(model.user_id == user.id).limit(1)) for model in MODELS):
        return
    twin = anonymous_twin(user)
    db.session.execute(update(QuizAttempt).where(QuizAttempt.user_id == user.id).values(responses=None))
    for model in MODELS:
        db.session.execute(update(model).where(model.user_id == user.id).values(user_id=twin.id))


# ---------------------------------------------------------------- connected to the domain events


@signals.account_erasing.connect
def _erase(user, **_) -> None:
    erase(user)


@signals.personal_data_exported.connect
def _export(user, **_) -> tuple[str, dict]:
    return NAME, export(user)


@signals.personal_data_columns.connect
def _columns(_sender, **_) -> ModuleType:
    return sys.modules[__name__]
