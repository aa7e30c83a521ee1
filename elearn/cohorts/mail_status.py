"""Where a cohort's invitation and reminder mails stand (queued, sent, failed), and resending the failed.

Every invitation and reminder is mailed through the outbox (``elearn.core.outbox``) with a
``ref`` naming it: ``cohort-invitation:<invitation id>``, ``cohort-reminder:<reminder id>``.
A mail resent is the same outbox row queued again, so the latest mail of a ref is its state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, cast, func, literal, select

from elearn.cohorts.models import Cohort, CohortInvitation, Reminder
from elearn.core import outbox
from elearn.core.outbox import OutgoingMail
from elearn.extensions import db

INVITATION = "cohort-invitation"
REMINDER = "cohort-reminder"


def invitation_ref(invitation_id: int) -> str:
    return f"{INVITATION}:{invitation_id}"


def reminder_ref(reminder_id: int) -> str:
    return f"{REMINDER}:{reminder_id}"


@dataclass
class Figures:
    """How many of a list's mails wait in the queue, were sent, failed for good."""

    queued: int = 0
    sent: int = 0
    failed: int = 0


def figures(mails: Iterable[OutgoingMail]) -> Figures:
    counts = Figures()
    for mail in mails:
        setattr(counts, mail.status, getattr(counts, mail.status) + 1)
    return counts


def _states(prefix: str, ids: list[int]) -> dict[int, OutgoingMail]:
    found = outbox.statuses([f"{prefix}:{id_}" for id_ in ids])
    return {int(ref.rpartition(":")[2]): mail for ref, mail in found.items()}


def invitation_states(invitations: list[CohortInvitation]) -> dict[int, OutgoingMail]:
    """Each invitation's latest mail, by invitation id (one query)."""
    return _states(INVITATION, [invitation.id for invitation in invitations])


def reminder_states(reminders: list[Reminder]) -> dict[int, OutgoingMail]:
    """Each reminder's latest mail, by reminder id (one query)."""
    return _states(REMINDER, [reminder.id for reminder in reminders])


def _latest_of_cohort(prefix: str, model: type[CohortInvitation] | type[Reminder], cohort: Cohort):
    """The ids of the latest mail of each of the cohort's invitations (or reminders), as a subquery."""
    ref = literal(f"{prefix}:") + cast(model.id, String)
    return (
        select(func.max(OutgoingMail.id))
        .join(model, OutgoingMail.ref == ref)
        .where(model.cohort_id == cohort.id)
        .group_by(OutgoingMail.ref)
    )


def reminder_figures(cohort: Cohort) -> Figures:
    """The state of every reminder the cohort's learners were sent, counted in the database."""
    latest = _latest_of_cohort(REMINDER, Reminder, cohort)
    rows = db.session.execute(
        select(OutgoingMail.status, func.count()).where(OutgoingMail.id.in_(latest)).group_by(OutgoingMail.status)
    )
    counts = Figures()
    for status, count in rows:
        setattr(counts, status, count)
    return counts


def _resend(prefix: str, model: type[CohortInvitation] | type[Reminder], cohort: Cohort) -> int:
    failed = db.session.scalars(
        select(OutgoingMail.id).where(
            OutgoingMail.id.in_(_latest_of_cohort(prefix, model, cohort)), OutgoingMail.status == outbox.FAILED
        )
    )
    return len(outbox.resend(list(failed)))


def resend_invitations(cohort: Cohort) -> int:
    """Queue every failed invitation of the cohort again; how many."""
    return _resend(INVITATION, CohortInvitation, cohort)


def resend_reminders(cohort: Cohort) -> int:
    """Queue every failed reminder of the cohort again; how many."""
    return _resend(REMINDER, Reminder, cohort)
