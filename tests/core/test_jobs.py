"""The job queue (elearn.core.jobs): a real Huey consumer, the worker command, periodic jobs.

The rest of the suite runs jobs immediately after the commit (``JOBS_IMMEDIATE``); here a
real consumer takes them from a SQLite queue in the test's folder, in a thread and in a
``flask jobs worker`` process, and the queue is made unreachable.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import func, select

from elearn.auth.models import UserSession
from elearn.core import jobs
from elearn.core.outbox import OutgoingMail
from elearn.extensions import db
from tests.conftest import post_form, sign_in

REPO = Path(__file__).resolve().parents[2]
NEW = {"name": "Ann Worker", "email": "ann@example.org", "password": "a long and quiet river", "country": "LV"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def queued_app(app, tmp_path):
    """The app with a real queue: a SQLite file in the test's folder, jobs left to a worker."""
    app.config.update(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    jobs.init_app(app)
    yield app
    app.config["JOBS_IMMEDIATE"] = True
    jobs.init_app(app)


def wait_for(condition, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def register(client, email: str = NEW["email"]):
    response = post_form(client, "/register", {**NEW, "email": email, "language": "en"})
    assert response.status_code == 200


@pytest.mark.real_commits  # the worker's thread reads the registration's commit on its own connection
def test_a_consumer_delivers_the_confirmation_of_a_registration(queued_app, client, mailbox):
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = jobs.consumer(queued_app, workers=1)
    consumer.start()  # a worker thread and the scheduler
    try:
        register(client)
        assert wait_for(lambda: mailbox.messages), "the worker did not deliver the confirmation"
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert "/confirm/" in mailbox.link_in(NEW["email"])
    with queued_app.app_context():
        assert db.session.scalar(select(OutgoingMail.status)) == "sent"


@pytest.mark.real_commits  # the worker process reads the registration's commit
def test_the_worker_command_delivers_mail_and_stops_on_ctrl_c(queued_app, client, mailbox, committing_database_url):
    env = {
        **os.environ,
        "DATABASE_URL": committing_database_url,
        "ELEARN_JOBS_PATH": queued_app.config["JOBS_SQLITE_PATH"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(queued_app.config["MAIL_PORT"]),
    }
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "elearn", "jobs", "worker", "--workers", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        register(client)
        assert wait_for(lambda: mailbox.messages), "the worker process did not deliver the confirmation"
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "SqliteStorage" in output and mailbox.messages[0]["To"] == NEW["email"]


def test_with_the_queue_unreachable_registration_works_and_the_sweep_mails(app, client, mailbox, caplog):
    """Redis down: the job cannot be queued; the account and its mail are committed, the sweep sends it."""
    app.config.update(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", JOBS_IMMEDIATE=False)
    jobs.init_app(app)
    try:
        assert isinstance(jobs.huey.storage, RedisStorage)
        register(client)
        assert "Could not queue the delivery of 1 mail(s)" in caplog.text
        assert mailbox.messages == []
        with app.app_context():
            assert db.session.scalar(select(OutgoingMail.status)) == "queued"
            assert jobs.PERIODIC["sweep"]() == 1
    finally:
        app.config.update(REDIS_URL=None, JOBS_IMMEDIATE=True)
        jobs.init_app(app)
    assert mailbox.last_to(NEW["email"])


def test_the_storage_follows_the_settings(tmp_path):
    assert jobs.storage({"REDIS_URL": None, "JOBS_SQLITE_PATH": str(tmp_path / "q.sqlite")}) == (
        SqliteStorage,
        {"filename": str(tmp_path / "q.sqlite")},
    )
    storage_class, options = jobs.storage({"REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert storage_class is RedisStorage and options["connection_pool"].connection_kwargs["db"] == 3


def test_the_periodic_jobs_are_known_to_the_scheduler():
    assert {"sweep", "send_digests", "delete_expired_sessions"} <= set(jobs.PERIODIC)
    registered = {name.rpartition(".")[2] for name in jobs.huey._registry._registry}
    assert {"sweep", "send_digests", "delete_expired_sessions", "deliver"} <= registered


def test_digests_go_at_the_configured_hour(app):
    app.config["DIGEST_HOUR"] = 7
    due = jobs.daily_at("DIGEST_HOUR")
    with app.app_context():
        assert due(datetime(2026, 12, 7, 7, 0, tzinfo=UTC))
        assert not due(datetime(2026, 12, 7, 7, 1, tzinfo=UTC))
        assert not due(datetime(2026, 12, 7, 6, 0, tzinfo=UTC))


def test_expired_sign_in_sessions_are_deleted_by_the_hourly_job(app, client, make_user, runner):
    make_user("idle@example.org")
    make_user("busy@example.org")
    sign_in(client, "idle@example.org")
    later = datetime.now(UTC) + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    with time_machine.travel(later - timedelta(minutes=5)):
        sign_in(app.test_client(), "busy@example.org")
    with time_machine.travel(later):
        result = runner.invoke(args=["jobs", "run", "delete_expired_sessions"])
    assert result.exit_code == 0 and "delete_expired_sessions: 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    assert "choose one of" in runner.invoke(args=["jobs", "run", "nothing"]).output


def test_send_mail_command_sends_what_is_due_and_requeues_the_failed(app, mailbox, runner):
    with app.app_context():
        mails = [
            OutgoingMail(
                recipient=f"{name}@example.org",
                kind="reminder",
                message=f"To: {name}@example.org\nSubject: Hi\n\nHello\n",
                status=status,
                attempts=3,
                next_attempt_at=datetime.now(UTC) - timedelta(seconds=1),
            )
            for name, status in (("due", "queued"), ("gone", "failed"), ("done", "sent"))
        ]
        db.session.add_all(mails)
        db.session.commit()
    result = runner.invoke(args=["jobs", "send-mail"])
    assert result.exit_code == 0 and "1 mail(s) sent" in result.output
    result = runner.invoke(args=["jobs", "send-mail", "--failed"])
    assert "1 failed mail(s) queued again" in result.output
    assert sorted(m["To"] for m in mailbox.messages) == ["due@example.org", "gone@example.org"]
