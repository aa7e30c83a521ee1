"""What leads and admins see of mail: per invitation and reminder queued, sent or failed; resending the
failed; the admins' list of failed mail; and the weekly reminder schedule, run by the queue's scheduler.

The SMTP server is a real one (aiosmtpd) that refuses the addresses a test names, as a
mail server refuses an unknown mailbox (550: failed at once, no retry).
"""

from __future__ import annotations

import io
import re
import socket
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from elearn.cohorts import tasks
from elearn.cohorts.models import Cohort, CohortInvitation, CohortMember, Reminder
from elearn.core.jobs import huey
from elearn.core.outbox import OutgoingMail, retry_due
from elearn.extensions import db
from elearn.learning.models import Enrolment
from tests.conftest import Mailbox, csrf_from, sign_in
from tests.factories import join, make_cohort, user_by


class PickyMailbox(Mailbox):
    """A mailbox whose server refuses the recipients in ``refuse`` for good."""

    def __init__(self):
        super().__init__()
        self.refuse: set[str] = set()

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def to(self, address: str) -> int:
        return sum(1 for message in self.messages if address in message["To"])


@pytest.fixture
def smtp(app):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = PickyMailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield box
    controller.stop()


def text(response) -> str:
    return response.get_data(as_text=True)


def plain(html: str) -> str:
    """The page's text, tags gone and spaces collapsed, for asserting figures as people read them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def upload(client, cohort_id: int, content: bytes):
    page = text(client.get(f"/cohorts/{cohort_id}/invite"))
    return client.post(
        f"/cohorts/{cohort_id}/invite",
        data={"csrf_token": csrf_from(page), "language": "en", "roster": (io.BytesIO(content), "learners.csv")},
        content_type="multipart/form-data",
    )


def post(client, url: str, page_url: str):
    return client.post(url, data={"csrf_token": csrf_from(text(client.get(page_url)))})


def row_of(page: str, name: str) -> str:
    start = page.index(name)
    return plain(page[start : page.index("</tr>", start)])


# ---------------------------------------------------------------- invitations


def test_a_failed_invitation_shows_and_is_resent_once(client, app, course, lead, smtp):
    cohort_id = make_cohort(app, lead)
    sign_in(client, lead)
    smtp.refuse.add("gone@example.org")
    csv = b"Anna,anna@example.org\nGita Gone,gone@example.org\nBruno,bruno@example.org\n"
    assert upload(client, cohort_id, csv).status_code == 302
    assert smtp.to("anna@example.org") == 1 and smtp.to("gone@example.org") == 0

    page = text(client.get(f"/cohorts/{cohort_id}/invite"))
    assert "Mail: 2 sent, 0 queued, 1 failed." in plain(page)
    gone = row_of(page, "Gita Gone")
    assert "failed" in gone and "550" in gone and "No such mailbox" in gone
    assert "sent" in row_of(page, "Bruno")
    assert "Resend failed invitations" in page

    smtp.refuse.clear()  # the address was fixed on the server's side
    response = post(client, f"/cohorts/{cohort_id}/invite/resend", f"/cohorts/{cohort_id}/invite")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "1 mail is queued again." in page
    assert smtp.to("gone@example.org") == 1 and smtp.to("anna@example.org") == 1  # once each, nobody twice
    assert "Mail: 3 sent, 0 queued, 0 failed." in plain(page)
    assert "sent" in row_of(page, "Gita Gone") and "Resend failed invitations" not in page

    # nothing failed: resending again sends nothing
    post(client, f"/cohorts/{cohort_id}/invite/resend", f"/cohorts/{cohort_id}/invite")
    assert len(smtp.messages) == 3


def test_while_the_mail_server_is_down_the_lead_sees_why_and_the_retry_sends_once(client, app, course, lead, smtp):
    cohort_id = make_cohort(app, lead)
    sign_in(client, lead)
    port = app.config["MAIL_PORT"]
    with socket.socket() as probe:  # a port nothing listens on: connection refused, a temporary failure
        probe.bind(("127.0.0.1", 0))
        app.config.update(MAIL_PORT=probe.getsockname()[1])
    assert upload(client, cohort_id, b"Anna,anna@example.org\nBruno,bruno@example.org\n").status_code == 302
    page = text(client.get(f"/cohorts/{cohort_id}/invite"))
    assert "Mail: 0 sent, 2 queued, 0 failed." in plain(page)
    assert "will be retried:" in row_of(page, "Anna") and "Resend failed invitations" not in page

    app.config.update(MAIL_PORT=port)  # the server is back; the sweep runs once the retry is due
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2), tick=False), app.app_context():
        assert retry_due() == 2
    page = text(client.get(f"/cohorts/{cohort_id}/invite"))
    assert "Mail: 2 sent, 0 queued, 0 failed." in plain(page)
    assert smtp.to("anna@example.org") == 1 and smtp.to("bruno@example.org") == 1


def test_only_the_cohorts_managers_resend(app, course, lead, smtp, make_user):
    cohort_id = make_cohort(app, lead)
    make_user("other@example.org", roles=("cohort_lead",))
    other = app.test_client()
    sign_in(other, "other@example.org")
    page = text(other.get("/cohorts/"))
    for url in (f"/cohorts/{cohort_id}/invite/resend", f"/cohorts/{cohort_id}/reminders/resend"):
        assert other.post(url, data={"csrf_token": csrf_from(page)}).status_code == 404  # not theirs
    make_user("learner@example.org")
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    token = csrf_from(text(learner.get("/me/")))
    assert learner.post(f"/cohorts/{cohort_id}/invite/resend", data={"csrf_token": token}).status_code == 403


# ---------------------------------------------------------------- reminders


@pytest.fixture
def members(app, course, lead, make_user):
    """A cohort with Ivo (joined a month ago) and Hugo (new)."""
    cohort_id = make_cohort(app, lead)
    for email, name in [("idle@example.org", "Ivo Idle"), ("half@example.org", "Hugo Half")]:
        make_user(email, name=name)
        join(app, email, cohort_id)
    with app.app_context():
        idle = user_by("idle@example.org")
        db.session.execute(
            CohortMember.__table__.update()
            .where(CohortMember.user_id == idle.id)
            .values(joined_at=datetime.now(UTC) - timedelta(days=30))
        )
        db.session.commit()
    return cohort_id


def ids(app, *emails) -> list[int]:
    with app.app_context():
        return [user_by(email).id for email in emails]


def test_a_failed_reminder_shows_and_is_resent_once(client, app, members, lead, smtp):
    sign_in(client, lead)
    smtp.refuse.add("idle@example.org")
    page = text(client.get(f"/cohorts/{members}/reminders"))
    data = {"csrf_token": csrf_from(page), "learners": ids(app, "idle@example.org", "half@example.org")}
    assert client.post(f"/cohorts/{members}/reminders", data={**data, "send": "1"}).status_code == 302
    page = text(client.get(f"/cohorts/{members}/reminders"))
    assert "Mail: 1 sent, 0 queued, 1 failed." in plain(page)
    log = page[page.index("Reminders sent") :]
    assert "failed" in row_of(log, "Ivo Idle") and "550" in row_of(log, "Ivo Idle")
    assert "sent" in row_of(log, "Hugo Half") and "Lead" in row_of(log, "Hugo Half")

    smtp.refuse.clear()
    response = post(client, f"/cohorts/{members}/reminders/resend", f"/cohorts/{members}/reminders")
    page = text(client.get(response.headers["Location"]))
    assert "1 mail is queued again." in page
    assert smtp.to("idle@example.org") == 1 and smtp.to("half@example.org") == 1
    assert "Mail: 2 sent, 0 queued, 0 failed." in plain(page) and "Resend failed reminders" not in page


# ---------------------------------------------------------------- the admins' list of failed mail


def test_admins_see_failed_mail_without_its_content_and_retry(client, app, course, lead, smtp, make_user):
    make_user("admin@example.org", roles=("admin",))
    cohort_id = make_cohort(app, lead)
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    smtp.refuse.update({"gone@example.org", "lost@example.org"})
    upload(lead_client, cohort_id, b"Gita Gone,gone@example.org\nLars Lost,lost@example.org\nAnna,anna@example.org\n")
    sign_in(client, "admin@example.org")
    page = text(client.get("/admin/mail/"))
    assert "2 failed mails." in plain(page)
    row = row_of(page, "gone@example.org")
    assert "invitation" in row and "550 5.1.1 No such mailbox here" in row and " 1 " in row  # one attempt
    assert "anna@example.org" not in page  # sent: not listed
    assert "Invitation to join" not in page and "To join, open this link" not in page  # no message content
    assert page.index("lost@example.org") < page.index("gone@example.org")  # newest first

    smtp.refuse.clear()
    with app.app_context():
        lost = db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.recipient == "lost@example.org"))
    response = post(client, f"/admin/mail/{lost}/retry", "/admin/mail/")
    page = text(client.get(response.headers["Location"]))
    assert "1 mail is queued again." in page and smtp.to("lost@example.org") == 1
    assert "1 failed mail." in plain(page) and "lost@example.org" not in page

    response = post(client, "/admin/mail/retry", "/admin/mail/")
    page = text(client.get(response.headers["Location"]))
    assert "1 mail is queued again." in page and "No mail has failed." in page
    assert smtp.to("gone@example.org") == 1 and smtp.to("lost@example.org") == 1 and smtp.to("anna@example.org") == 1


def test_the_failed_mail_list_is_paged(client, app, make_user):
    make_user("admin@example.org", roles=("admin",))
    with app.app_context():
        for n in range(55):
            db.session.add(
                OutgoingMail(recipient=f"r{n}@example.org", kind="reminder", message="", status="failed", attempts=8)
            )
        db.session.commit()
    sign_in(client, "admin@example.org")
    page = plain(text(client.get("/admin/mail/")))
    assert "55 failed mails." in page and "Page 1 of 2" in page and "r54@example.org" in page
    page = plain(text(client.get("/admin/mail/?page=2")))
    assert "r4@example.org" in page and "r54@example.org" not in page


@pytest.mark.parametrize("role", ["cohort_lead", "partner_admin", "trainer", "learner"])
def test_only_admins_see_and_retry_failed_mail(app, make_user, role):
    make_user("someone@example.org", roles=(role,))
    client = app.test_client()
    sign_in(client, "someone@example.org")
    token = csrf_from(text(client.get("/me/")))
    assert client.get("/admin/mail/").status_code == 403
    assert client.post("/admin/mail/1/retry", data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/mail/retry", data={"csrf_token": token}).status_code == 403
    assert app.test_client().get("/admin/mail/").status_code in (302, 401, 403)  # signed out: to sign in


# ---------------------------------------------------------------- the pages' queries


@pytest.mark.parametrize("page", ["invite", "reminders"])
def test_mail_states_cost_the_same_queries_for_2_and_20(app, course, lead, make_user, smtp, count_queries, page):
    cohort_id = make_cohort(app, lead)
    client = app.test_client()
    sign_in(client, lead)

    def add(first: int, last: int) -> None:
        emails = [f"l{n}@example.org" for n in range(first, last)]
        if page == "invite":
            upload(client, cohort_id, "".join(f"L{n},{e}\n" for n, e in enumerate(emails, first)).encode())
            return
        for email in emails:
            make_user(email)
            join(app, email, cohort_id)
        form = text(client.get(f"/cohorts/{cohort_id}/reminders"))
        data = {"csrf_token": csrf_from(form), "learners": ids(app, *emails), "send": "1"}
        assert client.post(f"/cohorts/{cohort_id}/reminders", data=data).status_code == 302

    with time_machine.travel(datetime.now(UTC), tick=False):  # the once-a-minute session write stays out
        add(0, 2)
        smtp.refuse.add("l19@example.org")
        client.get(f"/cohorts/{cohort_id}/{page}")
        with count_queries() as few:
            assert "Mail: 2 sent, 0 queued, 0 failed." in plain(text(client.get(f"/cohorts/{cohort_id}/{page}")))
        add(2, 20)
        client.get(f"/cohorts/{cohort_id}/{page}")
        with count_queries() as many:
            html = plain(text(client.get(f"/cohorts/{cohort_id}/{page}")))
        assert "Mail: 19 sent, 0 queued, 1 failed." in html
    assert many.count == few.count, (few.statements, many.statements)
    assert few.count == {"invite": 6, "reminders": 12}[page], "\n".join(s.split("\n")[0][:100] for s in few.statements)


# ---------------------------------------------------------------- the weekly schedule


def reminders_to(app, email: str) -> int:
    with app.app_context():
        user = user_by(email)
        return db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.learner_id == user.id))


def run_schedule(app, day: date) -> int:
    with (
        app.test_request_context("/"),
        time_machine.travel(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9), tick=False),
    ):
        return tasks.send_due_reminders(date.today())


def test_a_lead_sets_a_weekly_schedule(client, app, members, lead):
    sign_in(client, lead)
    page = text(client.get(f"/cohorts/{members}/reminders"))
    assert 'selected value=""' in page, page[page.find("<select") : page.find("</select>")]  # off by default
    response = client.post(
        f"/cohorts/{members}/reminders/schedule", data={"csrf_token": csrf_from(page), "weekday": "2"}
    )
    assert response.status_code == 302
    page = text(client.get(f"/cohorts/{members}/reminders"))
    assert "Inactive learners are reminded every Wednesday." in page and 'selected value="2"' in page
    with app.app_context():
        assert db.session.get(Cohort, members).reminder_weekday == 2
    client.post(f"/cohorts/{members}/reminders/schedule", data={"csrf_token": csrf_from(page), "weekday": ""})
    assert "Automatic reminders are off." in text(client.get(f"/cohorts/{members}/reminders"))
    with app.app_context():
        assert db.session.get(Cohort, members).reminder_weekday is None


def last_active(app, email: str, moment: datetime) -> None:
    with app.app_context():
        user = user_by(email)
        db.session.execute(
            CohortMember.__table__.update().where(CohortMember.user_id == user.id).values(joined_at=moment)
        )
        db.session.execute(
            Enrolment.__table__.update().where(Enrolment.user_id == user.id).values(last_activity_at=moment)
        )
        db.session.commit()


def test_scheduled_reminders_go_weekly_once_a_day_while_the_cohort_runs(app, members, smtp):
    first = date.today() + timedelta(days=(2 - date.today().weekday()) % 7 + 7)  # a Wednesday
    with app.app_context():
        cohort = db.session.get(Cohort, members)
        cohort.reminder_weekday = 2
        cohort.starts_on = first - timedelta(days=3)  # runs from the Sunday before …
        cohort.ends_on = first + timedelta(days=14)  # … for two more weeks
        db.session.commit()
    noon = datetime.combine(first, datetime.min.time(), UTC) + timedelta(hours=12)
    last_active(app, "idle@example.org", noon - timedelta(days=30))
    last_active(app, "half@example.org", noon - timedelta(days=3))

    assert run_schedule(app, first - timedelta(days=7)) == 0  # its weekday, before it runs
    assert run_schedule(app, first - timedelta(days=1)) == 0  # not its weekday
    assert smtp.messages == []

    assert run_schedule(app, first) == 1  # Ivo is inactive; Hugo was active 3 days ago
    assert smtp.to("idle@example.org") == 1 and smtp.to("half@example.org") == 0
    assert run_schedule(app, first) == 0  # the same day again: nothing
    assert smtp.to("idle@example.org") == 1
    with app.app_context():
        assert db.session.get(Cohort, members).reminders_ran_on == first

    assert run_schedule(app, first + timedelta(days=7)) == 1  # Hugo: 10 days, not yet inactive
    assert run_schedule(app, first + timedelta(days=14)) == 2  # its last day; Hugo 17 days inactive
    assert run_schedule(app, first + timedelta(days=21)) == 0  # the cohort has ended
    assert smtp.to("idle@example.org") == 3 and smtp.to("half@example.org") == 1 and len(smtp.messages) == 4
    with app.app_context():  # logged as the schedule's
        logged = db.session.scalars(select(Reminder).where(Reminder.cohort_id == members)).all()
        assert len(logged) == 4 and {r.sent_by_id for r in logged} == {None}


def test_the_schedule_never_sends_twice_when_two_runs_race(app, members, smtp):
    today = date.today()
    with app.app_context():
        db.session.get(Cohort, members).reminder_weekday = today.weekday()
        db.session.commit()
        due = tasks.services.due_schedules(today)
        assert due == [members]
        assert tasks.services.claim_schedule(members, today) is True  # another run claimed it first
        assert tasks.services.claim_schedule(members, today) is False
        db.session.commit()
    assert run_schedule(app, today) == 0 and smtp.messages == []


def test_the_scheduler_runs_the_job_hourly(app):
    def due(hour: int, minute: int) -> set[str]:
        return {type(task).__name__ for task in huey.read_periodic(datetime(2026, 12, 9, hour, minute))}

    assert "send_scheduled_reminders" in due(6, 23) and "send_scheduled_reminders" in due(17, 23)
    assert "send_scheduled_reminders" not in due(6, 24)


def test_figures_and_resend_are_the_cohorts_own(app, course, lead, smtp):
    """The figures and the resend are the cohort's own: another cohort's failed invitation stays."""
    client = app.test_client()
    sign_in(client, lead)
    mine, theirs = make_cohort(app, lead), make_cohort(app, lead, name="Ptuj")
    smtp.refuse.add("x@example.org")
    upload(client, theirs, b"X,x@example.org\n")
    upload(client, mine, b"Y,y@example.org\n")
    assert "Mail: 1 sent, 0 queued, 0 failed." in plain(text(client.get(f"/cohorts/{mine}/invite")))
    smtp.refuse.clear()
    post(client, f"/cohorts/{mine}/invite/resend", f"/cohorts/{mine}/invite")
    assert smtp.to("x@example.org") == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CohortInvitation)) == 2


def test_the_periodic_job_links_to_the_public_address(app, members, smtp):
    last_active(app, "idle@example.org", datetime.now(UTC) - timedelta(days=30))
    with app.app_context():
        db.session.get(Cohort, members).reminder_weekday = date.today().weekday()
        db.session.commit()
    app.config["BASE_URL"] = ""
    with app.app_context():
        assert tasks.send_scheduled_reminders.call_local() == 0  # no address for the links: nothing sent
    assert smtp.messages == []
    app.config["BASE_URL"] = "https://learn.example.org"
    with app.app_context():
        assert tasks.send_scheduled_reminders.call_local() == 1  # Ivo, inactive for a month
    assert smtp.link_in("idle@example.org").startswith("https://learn.example.org/courses/")
