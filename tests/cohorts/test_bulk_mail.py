"""A cohort's reminders and invitations: the request writes the outbox rows, the worker composes.

Composing 2,000 messages in the lead's request took it about a second (issue #21 asks for
under one): the request now writes each mail's row with the little only it knows (the link,
the lead's name) and the worker composes the message at delivery, in the recipient's
language, and keeps it in the row.
"""

from __future__ import annotations

from sqlalchemy import select

from elearn.cohorts import services as cohorts
from elearn.cohorts.models import Cohort, Reminder
from elearn.core.outbox import FAILED, SENT, OutgoingMail
from elearn.core.transaction import unit_of_work
from elearn.extensions import db
from tests.factories import join, make_cohort, user_by


def test_the_request_queues_rows_and_the_worker_composes_each_in_its_language(app, course, lead, make_user, mailbox):
    cohort_id = make_cohort(app, lead)
    make_user("ivo@example.org", name="Ivo Idle", language="lv")
    make_user("hugo@example.org", name="Hugo Half", language="en")
    for email in ("ivo@example.org", "hugo@example.org"):
        join(app, email, cohort_id)
    with app.test_request_context(), unit_of_work():
        cohort = db.session.get(Cohort, cohort_id)
        learners = [user_by("ivo@example.org").id, user_by("hugo@example.org").id]
        assert cohorts.send_reminders(user_by(lead), cohort, learners) == 2
        rows = db.session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "reminder")).all()
        assert [row.message for row in rows] == [None, None]  # nothing composed in the request
        assert all(row.context["link"].endswith("/courses/demo/") for row in rows)
    # committed: the job (run at once in the test suite) composed and sent them
    assert len(mailbox.messages) == 2
    latvian = mailbox.last_to("ivo@example.org").get_body(("plain",)).get_content()
    english = mailbox.last_to("hugo@example.org").get_body(("plain",)).get_content()
    assert "Ivo Idle" in latvian and "We have not seen you" not in latvian and "/courses/demo/" in latvian
    assert "Hugo Half" in english and "We have not seen you" in english
    with app.app_context():
        rows = db.session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "reminder")).all()
        assert {row.status for row in rows} == {SENT} and all(
            "Ivo Idle" in r.message or "Hugo" in r.message for r in rows
        )


def test_a_mail_whose_subject_is_gone_fails_for_good_instead_of_retrying(app, course, lead, make_user, mailbox):
    cohort_id = make_cohort(app, lead)
    make_user("ivo@example.org", name="Ivo Idle")
    join(app, "ivo@example.org", cohort_id)
    with app.test_request_context(), unit_of_work():
        cohorts.send_reminders(user_by(lead), db.session.get(Cohort, cohort_id), [user_by("ivo@example.org").id])
        db.session.flush()
        for reminder in db.session.scalars(select(Reminder)):
            db.session.delete(reminder)  # gone before the worker composes its mail
    assert mailbox.messages == []
    with app.app_context():
        mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.kind == "reminder"))
        assert mail.status == FAILED and "could not be composed" in mail.last_error and mail.attempts == 1
