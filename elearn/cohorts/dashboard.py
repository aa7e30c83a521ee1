"""A cohort's progress: learners × modules, computed in a fixed number of SQL queries.

Counting happens in SQL: one query gives every member with their totals (units done,
modules done, mean quiz score, last activity, completion, certificate), two more give
the per-module funnel; these are cached for a minute (see ``_facts``). Only the learners
on the page shown (100) get their per-module cells, in three more queries; exports ask
for the cells of every row. So a cohort of 2,000 learners runs the same queries as one
of 2 (``tests/cohorts/test_cohorts.py`` counts them) and Python handles 2,000 small
rows, not 2,000 × 12 cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.cohorts.models import Cohort, CohortMember
from elearn.core.cache import remember
from elearn.core.models import as_utc, utcnow
from elearn.courses import reading as rd
from elearn.courses.tree import tree_of
from elearn.extensions import db
from elearn.learning import progress
from elearn.learning.models import CourseCompletion, Enrolment, ModuleCompletion, QuizAttempt, UnitProgress

NOT_STARTED, IN_PROGRESS, DONE = "not-started", "in-progress", "done"
STATUSES = ("all", "not-started", "in-progress", "completed", "inactive")
SORTS = ("name", "progress", "activity", "joined", "score")
PAGE_SIZE = 50  # rows of 12+ module cells: a page stays light on a phone and quick to make
CACHE_SECONDS = 60


@dataclass(slots=True)
class Cell:
    status: str
    done: int
    total: int
    score: float | None  # best quiz score in the module, 0–100


@dataclass(slots=True)
class LearnerRow:
    user_id: int
    name: str
    email: str
    language: str
    joined_at: datetime
    last_activity_at: datetime | None
    completed_at: datetime | None
    certificate_id: str | None
    certificate_revoked: bool
    units_done: int
    units_total: int
    units_seen: int
    modules_done: int
    mean_score: float | None  # mean of the best score of each quiz taken, 0–100
    inactive: bool = False
    cells: list[Cell] = field(default_factory=list)  # filled for the rows shown or exported

    @property
    def completion(self) -> float:
        return self.units_done / self.units_total if self.units_total else 0.0

    @property
    def status(self) -> str:
        if self.completed_at:
            return "completed"
        return "in-progress" if self.units_seen else "not-started"


@dataclass
class Dashboard:
    cohort: Cohort
    modules: tuple[rd.ModuleView, ...]
    rows: list[LearnerRow]  # all members, filtered and sorted
    members: int
    completed: int
    inactive: int
    certificates: int
    funnel: list[dict]  # per module: started, done
    timeline: list[tuple[date, int]]  # (week start, completions so far)
    page: int = 1
    pages: int = 1
    shown: list[LearnerRow] = field(default_factory=list)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.members if self.members else 0.0


def _unit_totals(reading: rd.Reading) -> dict[str, int]:
    """Units per module as the cohort's version shows them (country-only in, hidden out)."""
    return {slug: module.total for slug, module in progress.of(reading, ()).modules.items()}


def _done_in_version(reading: rd.Reading):
    """COUNT of the units done among the version's units (elearn.learning.progress: what /me/ counts)."""
    return func.count(UnitProgress.done_at).filter(
        progress.counted(UnitProgress.module_slug, UnitProgress.unit_slug, reading)
    )


def build(
    cohort: Cohort,
    *,
    status: str = "all",
    sort: str = "name",
    descending: bool = False,
    search: str = "",
    page: int = 1,
    today: datetime | None = None,
    every_row: bool = False,
) -> Dashboard:
    """The dashboard; ``every_row`` gives every filtered row its cells (for exports), else the page's."""
    now = today or utcnow()
    course = tree_of(cohort.course_id)
    reading = rd.Reading(course, rd.variant_chain(course, cohort.variant_tag))
    modules = rd.modules(reading)
    totals = _unit_totals(reading)
    units_total = sum(totals.get(m.slug, 0) for m in modules)
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id).scalar_subquery()
    cutoff = now - timedelta(days=cohort.inactive_days)

    people, started, finished = _facts(cohort, members, reading)
    rows = [_row(values, units_total, cutoff) for values in people]

    dashboard = Dashboard(
        cohort=cohort,
        modules=modules,
        rows=rows,
        members=len(rows),
        completed=sum(1 for r in rows if r.completed_at),
        inactive=sum(1 for r in rows if r.inactive),
        certificates=sum(1 for r in rows if r.certificate_id and not r.certificate_revoked),
        funnel=[{"module": m, "started": started.get(m.slug, 0), "done": finished.get(m.slug, 0)} for m in modules],
        timeline=_timeline(cohort, [r.completed_at for r in rows if r.completed_at], now),
    )
    dashboard.rows = _sorted(_filtered(rows, status, search), sort, descending)
    dashboard.pages = max(1, -(-len(dashboard.rows) // PAGE_SIZE))
    dashboard.page = min(max(1, page), dashboard.pages)
    dashboard.shown = dashboard.rows[(dashboard.page - 1) * PAGE_SIZE : dashboard.page * PAGE_SIZE]
    _fill_cells(
        dashboard.rows if every_row else dashboard.shown, reading, modules, totals, members if every_row else None
    )
    return dashboard


def _facts(cohort: Cohort, members, reading: rd.Reading) -> tuple[list[tuple], dict[str, int], dict[str, int]]:
    """Every member's totals and the per-module funnel: the costly part, kept for a minute.

    The key includes the cohort's membership (count and latest join), so joining or leaving
    shows at once; progress shows within ``CACHE_SECONDS``. With Redis, every worker shares it.
    """
    course_id = cohort.course_id

    def make():
        people = [_with_time_zones(values) for values in db.session.execute(_people(cohort, members, reading))]
        started = dict(
            db.session.execute(
                select(UnitProgress.module_slug, func.count(func.distinct(UnitProgress.user_id)))
                .where(UnitProgress.course_id == course_id, UnitProgress.user_id.in_(members))
                .group_by(UnitProgress.module_slug)
            ).all()
        )
        finished = dict(
            db.session.execute(
                select(ModuleCompletion.module_slug, func.count())
                .where(ModuleCompletion.course_id == course_id, ModuleCompletion.user_id.in_(members))
                .group_by(ModuleCompletion.module_slug)
            ).all()
        )
        return people, started, finished

    membership = tuple(
        db.session.execute(
            select(func.count(), func.max(CohortMember.joined_at)).where(CohortMember.cohort_id == cohort.id)
        ).one()
    )
    return remember(
        "cohort-dashboard",
        [cohort.id, course_id, cohort.variant_tag, membership, reading.course.content_stamp],
        make,
        timeout=CACHE_SECONDS,
    )


def _people(cohort: Cohort, members, reading: rd.Reading):
    """Every member with their totals in the cohort's course: one query, aggregated in SQL."""
    course_id = cohort.course_id
    units = (
        select(
            UnitProgress.user_id,
            func.count(UnitProgress.id).label("seen"),
            _done_in_version(reading).label("done"),
        )
        .where(UnitProgress.course_id == course_id, UnitProgress.user_id.in_(members))
        .group_by(UnitProgress.user_id)
        .subquery()
    )
    modules = (
        select(ModuleCompletion.user_id, func.count().label("done"))
        .where(ModuleCompletion.course_id == course_id, ModuleCompletion.user_id.in_(members))
        .group_by(ModuleCompletion.user_id)
        .subquery()
    )
    best = (
        select(QuizAttempt.user_id, func.max(QuizAttempt.score).label("best"))
        .where(
            QuizAttempt.course_id == course_id, QuizAttempt.user_id.in_(members), QuizAttempt.submitted_at.is_not(None)
        )
        .group_by(QuizAttempt.user_id, QuizAttempt.module_slug, QuizAttempt.unit_slug)
        .subquery()
    )
    scores = select(best.c.user_id, func.avg(best.c.best).label("mean")).group_by(best.c.user_id).subquery()
    return (
        select(
            User.id,
            User.name,
            User.email,
            User.language,
            CohortMember.joined_at,
            Enrolment.last_activity_at,
            CourseCompletion.completed_at,
            Certificate.id,
            Certificate.revoked_at,
            units.c.seen,
            units.c.done,
            modules.c.done,
            scores.c.mean,
        )
        .join(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(Enrolment, (Enrolment.user_id == User.id) & (Enrolment.course_id == course_id))
        .outerjoin(CourseCompletion, (CourseCompletion.user_id == User.id) & (CourseCompletion.course_id == course_id))
        .outerjoin(Certificate, (Certificate.user_id == User.id) & (Certificate.course_id == course_id))
        .outerjoin(units, units.c.user_id == User.id)
        .outerjoin(modules, modules.c.user_id == User.id)
        .outerjoin(scores, scores.c.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id)
    )


def _with_time_zones(values) -> tuple:
    """A member's facts with their times in UTC (SQLite gives them without a zone), once per minute, not per view."""
    return tuple(as_utc(v) if isinstance(v, datetime) else v for v in values)


def _row(values, units_total: int, cutoff: datetime) -> LearnerRow:
    (
        user_id,
        name,
        email,
        language,
        joined_at,
        last_activity,
        completed_at,
        certificate_id,
        revoked_at,
        seen,
        done,
        modules_done,
        mean,
    ) = values
    row = LearnerRow(
        user_id,
        name,
        email,
        language,
        joined_at,
        last_activity,
        completed_at,
        certificate_id,
        revoked_at is not None,
        done or 0,
        units_total,
        seen or 0,
        modules_done or 0,
        None if mean is None else float(mean),
    )
    row.inactive = not row.completed_at and (row.last_activity_at or row.joined_at) < cutoff
    return row


def _fill_cells(
    rows: list[LearnerRow], reading: rd.Reading, modules: tuple[rd.ModuleView, ...], totals: dict[str, int], members
) -> None:
    """Per-module cells of these rows: three queries, for the page's learners (or every member)."""
    if not rows:
        return
    course_id = reading.course.id
    who = members if members is not None else [row.user_id for row in rows]
    counts = db.session.execute(
        select(
            UnitProgress.user_id,
            UnitProgress.module_slug,
            func.count(UnitProgress.id),
            _done_in_version(reading),
        )
        .where(UnitProgress.course_id == course_id, UnitProgress.user_id.in_(who))
        .group_by(UnitProgress.user_id, UnitProgress.module_slug)
    ).all()
    completions = db.session.execute(
        select(ModuleCompletion.user_id, ModuleCompletion.module_slug).where(
            ModuleCompletion.course_id == course_id, ModuleCompletion.user_id.in_(who)
        )
    ).all()
    scores = db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.module_slug, func.max(QuizAttempt.score))
        .where(QuizAttempt.course_id == course_id, QuizAttempt.user_id.in_(who), QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.user_id, QuizAttempt.module_slug)
    ).all()
    seen_done = {(user_id, module): (seen, done) for user_id, module, seen, done in counts}
    module_done = {(user_id, module) for user_id, module in completions}
    best = {(user_id, module): score for user_id, module, score in scores}
    slugs = [(module.slug, totals.get(module.slug, 0)) for module in modules]
    for row in rows:
        row.cells = []
        for slug, total in slugs:
            key = (row.user_id, slug)
            seen, done = seen_done.get(key, (0, 0))
            state = DONE if key in module_done else IN_PROGRESS if seen else NOT_STARTED
            score = best.get(key)
            row.cells.append(Cell(state, done, total, score))


def _filtered(rows: list[LearnerRow], status: str, search: str) -> list[LearnerRow]:
    if status == "inactive":
        rows = [r for r in rows if r.inactive]
    elif status in STATUSES and status != "all":
        rows = [r for r in rows if r.status == status]
    needle = search.strip().casefold()
    if needle:
        rows = [r for r in rows if needle in r.name.casefold() or needle in r.email]
    return rows


def _sorted(rows: list[LearnerRow], sort: str, descending: bool) -> list[LearnerRow]:
    never = datetime.min.replace(tzinfo=UTC)
    keys = {
        "name": lambda r: r.name.casefold(),
        "progress": lambda r: r.completion,
        "activity": lambda r: r.last_activity_at or never,
        "joined": lambda r: r.joined_at,
        "score": lambda r: -1 if r.mean_score is None else r.mean_score,
    }
    return sorted(rows, key=keys.get(sort, keys["name"]), reverse=descending)


def _timeline(cohort: Cohort, completed: list[datetime], now: datetime) -> list[tuple[date, int]]:
    """Completions so far at the end of each week from the cohort's start to its end (or today)."""
    start = cohort.starts_on - timedelta(days=cohort.starts_on.weekday())
    end = min(cohort.ends_on, now.date()) if now.date() >= cohort.starts_on else cohort.starts_on
    days = sorted(moment.date() for moment in completed)
    points: list[tuple[date, int]] = []
    week = start
    while week <= end and len(points) < 104:
        week_end = week + timedelta(days=6)
        points.append((week, sum(1 for day in days if day <= week_end)))
        week += timedelta(days=7)
    return points
