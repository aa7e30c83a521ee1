"""The mail outbox (elearn.core.outbox), against a real SMTP server (aiosmtpd) that fails on purpose.

Mails are queued in the transaction that causes them and delivered after its commit, one
SMTP connection per batch, each at most once; temporary failures wait longer each time,
permanent ones end ``failed``. Time is frozen where the backoff depends on it. The test
app runs jobs immediately after the commit (``JOBS_IMMEDIATE``); tests/core/test_jobs.py
runs a real worker.
"""

from __future__ import annotations

import logging
import socket
import threading
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import SimpleNamespace

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from elearn.core import jobs, mail, outbox, transaction
from elearn.core.models import as_utc, utcnow
from elearn.core.outbox import OutgoingMail
from elearn.core.transaction import unit_of_work
from elearn.extensions import db
from tests.conftest import Mailbox, csrf_from

START = utcnow().replace(microsecond=0)


class Sink(Mailbox):
    """A mailbox that counts SMTP sessions, refuses chosen recipients, and can drop dead mid-batch."""

    def __init__(self):
        super().__init__()
        self.sessions = 0
        self.refuse: dict[str, str] = {}  # address -> reply ("550 …", "451 …")
        self.die_after: int | None = None  # abort the connection when this many messages arrived

    async def handle_EHLO(self, _server, session, _envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, _session, envelope, address, _options):
        if self.die_after is not None and len(self.messages) >= self.die_after:
            server.transport.abort()  # as if the server were killed: the connection is gone, no reply
            return "421 gone"
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Server:
    """An aiosmtpd server on a fixed port that a test can stop and start again."""

    def __init__(self, port: int):
        self.port = port
        self.box = Sink()
        self.controller: Controller | None = None

    def start(self):
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(port)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield server
    server.stop()


def send(to: str, subject: str = "Reset your password", **options) -> OutgoingMail:
    """A real mail (a password reset's template) queued in the current transaction."""
    user = SimpleNamespace(name=to.split("@")[0].title())
    options.setdefault("kind", "password-reset")
    return mail.send(to, subject, "auth/mail/reset", user=user, link="http://localhost/reset/x", **options)


def queue_mails(app, count: int, *, kind="reminder", deliver=True) -> list[int]:
    """Queue ``count`` mails in one unit of work; with ``deliver=False`` the job is not run."""
    with app.test_request_context():
        with unit_of_work():
            mails = [send(f"learner{n}@example.org", kind=kind, ref=f"cohort-reminder:{n}") for n in range(count)]
            if not deliver:  # forget the job, as if its enqueue had failed
                db.session.info.pop(transaction._AFTER_COMMIT, None)
        return [m.id for m in mails]


def rows(app) -> dict[str, OutgoingMail]:
    with app.app_context():
        return {m.recipient: m for m in db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))}


def sweep(app, at):
    with time_machine.travel(at, tick=False), app.app_context():
        return jobs.PERIODIC["sweep"]()


def test_a_mail_of_a_transaction_that_fails_is_never_queued_nor_sent(app, smtp):
    def failing_unit_of_work():
        with unit_of_work():
            send("a@example.org")
            raise RuntimeError("the request failed after queueing its mail")

    with app.test_request_context(), pytest.raises(RuntimeError):
        failing_unit_of_work()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert smtp.box.messages == []


def test_a_registration_request_that_fails_leaves_no_mail_in_the_outbox(app, client, smtp, monkeypatch):
    """Through the page: the confirmation is queued, then the page fails; no row, no mail."""
    from elearn.auth import views

    page = client.get("/register").get_data(as_text=True)

    def fail_after_the_service(template, **context):
        raise RuntimeError(f"the page {template} failed")

    monkeypatch.setattr(views, "render_template", fail_after_the_service)
    data = {"name": "Ann", "email": "ann@example.org", "password": "a long and quiet river", "country": "LV"}
    with pytest.raises(RuntimeError, match="check_mail"):
        client.post("/register", data={"csrf_token": csrf_from(page), **data, "language": "en"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert smtp.box.messages == []


def test_a_batch_goes_over_one_connection_and_each_mail_once(app, smtp):
    ids = queue_mails(app, 30)
    assert len(smtp.box.messages) == 30 and smtp.box.sessions == 1
    assert sorted(m["To"] for m in smtp.box.messages) == sorted(f"learner{n}@example.org" for n in range(30))
    sent = rows(app)
    assert {m.status for m in sent.values()} == {"sent"} and all(m.sent_at and m.attempts == 0 for m in sent.values())
    with app.app_context():
        assert outbox.deliver_now(ids + ids) == 0  # delivered again (a duplicate job): nothing leaves twice
    assert len(smtp.box.messages) == 30


def test_killing_the_server_mid_batch_leaves_every_recipient_exactly_one_message(app, smtp):
    smtp.box.die_after = 7
    with time_machine.travel(START, tick=False):
        queue_mails(app, 20)
    assert len(smtp.box.messages) == 7
    state = rows(app)
    assert [state[f"learner{n}@example.org"].status for n in range(20)] == ["sent"] * 7 + ["queued"] * 13
    broken = state["learner7@example.org"]
    assert broken.attempts == 1 and "SMTPServerDisconnected" in broken.last_error
    assert as_utc(broken.next_attempt_at) == START + timedelta(minutes=1)
    assert all(state[f"learner{n}@example.org"].attempts == 0 for n in range(8, 20))  # never tried

    smtp.stop()  # the server is down a while: the sweep's attempt fails too
    assert sweep(app, START + timedelta(minutes=1, seconds=1)) == 0
    smtp.box.die_after = None
    smtp.start()  # back on the same port
    assert sweep(app, START + timedelta(minutes=10)) == 13

    received = sorted(m["To"] for m in smtp.box.messages)
    assert received == sorted(f"learner{n}@example.org" for n in range(20))  # each exactly once
    assert {m.status for m in rows(app).values()} == {"sent"}


def test_a_refused_recipient_ends_failed_and_is_not_retried(app, smtp):
    smtp.box.refuse["learner1@example.org"] = "550 5.1.1 no such mailbox"
    with time_machine.travel(START, tick=False):
        queue_mails(app, 3)
    state = rows(app)
    assert [state[f"learner{n}@example.org"].status for n in range(3)] == ["sent", "failed", "sent"]
    refused = state["learner1@example.org"]
    assert refused.attempts == 1 and "550" in refused.last_error and refused.sent_at is None
    assert sweep(app, START + timedelta(days=1)) == 0
    assert len(smtp.box.messages) == 2 and rows(app)["learner1@example.org"].attempts == 1

    with app.app_context():
        failed = outbox.failed_mail(1)
        assert (failed.total, [m.recipient for m in failed.items]) == (1, ["learner1@example.org"])
    del smtp.box.refuse["learner1@example.org"]
    with app.app_context(), unit_of_work():
        assert [m.recipient for m in outbox.resend([refused.id, state["learner0@example.org"].id])] == [
            "learner1@example.org"  # only the failed one
        ]
    assert sorted(m["To"] for m in smtp.box.messages) == [f"learner{n}@example.org" for n in range(3)]
    assert rows(app)["learner1@example.org"].status == "sent"


def test_temporary_failures_wait_longer_each_time_then_fail(app, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 5
    smtp.box.refuse["learner0@example.org"] = "451 4.3.0 try again later"
    now = START
    with time_machine.travel(now, tick=False):
        queue_mails(app, 1)
    waits = []
    for _ in range(4):
        row = rows(app)["learner0@example.org"]
        assert row.status == "queued" and "451" in row.last_error
        waits.append(as_utc(row.next_attempt_at) - now)
        assert sweep(app, now + waits[-1] - timedelta(seconds=1)) == 0  # not due yet: not tried
        now += waits[-1]
        assert sweep(app, now) == 0  # tried, refused again
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    row = rows(app)["learner0@example.org"]
    assert (row.status, row.attempts) == ("failed", 5)
    assert [outbox.backoff(n) for n in (1, 6, 7, 20)] == [
        timedelta(minutes=1),
        timedelta(minutes=32),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_the_sweep_sends_mail_whose_job_was_never_queued(app, smtp, monkeypatch, caplog):
    """The queue (Redis) unreachable after the commit: logged, the response is fine, the sweep sends it."""

    def unreachable(ids):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(outbox, "deliver", unreachable)
    with caplog.at_level(logging.WARNING, logger="elearn"), time_machine.travel(START, tick=False):
        queue_mails(app, 2)
    assert "Could not queue the delivery of 2 mail(s)" in caplog.text
    assert smtp.box.messages == [] and {m.status for m in rows(app).values()} == {"queued"}
    assert sweep(app, START + timedelta(seconds=30)) == 2
    assert len(smtp.box.messages) == 2 and smtp.box.sessions == 1


def test_the_latest_mail_of_each_ref(app, smtp):
    queue_mails(app, 2)
    with app.test_request_context(), unit_of_work():
        again = send("learner1@example.org", "Again", ref="cohort-reminder:1")
    with app.app_context():
        found = outbox.statuses(["cohort-reminder:0", "cohort-reminder:1", "cohort-reminder:9"])
        assert sorted(found) == ["cohort-reminder:0", "cohort-reminder:1"]
        assert found["cohort-reminder:1"].id == again.id and found["cohort-reminder:1"].status == "sent"
        assert found["cohort-reminder:1"].subject == "Again"
        assert outbox.statuses([]) == {}


def test_without_a_mail_server_the_mail_is_written_to_the_log(app, caplog):
    app.config["MAIL_SERVER"] = None
    assert app.logger.getEffectiveLevel() == logging.INFO  # development: the log shows it
    with caplog.at_level(logging.INFO, logger="elearn"):
        queue_mails(app, 1)
    assert "Mail (not sent: MAIL_SERVER is not set)" in caplog.text and "learner0@example.org" in caplog.text
    assert rows(app)["learner0@example.org"].status == "sent"


@pytest.mark.real_commits
def test_two_deliveries_of_the_same_mails_at_once_send_each_once(app, smtp):
    """Two workers given the same ids (a job and the sweep): the row lock lets one send each mail."""
    ids = queue_mails(app, 10, deliver=False)
    results = []

    def worker():
        with app.app_context():
            results.append(outbox.deliver_now(ids))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 10 and len(smtp.box.messages) == 10


def test_a_long_mail_in_cyrillic_arrives_as_it_was_written(app, smtp):
    name = "Сергей Иванов-Петров " * 40
    with app.test_request_context(), unit_of_work():
        mail.send(
            "sergej@example.lv",
            "Сброс пароля — очень длинная тема письма, чтобы заголовок пришлось переносить",
            "auth/mail/reset",
            kind="password-reset",
            language="ru",
            user=SimpleNamespace(name=name),
            link="http://localhost/reset/" + "x" * 300,
        )
    received = smtp.box.last_to("sergej@example.lv")
    assert received["Subject"] == "Сброс пароля — очень длинная тема письма, чтобы заголовок пришлось переносить"
    body = received.get_body(("plain",)).get_content()
    assert name.strip() in body and "http://localhost/reset/" + "x" * 300 in body


def test_every_mail_has_a_date_header_of_when_it_was_composed(app, smtp):
    """RFC 5322 requires ``Date:``; without it mail programs sort the mail by arrival and spam filters score it."""
    composed = datetime(2026, 12, 7, 18, 42, 5, tzinfo=UTC)
    with time_machine.travel(composed, tick=False), app.test_request_context(), unit_of_work():
        send("dated@example.org")
    received = smtp.box.last_to("dated@example.org")
    assert received["Date"] == "Mon, 07 Dec 2026 18:42:05 +0000"  # GMT, as the parser writes it
    assert parsedate_to_datetime(received["Date"]) == composed
