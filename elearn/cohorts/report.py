"""The programme report funders ask for: per course version and period, who took part and finished.

For a period [start, end] (whole days, UTC) and each course version:

- *enrolled*: learners who enrolled during the period;
- *active*: learners who opened or finished a unit during the period;
- *completed*: learners who completed the course during the period;
- *certificates*: certificates issued during the period and not revoked;
- *median days to complete*: for those completions, the median of days from enrolment.

Admins see every version; partner admins the versions they administer. The cohorts
that ran during the period are listed below with their own figures.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from elearn.auth.models import ADMIN
from elearn.certificates.models import Certificate
from elearn.cohorts.models import Cohort, CohortMember
from elearn.core.models import as_utc
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.learning.models import CourseCompletion, Enrolment, UnitProgress


@dataclass
class ReportRow:
    course: Course
    variant_tag: str | None
    enrolled: int = 0
    active: int = 0
    completed: int = 0
    certificates: int = 0
    median_days: float | None = None

    @property
    def country(self) -> str | None:
        return self.variant_tag.split("-")[1] if self.variant_tag and "-" in self.variant_tag else None


@dataclass
class CohortRow:
    cohort: Cohort
    members: int
    completed: int


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC))


def build(user, start: date, end: date) -> tuple[list[ReportRow], list[CohortRow]]:
    """Six queries whatever the number of learners."""
    since, until = _bounds(start, end)
    allowed = None if user.has_role(ADMIN) else user.variants_administered()
    rows: dict[tuple[int, str | None], ReportRow] = {}
    courses = {c.id: c for c in db.session.scalars(select(Course))}

    def add(course_id, tag, name, value):
        if allowed is not None and tag not in allowed:
            return
        row = rows.setdefault((course_id, tag), ReportRow(courses[course_id], tag))
        setattr(row, name, value)

    for course_id, tag, count in db.session.execute(
        select(Enrolment.course_id, Enrolment.variant_tag, func.count())
        .where(Enrolment.enrolled_at >= since, Enrolment.enrolled_at < until)
        .group_by(Enrolment.course_id, Enrolment.variant_tag)
    ):
        add(course_id, tag, "enrolled", count)
    touched = (UnitProgress.seen_at >= since) & (UnitProgress.seen_at < until) | (
        (UnitProgress.done_at >= since) & (UnitProgress.done_at < until)
    )
    for course_id, tag, count in db.session.execute(
        select(Enrolment.course_id, Enrolment.variant_tag, func.count(func.distinct(UnitProgress.user_id)))
        .join(
            UnitProgress, (UnitProgress.user_id == Enrolment.user_id) & (UnitProgress.course_id == Enrolment.course_id)
        )
        .where(touched)
        .group_by(Enrolment.course_id, Enrolment.variant_tag)
    ):
        add(course_id, tag, "active", count)
    durations: dict[tuple[int, str | None], list[float | None]] = {}
    for course_id, tag, completed_at, enrolled_at in db.session.execute(
        select(
            CourseCompletion.course_id,
            CourseCompletion.variant_tag,
            CourseCompletion.completed_at,
            Enrolment.enrolled_at,
        )
        .outerjoin(
            Enrolment,
            (Enrolment.user_id == CourseCompletion.user_id) & (Enrolment.course_id == CourseCompletion.course_id),
        )
        .where(CourseCompletion.completed_at >= since, CourseCompletion.completed_at < until)
    ):
        durations.setdefault((course_id, tag), []).append(
            None if enrolled_at is None else (as_utc(completed_at) - as_utc(enrolled_at)).total_seconds() / 86400
        )
    for (course_id, tag), spent in durations.items():
        known = [days for days in spent if days is not None]
        add(course_id, tag, "completed", len(spent))
        add(course_id, tag, "median_days", statistics.median(known) if known else None)
    for course_id, tag, count in db.session.execute(
        select(Certificate.course_id, Certificate.variant_tag, func.count())
        .where(Certificate.issued_at >= since, Certificate.issued_at < until, Certificate.revoked_at.is_(None))
        .group_by(Certificate.course_id, Certificate.variant_tag)
    ):
        add(course_id, tag, "certificates", count)
    ordered = sorted(rows.values(), key=lambda r: (r.course.title, r.variant_tag or ""))
    return ordered, _cohorts(allowed, start, end)


def _cohorts(allowed: set[str] | None, start: date, end: date) -> list[CohortRow]:
    query = (
        select(
            Cohort, func.count(func.distinct(CohortMember.user_id)), func.count(func.distinct(CourseCompletion.user_id))
        )
        .outerjoin(CohortMember, CohortMember.cohort_id == Cohort.id)
        .outerjoin(
            CourseCompletion,
            (CourseCompletion.user_id == CohortMember.user_id) & (CourseCompletion.course_id == Cohort.course_id),
        )
        .where(Cohort.starts_on <= end, Cohort.ends_on >= start)
        .group_by(Cohort.id)
        .order_by(Cohort.starts_on, Cohort.name)
    )
    if allowed is not None:
        query = query.where(Cohort.variant_tag.in_(allowed))
    return [CohortRow(cohort, members, completed) for cohort, members, completed in db.session.execute(query)]
