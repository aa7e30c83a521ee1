"""Cohorts: who may see which, creating and joining them, invitations and reminders.

Access (the route rules are in ``elearn/auth/access.py``; the object rules are here):

- a cohort's leads see and manage it; admins see and manage every cohort;
- partner admins see the cohorts of the course versions they administer (read only);
- everyone else gets a 404, so cohort ids reveal nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from email.message import Message

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from elearn.auth.models import ADMIN, COHORT_LEAD, PARTNER_ADMIN, User
from elearn.cohorts.models import Cohort, CohortInvitation, CohortLead, CohortMember, Reminder
from elearn.core import mail, outbox
from elearn.core.models import insert_ignore, utcnow
from elearn.core.outbox import OutgoingMail
from elearn.courses.models import Course
from elearn.courses.tree import CourseTree
from elearn.extensions import db
from elearn.learning.services import enrol, get_enrolment

# No 0/O, 1/I/L: codes are read aloud in workshops and typed from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class CohortError(Exception):
    """A refusal to show the user; ``str()`` is translated; ``field`` names the form field at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.args[0])


def new_invite_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


# ---------------------------------------------------------------- who sees what


def is_lead(user, cohort: Cohort) -> bool:
    return any(lead.user_id == user.id for lead in cohort.leads)


def can_manage(user, cohort: Cohort) -> bool:
    """Invite, remind, edit: the cohort's leads and admins."""
    return user.has_role(ADMIN) or is_lead(user, cohort)


def can_view(user, cohort: Cohort) -> bool:
    if can_manage(user, cohort):
        return True
    return user.has_role(PARTNER_ADMIN) and cohort.variant_tag in user.variants_administered()


def visible_cohorts(user) -> list[Cohort]:
    query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)
    if not user.has_role(ADMIN):
        led = select(CohortLead.cohort_id).where(CohortLead.user_id == user.id)
        conditions = [Cohort.id.in_(led)]
        if user.has_role(PARTNER_ADMIN):
            conditions.append(Cohort.variant_tag.in_(user.variants_administered()))
        query = query.where(or_(*conditions))
    return list(db.session.scalars(query))


def get_visible(user, cohort_id: int) -> Cohort | None:
    cohort = db.session.get(Cohort, cohort_id)
    return cohort if cohort is not None and can_view(user, cohort) else None


def leads_learner(user, learner_id: int, course_id: int) -> bool:
    """Is ``user`` a lead of a cohort of this course that the learner belongs to?"""
    return (
        db.session.execute(
            select(func.count())
            .select_from(CohortMember)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .join(CohortLead, CohortLead.cohort_id == Cohort.id)
            .where(CohortMember.user_id == learner_id, Cohort.course_id == course_id, CohortLead.user_id == user.id)
        ).scalar_one()
        > 0
    )


def member_count(cohort: Cohort) -> int:
    return db.session.execute(select(func.count()).where(CohortMember.cohort_id == cohort.id)).scalar_one()


# ---------------------------------------------------------------- creating and editing


@dataclass
class CohortFields:
    name: str
    course: Course | CourseTree  # the form's choice is read from the worker's copy (courses.reading)
    variant_tag: str | None
    starts_on: date
    ends_on: date
    place: str
    inactive_days: int
    co_lead_email: str = ""


def _check(fields: CohortFields) -> User | None:
    if fields.ends_on < fields.starts_on:
        raise CohortError(_l("The cohort cannot end before it starts."), "ends_on")
    if fields.variant_tag is not None and fields.variant_tag not in {v.tag for v in fields.course.variants}:
        raise CohortError(_l("This course has no such version."), "version")
    email = (fields.co_lead_email or "").strip().lower()
    if not email:
        return None
    co_lead = db.session.scalar(select(User).where(User.email == email))
    if co_lead is None or not co_lead.has_role(COHORT_LEAD, ADMIN):
        raise CohortError(_l("The second lead must have an account with the cohort lead role."), "co_lead_email")
    return co_lead


def create(user, fields: CohortFields) -> Cohort:
    co_lead = _check(fields)
    cohort = Cohort(
        name=fields.name.strip(),
        course_id=fields.course.id,
        variant_tag=fields.variant_tag,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        place=fields.place.strip(),
        inactive_days=fields.inactive_days,
        invite_code=new_invite_code(),
        created_by_id=user.id,
    )
    cohort.leads.append(CohortLead(user_id=user.id))
    if co_lead is not None and co_lead.id != user.id:
        cohort.leads.append(CohortLead(user_id=co_lead.id))
    db.session.add(cohort)
    db.session.flush()  # its id, for the page the lead goes to next
    return cohort


def update_cohort(cohort: Cohort, fields: CohortFields) -> None:
    """The course stays (progress is the course's); its version, dates, place and second lead may change."""
    co_lead = _check(fields)
    cohort.name, cohort.variant_tag = fields.name.strip(), fields.variant_tag
    cohort.starts_on, cohort.ends_on = fields.starts_on, fields.ends_on
    cohort.place, cohort.inactive_days = fields.place.strip(), fields.inactive_days
    first = cohort.leads[0].user_id if cohort.leads else None
    cohort.leads[:] = [lead for lead in cohort.leads if lead.user_id == first]
    if co_lead is not None and co_lead.id != first:
        cohort.leads.append(CohortLead(user_id=co_lead.id))


def co_lead_email(cohort: Cohort) -> str:
    return cohort.leads[1].user.email if len(cohort.leads) > 1 else ""


def new_code(cohort: Cohort) -> None:
    """A new invitation code; the old link stops working (when it was shared too widely)."""
    cohort.invite_code = new_invite_code()


def join_url(cohort: Cohort) -> str:
    return url_for("cohorts.join", code=cohort.invite_code, _external=True)


# ---------------------------------------------------------------- joining and leaving


def by_code(code: str) -> Cohort | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(Cohort).where(Cohort.invite_code == code))


def is_member(user, cohort: Cohort) -> bool:
    return (
        db.session.execute(
            select(func.count()).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
        ).scalar_one()
        > 0
    )


def join(user, cohort: Cohort) -> bool:
    """Join (once) and enrol in the cohort's course version if not enrolled yet; True if newly joined.

    One change: when the enrolment fails (``LearningError``: the cohort's version is gone), the
    caller rolls back and the membership is not kept either."""
    if cohort.ends_on < date.today():
        raise CohortError(_l("This cohort has ended."))
    joined = insert_ignore(CohortMember, cohort_id=cohort.id, user_id=user.id, joined_at=utcnow())
    db.session.execute(
        update(CohortInvitation)
        .where(
            CohortInvitation.cohort_id == cohort.id,
            CohortInvitation.email == user.email,
            CohortInvitation.accepted_at.is_(None),
        )
        .values(accepted_at=utcnow())
    )
    if get_enrolment(user, cohort.course) is None:
        enrol(user, cohort.course, cohort.variant_tag)
    return bool(joined)


def leave(user, cohort_id: int) -> None:
    db.session.execute(delete(CohortMember).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user.id))


def remove_member(cohort: Cohort, learner_id: int) -> None:
    db.session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner_id)
    )


def memberships(user) -> list[Cohort]:
    """The cohorts whose leads can see this learner's progress (shown on ``/me/``)."""
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user.id)
            .order_by(Cohort.starts_on.desc())
        )
    )


# ---------------------------------------------------------------- invitations by mail


def invitations(cohort: Cohort) -> list[CohortInvitation]:
    return list(
        db.session.scalars(
            select(CohortInvitation)
            .where(CohortInvitation.cohort_id == cohort.id)
            .order_by(CohortInvitation.invited_at.desc(), CohortInvitation.name)
        )
    )


def invite(lead, cohort: Cohort, rows) -> int:
    """Save every invitation and queue its mail with it (the outbox): both commit, or neither.

    The rows were checked as a whole before (``roster``). Each mail's ``ref`` names its
    invitation, so the lead's page shows whether it is queued, sent or failed."""
    link = join_url(cohort)
    invitations = [
        CohortInvitation(
            cohort_id=cohort.id, email=row.email, name=row.name, language=row.language, invited_by_id=lead.id
        )
        for row in rows
    ]
    db.session.add_all(invitations)
    db.session.flush()  # the ids go into the mails' refs
    for invitation in invitations:  # composed by the worker (a list of 2,000 is one quick request)
        outbox.queue_for_rendering(
            invitation.email,
            kind="invitation",
            ref=f"cohort-invitation:{invitation.id}",
            context={"link": link, "lead": lead.name},
        )
    return len(rows)


# ---------------------------------------------------------------- reminders


def _members(cohort: Cohort, learner_ids) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id, User.id.in_(list(learner_ids)))
            .order_by(User.name)
        )
    )


def reminder_preview(cohort: Cohort, learner_ids) -> tuple[list[User], dict[str, dict]]:
    """The chosen members, and the reminder as each of their languages will show it."""
    learners = _members(cohort, learner_ids)
    previews = {}
    for language in sorted({learner.language for learner in learners}):
        message = mail.render(
            "cohorts/mail/reminder",
            subject=_reminder_subject(cohort),
            language=language,
            name="…",
            cohort=cohort,
            link=_course_link(cohort),
        )
        previews[language] = {
            "subject": message[0],
            "text": message[1],
            "learners": [learner for learner in learners if learner.language == language],
        }
    return learners, previews


def _reminder_subject(cohort: Cohort):
    return _l("A reminder from %(cohort)s", cohort=cohort.name)


def _course_link(cohort: Cohort) -> str:
    return url_for("courses.course", course_slug=cohort.course.slug, _external=True)


def send_reminders(lead, cohort: Cohort, learner_ids) -> int:
    """Log a reminder to each chosen learner and queue its mail with it (the outbox): both, or neither.

    ``lead`` None: the cohort's weekly schedule sends them (``elearn.cohorts.tasks``)."""
    learners = _members(cohort, learner_ids)
    if not learners:
        raise CohortError(_l("Choose at least one learner of this cohort."))
    link = _course_link(cohort)
    sender = lead.id if lead is not None else None
    reminders = [Reminder(cohort_id=cohort.id, sent_by_id=sender, learner_id=learner.id) for learner in learners]
    db.session.add_all(reminders)
    db.session.flush()  # the ids go into the mails' refs
    for learner, reminder in zip(learners, reminders, strict=True):  # composed by the worker
        outbox.queue_for_rendering(
            learner.email, kind="reminder", ref=f"cohort-reminder:{reminder.id}", context={"link": link}
        )
    return len(learners)


def _ref_id(outgoing: OutgoingMail) -> int:
    return int((outgoing.ref or "").rsplit(":", 1)[-1])


@outbox.renderer("invitation")
def invitation_message(outgoing: OutgoingMail) -> Message:
    """An invitation, composed by the worker in the invited person's language."""
    invitation = db.session.get_one(CohortInvitation, _ref_id(outgoing))
    cohort = db.session.get_one(Cohort, invitation.cohort_id)
    context = outgoing.context or {}
    return mail.compose(
        invitation.email,
        _l("Invitation to join %(cohort)s", cohort=cohort.name),
        "cohorts/mail/invitation",
        language=invitation.language,
        name=invitation.name,
        cohort=cohort,
        lead={"name": context.get("lead", "")},
        link=context.get("link", ""),
    )


@outbox.renderer("reminder")
def reminder_message(outgoing: OutgoingMail) -> Message:
    """A reminder, composed by the worker in the learner's language."""
    reminder = db.session.get_one(Reminder, _ref_id(outgoing))
    cohort = db.session.get_one(Cohort, reminder.cohort_id)
    learner = db.session.get_one(User, reminder.learner_id)
    return mail.compose(
        learner.email,
        _reminder_subject(cohort),
        "cohorts/mail/reminder",
        language=learner.language,
        name=learner.name,
        cohort=cohort,
        link=(outgoing.context or {}).get("link", ""),
    )


def reminder_log(cohort: Cohort, limit: int = 50) -> list[tuple[Reminder, str, str | None]]:
    """The latest reminders: (reminder, learner's name, sender's name)."""
    sender = db.aliased(User)
    return [
        tuple(row)
        for row in db.session.execute(
            select(Reminder, User.name, sender.name)
            .join(User, User.id == Reminder.learner_id)
            .outerjoin(sender, sender.id == Reminder.sent_by_id)
            .where(Reminder.cohort_id == cohort.id)
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
            .limit(limit)
        )
    ]


# ---------------------------------------------------------------- reminder schedules


def set_schedule(cohort: Cohort, weekday: int | None) -> None:
    """Weekly reminders to the inactive learners on ``weekday`` (0 = Monday), or none."""
    cohort.reminder_weekday = weekday


def due_schedules(today: date) -> list[int]:
    """The cohorts whose reminders are due today: their weekday, while they run, not yet sent today."""
    return list(
        db.session.scalars(
            select(Cohort.id)
            .where(
                Cohort.reminder_weekday == today.weekday(),
                Cohort.starts_on <= today,
                Cohort.ends_on >= today,
                or_(Cohort.reminders_ran_on.is_(None), Cohort.reminders_ran_on < today),
            )
            .order_by(Cohort.id)
        )
    )


def claim_schedule(cohort_id: int, today: date) -> bool:
    """Mark today's run of this cohort's schedule; False if another run already did (never twice a day)."""
    claimed = db.session.execute(
        update(Cohort)
        .where(
            Cohort.id == cohort_id,
            or_(Cohort.reminders_ran_on.is_(None), Cohort.reminders_ran_on < today),
        )
        .values(reminders_ran_on=today)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]
