"""The benchmark's data set, written through the real importer and bulk SQL.

- the demo course from ``courses/`` and a generated 12 × 6 course (``coursegen``), both
  imported with :func:`elearn.courses.importer.sync_tree`;
- 5,000 learners sharing one precomputed Argon2 hash (hashing 5,000 passwords would take
  minutes and measures nothing), enrolled in the generated course (learners whose
  language is Latvian in ``lv-LV``), with progress spread from "opened the first unit"
  to "completed the course": unit progress, passed quiz attempts, module and course
  completions, all inserted in bulk;
- a cohort of 2,000 of them with a lead (through ``elearn.cohorts.services.create``);
- 1,000 board posts, when the board package exists (see :func:`seed_board`);
- TechEmpower's fortune table for ``/_bench/fortunes``;
- sign-in sessions for the "virtual users" the load generator plays, made with
  ``elearn.auth.sessions.sign_in`` (one ``UserSession`` row and a signed cookie each),
  with the CSRF token their forms need;
- a pool of fresh (unsubmitted) quiz attempts, one per quiz submission to measure.
"""

from __future__ import annotations

import os
import random
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import coursegen
from sqlalchemy import insert, select, text

from elearn.core.models import utcnow
from elearn.extensions import db

LEARNERS = 5000
COHORT_SIZE = 2000
BOARD_POSTS = 1000
PASSWORD = "benchmark password 2024"  # noqa: S105 - the shared password of generated accounts
CHUNK = 2000
REPO = Path(__file__).resolve().parents[1]


@dataclass
class Session:
    user_id: int
    cookie: str  # "session=…", as a browser sends it
    csrf: str  # the form token that goes with it


@dataclass
class Seeded:
    course_id: int
    units: list[tuple[str, str, str]]  # (module slug, unit slug, kind) of the source, in order
    learners: list[Session] = field(default_factory=list)
    lead: Session | None = None
    cohort_id: int | None = None
    learner_ids: list[int] = field(default_factory=list)
    lead_id: int | None = None
    board_queries: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- schema


def reset_schema(app) -> None:
    """An empty database with the models' schema and the fortune table."""
    import importlib
    import pkgutil

    import elearn
    from benchmarks.reference_routes import create_fortunes

    for package in pkgutil.iter_modules(elearn.__path__):  # every domain's tables, registered in the app or not
        if package.ispkg and importlib.util.find_spec(f"elearn.{package.name}.models"):
            importlib.import_module(f"elearn.{package.name}.models")
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()
        with engine.begin() as connection:
            create_fortunes(connection)


# ---------------------------------------------------------------- courses and learners


def import_courses(app, work: Path) -> None:
    from elearn.courses.importer import sync_tree

    generated = coursegen.write_course(work / "courses")
    with app.app_context():
        for path in (REPO / "courses", generated):
            report = sync_tree(path)
            assert report.ok, "\n".join(map(str, report.problems))
        db.session.commit()  # sync_tree leaves the commit to its caller


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def seed_learners(app) -> Seeded:
    """5,000 learners with enrolments, progress, attempts and completions, in bulk."""
    from elearn.auth.models import User
    from elearn.auth.passwords import hash_password
    from elearn.courses.models import Course, Module, Unit
    from elearn.learning import grading, question_sets
    from elearn.learning.models import CourseCompletion, Enrolment, ModuleCompletion, QuizAttempt, UnitProgress

    rng = random.Random(5000)
    now = utcnow()
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == coursegen.SLUG))
        units = [
            (m, u, k)
            for m, u, k in db.session.execute(
                select(Module.slug, Unit.slug, Unit.kind)
                .join(Unit, Unit.module_id == Module.id)
                .where(Module.course_id == course.id, Unit.variant_id.is_(None))
                .order_by(Module.position, Unit.position)
            )
        ]
        questions = db.session.scalar(
            select(Unit.questions)
            .join(Module, Module.id == Unit.module_id)
            .where(Module.course_id == course.id, Unit.variant_id.is_(None), Unit.kind == "quiz")
            .limit(1)
        )
        question_set = question_sets.store(questions)
        right = grading.parse_responses(questions, coursegen.RIGHT)
        graded = grading.grade_attempt(questions, right)
        results = [
            {"score": r.score, "status": r.status, "feedback": r.feedback, "right_answer": r.right_answer}
            for r in graded.results
        ]

        password_hash = hash_password(PASSWORD)  # once, shared by every generated account
        countries = ["LV", "LV", "SI", "PL", "LT", "EE", "DE", "DK", "SE", "FI", "HR"]
        users = []
        for i in range(LEARNERS):
            country = countries[i % len(countries)]
            users.append(
                {
                    "email": f"learner{i:05d}@bench.example.org",
                    "name": f"Learner {i:05d}",
                    "password_hash": password_hash,
                    "country": country,
                    "language": "lv" if country == "LV" and i % 4 == 0 else "en",
                    "email_confirmed_at": now - timedelta(days=200),
                    "password_changed_at": now - timedelta(days=200),
                    "created_at": now - timedelta(days=200 - i % 100),
                }
            )
        _bulk(User, users)
        ids = list(
            db.session.execute(
                select(User.id, User.language).where(User.email.like("learner%@bench.example.org")).order_by(User.id)
            )
        )

        per_module = {}
        for m, u, _k in units:
            per_module.setdefault(m, []).append(u)
        enrolments, progress, attempts, modules_done, courses_done = [], [], [], [], []
        for user_id, language in ids:
            r = rng.random()
            reached = rng.randint(0, 2) if r < 0.15 else rng.randint(3, 70) if r < 0.8 else len(units)
            started = now - timedelta(days=rng.randint(20, 180))
            step = (now - started) / (reached + 1)
            last = units[min(reached, len(units) - 1)]
            enrolments.append(
                {
                    "user_id": user_id,
                    "course_id": course.id,
                    "variant_tag": "lv-LV" if language == "lv" else None,
                    "enrolled_at": started,
                    "last_module": last[0],
                    "last_unit": last[1],
                    "last_activity_at": started + step * reached,
                }
            )
            for j, (m, u, kind) in enumerate(units[: reached + 1]):
                moment = started + step * j
                done = j < reached
                progress.append(
                    {
                        "user_id": user_id,
                        "course_id": course.id,
                        "module_slug": m,
                        "unit_slug": u,
                        "seen_at": moment,
                        "done_at": moment if done else None,
                    }
                )
                if done and kind == "quiz":
                    attempts.append(
                        {
                            "user_id": user_id,
                            "course_id": course.id,
                            "module_slug": m,
                            "unit_slug": u,
                            "number": 1,
                            "seed": rng.randrange(2**31),
                            "question_set_digest": question_set,
                            "pass_mark": 70,
                            "started_at": moment,
                            "submitted_at": moment,
                            "responses": right,
                            "results": results,
                            "score": graded.percent,
                            "passed": True,
                        }
                    )
            done_units = {(m, u) for m, u, _k in units[:reached]}
            for m, slugs in per_module.items():
                if all((m, u) in done_units for u in slugs):
                    modules_done.append(
                        {
                            "user_id": user_id,
                            "course_id": course.id,
                            "module_slug": m,
                            "completed_at": started + step * reached,
                        }
                    )
            if reached == len(units):
                courses_done.append(
                    {
                        "user_id": user_id,
                        "course_id": course.id,
                        "variant_tag": "lv-LV" if language == "lv" else None,
                        "completed_at": now,
                    }
                )
        for model, rows in (
            (Enrolment, enrolments),
            (UnitProgress, progress),
            (QuizAttempt, attempts),
            (ModuleCompletion, modules_done),
            (CourseCompletion, courses_done),
        ):
            _bulk(model, rows)
        db.session.commit()
        seeded = Seeded(
            course_id=course.id,
            units=units,
            counts={
                "users": len(users),
                "enrolments": len(enrolments),
                "unit_progress": len(progress),
                "quiz_attempts": len(attempts),
                "module_completions": len(modules_done),
                "course_completions": len(courses_done),
            },
            learner_ids=[user_id for user_id, _l in ids],
        )
        return seeded


# ---------------------------------------------------------------- cohort and board


def seed_cohort(app, seeded: Seeded) -> None:
    """A 2,000-learner cohort with a lead; skipped (cohort_id stays None) if elearn.cohorts is missing."""
    try:
        from elearn.cohorts import services as cohorts
        from elearn.cohorts.models import CohortMember
    except ImportError:
        return
    from elearn.auth.services import create_user
    from elearn.courses.models import Course

    with app.app_context():
        lead = create_user(
            email="lead@bench.example.org", name="Cohort Lead", password=PASSWORD, roles=("cohort_lead",)
        )
        course = db.session.get(Course, seeded.course_id)
        cohort = cohorts.create(
            lead,
            cohorts.CohortFields(
                name="Benchmark cohort",
                course=course,
                variant_tag=None,
                starts_on=date.today() - timedelta(days=120),
                ends_on=date.today() + timedelta(days=60),
                place="Riga",
                inactive_days=14,
            ),
        )
        members = seeded.learner_ids[:COHORT_SIZE]
        _bulk(CohortMember, [{"cohort_id": cohort.id, "user_id": uid, "joined_at": utcnow()} for uid in members])
        db.session.commit()
        seeded.cohort_id = cohort.id
        seeded.lead_id = lead.id
        seeded.counts["cohort_members"] = len(members)


def seed_board(app, seeded: Seeded) -> None:
    """1,000 board posts, when the board exists. Hook: fill in once elearn.board has a seeding function."""
    try:
        import elearn.board  # noqa: F401
    except ImportError:
        return
    try:
        from elearn.board.demo import seed_posts
    except ImportError:
        return
    with app.app_context():
        seed_posts(BOARD_POSTS)
        db.session.commit()  # seed_posts leaves the commit to its caller
    seeded.board_queries = ["reuse", "training Riga", "catering workshop", "youth", "eu-projects"]
    seeded.counts["board_posts"] = BOARD_POSTS


# ---------------------------------------------------------------- sessions and quiz attempts


def make_session(app, user_id: int) -> Session:
    """Sign in as the user (a real UserSession row) and return the cookie a browser would hold."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from elearn.auth import sessions
    from elearn.auth.models import User

    with app.test_request_context("/", headers={"User-Agent": "wrk"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        sessions.sign_in(db.session.get(User, user_id))
        csrf = generate_csrf()
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        db.session.remove()
    return Session(user_id=user_id, cookie=f"{app.config['SESSION_COOKIE_NAME']}={value}", csrf=csrf)


def sign_in_learners(app, seeded: Seeded, count: int) -> None:
    """Sessions for ``count`` learners who are part-way through the course (enrolled, not finished)."""
    rng = random.Random(7)
    candidates = seeded.learner_ids[:]
    rng.shuffle(candidates)
    seeded.learners = [make_session(app, uid) for uid in candidates[:count]]
    if seeded.cohort_id is not None:
        seeded.lead = make_session(app, seeded.lead_id)


def quiz_pool(app, seeded: Seeded, size: int, first_number: int) -> list[tuple[Session, str, str]]:
    """``size`` fresh attempts of the virtual users: (session, submit path, form body) each.

    Attempts are inserted unsubmitted with numbers from ``first_number`` on, round-robin over
    users and modules so consecutive submissions belong to different learners; every second
    body answers well enough to pass (which marks the quiz done and may complete a module).
    """
    from elearn.courses.models import Module, Unit
    from elearn.learning import question_sets
    from elearn.learning.models import QuizAttempt

    quizzes = [(m, u) for m, u, k in seeded.units if k == "quiz"]
    rng = random.Random(first_number)
    with app.app_context():
        questions = db.session.scalar(
            select(Unit.questions)
            .join(Module, Module.id == Unit.module_id)
            .where(Module.course_id == seeded.course_id, Unit.variant_id.is_(None), Unit.kind == "quiz")
            .limit(1)
        )
        question_set = question_sets.store(questions)
        rows, pool = [], []
        for i in range(size):
            learner = seeded.learners[i % len(seeded.learners)]
            module, unit = quizzes[(i // len(seeded.learners)) % len(quizzes)]
            number = first_number + i // (len(seeded.learners) * len(quizzes))
            rows.append(
                {
                    "user_id": learner.user_id,
                    "course_id": seeded.course_id,
                    "module_slug": module,
                    "unit_slug": unit,
                    "number": number,
                    "seed": rng.randrange(2**31),
                    "question_set_digest": question_set,
                    "pass_mark": 70,
                    "started_at": utcnow(),
                }
            )
            answers = coursegen.RIGHT if i % 2 == 0 else coursegen.WRONG
            body = urllib.parse.urlencode({"csrf_token": learner.csrf, **answers}, doseq=True)
            pool.append((learner, f"/me/courses/{coursegen.SLUG}/{module}/{unit}/attempts/{number}/", body))
        _bulk(QuizAttempt, rows)
        db.session.commit()
    return pool


def submitted_count(app, seeded: Seeded, first_number: int, last_number: int) -> int:
    """How many attempts of a pool were really graded (a stale submission grades nothing)."""
    from sqlalchemy import func

    from elearn.learning.models import QuizAttempt

    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(QuizAttempt)
            .where(QuizAttempt.number.between(first_number, last_number), QuizAttempt.submitted_at.is_not(None))
        )


def row_counts(app) -> dict[str, int]:
    from sqlalchemy import inspect

    with app.app_context():
        existing = set(inspect(db.engine).get_table_names())
        return {
            table.name: db.session.execute(select(db.func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables
            if table.name in existing
        }


def settle(app) -> None:
    """Leave the data set as a running server finds it.

    - Planner statistics, as autovacuum (or ``ANALYZE`` after a restore) keeps them: without
      them PostgreSQL plans from default estimates. Some servers run with autovacuum off (this
      benchmark's machine does). On PostgreSQL ``VACUUM (ANALYZE)`` also records the loaded rows
      as visible to every transaction, so the first requests do not set their hint bits.
    - The write-ahead log copied into the database (SQLite's checkpoint; PostgreSQL's
      ``CHECKPOINT``, which needs a superuser or the ``pg_checkpoint`` role), and every seeded
      byte on disk. Otherwise the seed's few hundred megabytes are written back while pages
      are measured, and their commits wait for it.
    """
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            outside_transaction = connection.execution_options(isolation_level="AUTOCOMMIT")
            outside_transaction.execute(text("VACUUM (ANALYZE)"))
            outside_transaction.execute(text("CHECKPOINT"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    os.sync()
