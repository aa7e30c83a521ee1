"""What the cohorts domain holds about a person, for export and erasure (see docs/privacy.md)."""

from __future__ import annotations

import sys
from types import ModuleType

from sqlalchemy import delete, select, update

from elearn.cohorts.models import Cohort, CohortInvitation, CohortLead, CohortMember, Reminder
from elearn.core import signals
from elearn.extensions import db

NAME = "cohorts"
ORDER = 40

COLUMNS = {
    "cohort.created_by_id",
    "cohort_lead.user_id",
    "cohort_member.user_id",
    "cohort_invitation.invited_by_id",
    "cohort_invitation.email",
    "cohort_invitation.name",
    "reminder.sent_by_id",
    "reminder.learner_id",
}


def export(user) -> dict:
    def cohort(c: Cohort) -> dict:
        return {
            "name": c.name,
            "course": c.course.slug,
            "version": c.variant_tag,
            "starts_on": c.starts_on.isoformat(),
            "ends_on": c.ends_on.isoformat(),
            "place": c.place,
        }

    member_of = db.session.execute(
        select(Cohort, CohortMember.joined_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id)
    ).all()
    led = db.session.scalars(
        select(Cohort).join(CohortLead, CohortLead.cohort_id == Cohort.id).where(CohortLead.user_id == user.id)
    ).all()
    invited = db.session.scalars(select(CohortInvitation).where(CohortInvitation.email == user.email)).all()
    reminded = db.session.scalars(select(Reminder).where(Reminder.learner_id == user.id)).all()
    created = db.session.scalars(select(Cohort).where(Cohort.created_by_id == user.id)).all()
    sent = db.session.scalars(select(CohortInvitation).where(CohortInvitation.invited_by_id == user.id)).all()
    reminders_sent = db.session.scalars(select(Reminder).where(Reminder.sent_by_id == user.id)).all()
    return {
        "member_of": [{**cohort(c), "joined_at": joined.isoformat()} for c, joined in member_of],
        "leads": [cohort(c) for c in led],
        "invitations": [
            {
                "cohort_id": i.cohort_id,
                "name": i.name,
                "email": i.email,
                "language": i.language,
                "invited_at": i.invited_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in invited
        ],
        "reminders_received": [{"cohort_id": r.cohort_id, "sent_at": r.sent_at.isoformat()} for r in reminded],
        # what they did as a lead: when, in which cohort (the learners' own data is theirs to export)
        "cohorts_created": [cohort(c) for c in created],
        "invitations_sent": [{"cohort_id": i.cohort_id, "invited_at": i.invited_at.isoformat()} for i in sent],
        "reminders_sent": [{"cohort_id": r.cohort_id, "sent_at": r.sent_at.isoformat()} for r in reminders_sent],
    }


def erase(user) -> None:
    """Memberships, lead roles, invitations to their address and reminders to them go; cohorts stay."""
    db.session.execute(delete(CohortMember).where(CohortMember.user_id == user.id))
    db.session.execute(delete(CohortLead).where(CohortLead.user_id == user.id))
    db.session.execute(delete(CohortInvitation).where(CohortInvitation.email == user.email))
    db.session.execute(delete(Reminder).where(Reminder.learner_id == user.id))
    db.session.execute(update(Reminder).where(Reminder.sent_by_id == user.id).values(sent_by_id=None))
    db.session.execute(
        update(CohortInvitation).where(CohortInvitation.invited_by_id == user.id).values(invited_by_id=None)
    )
    db.session.execute(update(Cohort).where(Cohort.created_by_id == user.id).values(created_by_id=None))


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
