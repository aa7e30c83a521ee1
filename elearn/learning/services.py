"""The learner's path: enrol, read, mark done, take quizzes, complete modules and courses.

Rules (documented for learners and trainers in ``docs/learning.md``):

- Opening a lesson, interview or case story records it as *seen*; the learner marks it
  *done* with a button. A quiz is done when an attempt reaches its pass mark.
- A module is complete when every unit the learner's variant shows in it is done
  (its quiz passed); a course is complete when all its modules are. Completion is
  written once, with its time, and never taken back.
- Marking a unit done or starting a quiz enrols the learner if they were not yet.
- The best attempt counts. Attempts are limited by the quiz's ``attempts`` (0 = no limit).
- Every write is idempotent: unique rows are inserted with ON CONFLICT DO NOTHING and
  state moves only forward (``done_at = COALESCE(done_at, …)``, ``UPDATE … WHERE
  submitted_at IS NULL``), so double clicks, two tabs, retries and re-imports never
  duplicate, lose or lower anything.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from elearn.core import signals
from elearn.core.models import as_utc, dialect_insert, insert_ignore, rows_matched, utcnow
from elearn.courses import reading as rd
from elearn.courses.models import QUIZ, Course
from elearn.courses.tree import CourseTree, ModuleInfo, tree_of
from elearn.extensions import db
from elearn.learning import grading, progress, question_sets, visits
from elearn.learning.models import CourseCompletion, Enrolment, ModuleCompletion, QuizAttempt, UnitProgress


class LearningError(Exception):
    """A refusal to show the learner; ``str()`` is translated."""

    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------- enrolment


_ENROLMENT = select(Enrolment).where(
    Enrolment.user_id == bindparam("user_id"), Enrolment.course_id == bindparam("course_id")
)  # built once: every page asks


def get_enrolment(user, course: Course | CourseTree) -> Enrolment | None:
    return db.session.scalar(_ENROLMENT, {"user_id": user.id, "course_id": course.id})


@dataclass(frozen=True, slots=True)
class EnrolmentState:
    """What the reading pages need of an enrolment, read without the ORM (every page a learner reads asks)."""

    id: int
    course_id: int
    variant_tag: str | None
    last_module: str | None
    last_unit: str | None
    last_activity_at: datetime | None
    unit: tuple[str, str] | None = None  # (module slug, unit slug) of the unit page asked for, if any
    unit_seen: bool = False  # the learner has a progress row for that unit
    done: frozenset[tuple[str, str]] = frozenset()  # (module slug, unit slug) of every unit the learner has done

    @property
    def unit_done(self) -> bool:
        return self.unit in self.done


# Plain table columns: a Core statement skips the ORM's result processing (no entity is loaded).
_C, _E, _progress = Course.__table__.c, Enrolment.__table__.c, UnitProgress.__table__.c
_done = UnitProgress.__table__.alias("done").c
# The units the learner has done in the course, as one text ("module/unit module/unit …": slugs hold
# neither "/" nor spaces), so that the reading pages learn the learner's progress in the same query.
_DONE_UNITS = (
    select(func.aggregate_strings(_done.module_slug + "/" + _done.unit_slug, " "))
    .where(_done.user_id == _E.user_id, _done.course_id == _C.id, _done.done_at.is_not(None))
    .scalar_subquery()
)
_COURSE_AND_ENROLMENT = (
    select(
        _C.id,
        _C.content_stamp,
        _E.id.label("enrolment_id"),
        _E.variant_tag,
        _E.last_module,
        _E.last_unit,
        _E.last_activity_at,
        _DONE_UNITS.label("done_units"),
    )
    .select_from(
        Course.__table__.outerjoin(Enrolment.__table__, (_E.course_id == _C.id) & (_E.user_id == bindparam("user_id")))
    )
    .where(_C.slug == bindparam("slug"))
)
# The same for a unit page, with the learner's progress in the unit: a statement less per unit view.
_COURSE_ENROLMENT_AND_UNIT = _COURSE_AND_ENROLMENT.add_columns(_progress.id.label("progress_id")).outerjoin(
    UnitProgress.__table__,
    (_progress.user_id == _E.user_id)
    & (_progress.course_id == _C.id)
    & (_progress.module_slug == bindparam("module_slug"))
    & (_progress.unit_slug == bindparam("unit_slug")),
)


def course_and_enrolment(
    user,
    course_slug: str,
    unit: tuple[str, str] | None = None,
) -> tuple[CourseTree | None, EnrolmentState | None]:
    """The course's structure and the learner's enrolment in it with the units they have done, in one
    query; with ``unit`` (module slug, unit slug), whether the learner has seen that unit too."""
    statement, params = _COURSE_AND_ENROLMENT, {"slug": course_slug, "user_id": user.id}
    if unit is not None:
        statement, params = _COURSE_ENROLMENT_AND_UNIT, {**params, "module_slug": unit[0], "unit_slug": unit[1]}
    row = db.session.execute(statement, params).first()
    if row is None:
        return None, None
    enrolment = (
        None
        if row.enrolment_id is None
        else EnrolmentState(
            row.enrolment_id,
            row.id,
            row.variant_tag,
            row.last_module,
            row.last_unit,
            row.last_activity_at,
            unit,
            unit_seen=unit is not None and row.progress_id is not None,
            done=frozenset(_pair(text) for text in (row.done_units or "").split()),
        )
    )
    return tree_of(row.id, row.content_stamp), enrolment


def _pair(text: str) -> tuple[str, str]:
    module_slug, unit_slug = text.split("/", 1)
    return module_slug, unit_slug


def default_variant_for(user, course: Course | CourseTree) -> str | None:
    """The variant for the learner's language and country, else their language, else the source."""
    tags = [v.tag for v in course.variants]
    for candidate in (f"{user.language}-{user.country}", user.language):
        if candidate in tags:
            return candidate
    same_language = [t for t in tags if t.split("-")[0] == user.language]
    return same_language[0] if same_language else None


def enrol(user, course: Course | CourseTree, variant_tag: str | None = None) -> Enrolment:
    if variant_tag is None:
        variant_tag = default_variant_for(user, course)
    _check_variant(course, variant_tag)
    insert_ignore(
        Enrolment,
        user_id=user.id,
        course_id=course.id,
        variant_tag=variant_tag,
        enrolled_at=utcnow(),
        last_activity_at=utcnow(),
    )
    return db.session.execute(_ENROLMENT, {"user_id": user.id, "course_id": course.id}).scalar_one()


def change_variant(user, course: Course | CourseTree, variant_tag: str | None) -> None:
    """Progress is keyed by stable ids, so it carries over to the new variant."""
    _check_variant(course, variant_tag)
    db.session.execute(
        update(Enrolment)
        .where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
        .values(variant_tag=variant_tag)
    )


def _check_variant(course: Course | CourseTree, variant_tag: str | None) -> None:
    if variant_tag is not None and variant_tag not in {v.tag for v in course.variants}:
        raise LearningError(_l("This course has no such version."))


# ---------------------------------------------------------------- progress


ACTIVITY_RESOLUTION = timedelta(seconds=60)  # a visit to the same unit within a minute does not move the position


def open_unit(user, enrolment: EnrolmentState, *, record: bool) -> bool:
    """The learner opens the unit the enrolment was read with (``course_and_enrolment(…, unit)``):
    whether they have done it. With ``record`` (not for quizzes) the visit counts: the unit is
    seen (written at once, the first time), and "continue" leads here (written in a batch: visits)."""
    if enrolment.unit is None:
        raise ValueError("open_unit needs the enrolment read with its unit: course_and_enrolment(user, slug, unit)")
    module_slug, unit_slug = enrolment.unit
    if record:
        now = utcnow()
        if not enrolment.unit_seen:
            insert_ignore(
                UnitProgress,
                user_id=user.id,
                course_id=enrolment.course_id,
                module_slug=module_slug,
                unit_slug=unit_slug,
                seen_at=now,
            )
        last = enrolment.last_activity_at
        if (
            (enrolment.last_module, enrolment.last_unit) != (module_slug, unit_slug)
            or last is None
            or now - as_utc(last) > ACTIVITY_RESOLUTION
        ):
            visits.record(enrolment.id, user.id, module_slug, unit_slug, now)
    return enrolment.unit_done


def _ensure_enrolled(user, reading: rd.Reading) -> None:
    """Working on a course (marking done, starting a quiz) enrols the learner in the version read."""
    if get_enrolment(user, reading.course) is None:
        enrol(user, reading.course, reading.tag)


def mark_done(user, reading: rd.Reading, module: ModuleInfo, unit_slug: str) -> bool:
    """The learner has done a lesson, interview or case story (by hand, or by going on with "Next"):
    whether that completed the course."""
    unit = _visible_unit(reading, module, unit_slug)
    _ensure_enrolled(user, reading)
    if unit.kind == QUIZ:
        raise LearningError(_l("A quiz is done when you pass it."))
    _set_done(user, reading.course.id, module.slug, unit_slug)
    return _complete_if_done(user, reading, module)


def mark_not_done(user, reading: rd.Reading, module: ModuleInfo, unit_slug: str) -> None:
    """The learner takes back "done" on a lesson, interview or case story (to read it again).

    Module and course completion, once recorded, stay (certificates are issued from them)."""
    unit = _visible_unit(reading, module, unit_slug)
    if unit.kind == QUIZ:
        raise LearningError(_l("A quiz is done when you pass it."))
    db.session.execute(
        update(UnitProgress.__table__)
        .where(
            _progress.user_id == user.id,
            _progress.course_id == reading.course.id,
            _progress.module_slug == module.slug,
            _progress.unit_slug == unit_slug,
        )
        .values(done_at=None)
    )


def _set_done(user, course_id: int, module_slug: str, unit_slug: str) -> None:
    """Seen and done now, or done now if only seen before: one statement, and a done time never moves."""
    now = utcnow()
    db.session.execute(
        _done_statement(db.session.get_bind().dialect.name),
        {
            "user_id": user.id,
            "course_id": course_id,
            "module_slug": module_slug,
            "unit_slug": unit_slug,
            "seen_at": now,
            "done_at": now,
        },
    )


@cache
def _done_statement(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE SET done_at = COALESCE(done_at, the new time), built once per dialect."""
    insert = dialect_insert(UnitProgress.__table__, dialect)
    return insert.on_conflict_do_update(
        index_elements=[_progress.user_id, _progress.course_id, _progress.module_slug, _progress.unit_slug],
        set_={"done_at": func.coalesce(_progress.done_at, insert.excluded.done_at)},
    )


def _visible_unit(reading: rd.Reading, module: ModuleInfo, unit_slug: str) -> rd.UnitView:
    for view in rd.units(reading, module):
        if view.slug == unit_slug:
            return view
    raise LearningError(_l("This unit is not part of your version of the course."))


_DONE_IN_MODULE = select(_progress.unit_slug).where(
    _progress.user_id == bindparam("user_id"),
    _progress.course_id == bindparam("course_id"),
    _progress.module_slug == bindparam("module_slug"),
    _progress.done_at.is_not(None),
)


def units_done(user, course_id: int, module_slug: str) -> set[str]:
    """The slugs of the module's units the learner has done."""
    return set(
        db.session.scalars(_DONE_IN_MODULE, {"user_id": user.id, "course_id": course_id, "module_slug": module_slug})
    )


_completion = ModuleCompletion.__table__.c
_COMPLETED_MODULES = select(_completion.module_slug).where(
    _completion.user_id == bindparam("user_id"), _completion.course_id == bindparam("course_id")
)


def _complete_if_done(user, reading: rd.Reading, module: ModuleInfo) -> bool:
    """Record the module's completion once all its units are done, and the course's once all its
    modules are: whether the course was completed now."""
    done = units_done(user, reading.course.id, module.slug)
    if not progress.of(reading, ((module.slug, slug) for slug in done)).modules[module.slug].complete:
        return False
    insert_ignore(
        ModuleCompletion, user_id=user.id, course_id=reading.course.id, module_slug=module.slug, completed_at=utcnow()
    )
    module_slugs = {m.slug for m in reading.course.modules}
    completed = set(db.session.scalars(_COMPLETED_MODULES, {"user_id": user.id, "course_id": reading.course.id}))
    if module_slugs <= completed:
        newly = insert_ignore(
            CourseCompletion,
            user_id=user.id,
            course_id=reading.course.id,
            variant_tag=reading.tag,
            completed_at=utcnow(),
        )
        if newly:
            signals.course_completed.send(
                get_enrolment(user, reading.course),
                user=user,
                course=reading.course,
                variant_tag=reading.tag,
                course_title=rd.course_texts(reading)[0],
            )
        return newly
    return False


# ---------------------------------------------------------------- quizzes


def attempts_for(user, course_id: int, module_slug: str, unit_slug: str) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.course_id == course_id,
                QuizAttempt.module_slug == module_slug,
                QuizAttempt.unit_slug == unit_slug,
            )
            .order_by(QuizAttempt.number)
        )
    )


_attempt = QuizAttempt.__table__.c
_ATTEMPT_SUMMARIES = (
    select(_attempt.number, _attempt.submitted_at, _attempt.score, _attempt.passed)
    .where(
        _attempt.user_id == bindparam("user_id"),
        _attempt.course_id == bindparam("course_id"),
        _attempt.module_slug == bindparam("module_slug"),
        _attempt.unit_slug == bindparam("unit_slug"),
    )
    .order_by(_attempt.number)
)


def attempt_summaries(user, course_id: int, module_slug: str, unit_slug: str) -> Sequence[Row]:
    """What a quiz page lists of the learner's attempts (number, submitted_at, score, passed), in order.

    Plain columns: the attempts' questions and answers (JSON) are not read for the list."""
    return db.session.execute(
        _ATTEMPT_SUMMARIES,
        {"user_id": user.id, "course_id": course_id, "module_slug": module_slug, "unit_slug": unit_slug},
    ).all()


def start_attempt(user, reading: rd.Reading, module: ModuleInfo, unit_slug: str) -> QuizAttempt:
    """The open attempt if there is one, else a new one (if attempts remain)."""
    view = rd.with_body(_visible_unit(reading, module, unit_slug))
    if view.kind != QUIZ:
        raise LearningError(_l("This unit is not a quiz."))
    _ensure_enrolled(user, reading)
    attempts = attempts_for(user, reading.course.id, module.slug, unit_slug)
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt:
        return open_attempt
    limit = view.meta.get("attempts") or 0
    if limit and len(attempts) >= limit:
        raise LearningError(_l("You have used all your attempts at this quiz."))
    attempt = QuizAttempt(
        user_id=user.id,
        course_id=reading.course.id,
        module_slug=module.slug,
        unit_slug=unit_slug,
        number=len(attempts) + 1,
        seed=secrets.randbelow(2**31),
        question_set_digest=question_sets.store(view.questions),
        pass_mark=view.meta.get("pass_mark", reading.course.pass_mark),
    )
    try:
        with db.session.begin_nested():  # a savepoint: a lost race undoes only this insert
            db.session.add(attempt)
    except IntegrityError:  # another tab started the same attempt a moment ago
        return next(a for a in attempts_for(user, reading.course.id, module.slug, unit_slug) if a.submitted_at is None)
    return attempt


_ATTEMPT = select(QuizAttempt).where(
    QuizAttempt.user_id == bindparam("user_id"),
    QuizAttempt.course_id == bindparam("course_id"),
    QuizAttempt.module_slug == bindparam("module_slug"),
    QuizAttempt.unit_slug == bindparam("unit_slug"),
    QuizAttempt.number == bindparam("number"),
)


def get_attempt(user, course: Course, module_slug: str, unit_slug: str, number: int) -> QuizAttempt | None:
    """Only the learner's own attempt: another learner's number finds nothing."""
    return db.session.scalar(
        _ATTEMPT,
        {
            "user_id": user.id,
            "course_id": course.id,
            "module_slug": module_slug,
            "unit_slug": unit_slug,
            "number": number,
        },
    )


# A Core statement on the table: the ORM's UPDATE would also look for the attempt among the
# session's objects to update them; submit_attempt expires it instead.
_CLOSE_ATTEMPT = (
    update(QuizAttempt.__table__)
    .where(_attempt.id == bindparam("attempt_id"), _attempt.submitted_at.is_(None))
    .values(
        {
            name: bindparam(name, type_=_attempt[name].type)
            for name in ("submitted_at", "responses", "score", "passed", "results")
        }
    )
)


class StaleSubmission(LearningError):
    pass


def submit_attempt(user, reading: rd.Reading, module: ModuleInfo, attempt: QuizAttempt, form) -> QuizAttempt:
    """Grade and close an attempt exactly once; a repeated or stale submission is refused."""
    if attempt.user_id != user.id:
        raise LearningError(_l("This is not your attempt."))
    questions = question_sets.questions_of(attempt)
    responses = grading.parse_responses(questions, form)
    result = grading.grade_attempt(questions, responses)
    passed = result.percent >= attempt.pass_mark
    closed = rows_matched(
        db.session.execute(
            _CLOSE_ATTEMPT,
            {
                "attempt_id": attempt.id,
                "submitted_at": utcnow(),
                "responses": responses,
                "score": result.percent,
                "passed": passed,
                "results": [_result_dict(r) for r in result.results],
            },
        )
    )
    if not closed:  # nothing was written: the caller's transaction may go on
        raise StaleSubmission(_l("This attempt was already submitted; your answers were counted once."))
    if passed:
        _set_done(user, reading.course.id, module.slug, attempt.unit_slug)
        _complete_if_done(user, reading, module)
    db.session.expire(attempt)  # read again, graded, when used (the view only redirects)
    return attempt


def _result_dict(result: grading.QuestionResult) -> dict:
    return {
        "score": result.score,
        "status": result.status,
        "feedback": result.feedback,
        "right_answer": result.right_answer,
    }


# ---------------------------------------------------------------- the learner's page


def dashboard(user) -> list[dict]:
    """Each enrolled course with the learner's progress in their version (:mod:`elearn.learning.progress`),
    its completion and where to continue.

    Three queries; each version's units come from the worker's copy of the course tree."""
    rows = db.session.execute(
        select(Enrolment, Course)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.last_activity_at.desc())
    ).all()
    if not rows:
        return []
    course_ids = [course.id for _e, course in rows]
    done: dict[int, set[tuple[str, str]]] = {course_id: set() for course_id in course_ids}
    for course_id, module_slug, unit_slug in db.session.execute(
        select(UnitProgress.course_id, UnitProgress.module_slug, UnitProgress.unit_slug).where(
            UnitProgress.user_id == user.id,
            UnitProgress.course_id.in_(course_ids),
            UnitProgress.done_at.is_not(None),
        )
    ):
        done[course_id].add((module_slug, unit_slug))
    completed = dict(
        db.session.execute(
            select(CourseCompletion.course_id, CourseCompletion.completed_at).where(
                CourseCompletion.user_id == user.id, CourseCompletion.course_id.in_(course_ids)
            )
        ).all()
    )
    entries = []
    for enrolment, course in rows:
        tree = tree_of(course.id, course.content_stamp)
        reading = rd.Reading(tree, rd.variant_chain(tree, enrolment.variant_tag))
        title, _summary, _description, lang = rd.course_texts(reading)
        entries.append(
            {
                "enrolment": enrolment,
                "course": course,
                "title": title,  # in the learner's version, and its language
                "lang": lang,
                "progress": progress.of(reading, done[course.id]),
                "completed_at": completed.get(course.id),
            }
        )
    return entries
