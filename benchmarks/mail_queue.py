"""Reminders to a 2,000-learner cohort: the lead's request, then the worker's delivery.

    .venv/bin/python benchmarks/mail_queue.py                       # SQLite, a temporary folder
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/t_mail .venv/bin/python benchmarks/mail_queue.py

The database named by DATABASE_URL is emptied and filled (tables dropped and created).
A cohort of 2,000 learners (bulk-inserted, one shared password hash) and its lead; the lead
posts the real reminder form (/cohorts/<id>/reminders, every learner chosen, "Send") through
the test client, with a real queue (a SQLite Huey file) and no worker: (a) the request's
wall and CPU time, which queues 2,000 mails in the outbox and one job; then the lead
uploads a CSV list inviting 2,000 new people (the invite page), timed the same way. Then (b) the worker's
part: the job taken from the queue and run as the worker runs it, delivering the 2,000 mails
to a local aiosmtpd sink, with the number of SMTP connections it opened. Prints JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import socket
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from elearn import create_app  # noqa: E402 - after the repository is on the path
from elearn.auth.models import User  # noqa: E402
from elearn.auth.passwords import hash_password  # noqa: E402
from elearn.auth.services import create_user  # noqa: E402
from elearn.cohorts import services as cohorts  # noqa: E402
from elearn.cohorts.models import CohortMember  # noqa: E402
from elearn.core import jobs  # noqa: E402
from elearn.core.models import utcnow  # noqa: E402
from elearn.core.outbox import OutgoingMail  # noqa: E402
from elearn.courses.importer import sync_tree  # noqa: E402
from elearn.courses.models import Course  # noqa: E402
from elearn.extensions import db  # noqa: E402

PASSWORD = "benchmark password 2024"  # noqa: S105 - the lead's password in a throwaway database


class Sink:
    """Counts SMTP connections and messages, keeps nothing."""

    def __init__(self):
        self.sessions = 0
        self.messages = 0

    async def handle_EHLO(self, _server, session, _envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, _server, _session, _envelope):
        self.messages += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(app, learners: int) -> tuple[int, list[int]]:
    """The demo course, a lead, a cohort and ``learners`` members; (cohort id, learner ids)."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        assert sync_tree(REPO / "courses").ok
        shared_hash = hash_password(PASSWORD)
        now = utcnow()
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"learner{n}@bench.example.org",
                    "name": f"Learner {n}",
                    "password_hash": shared_hash,
                    "country": "LV",
                    "language": ("en", "lv", "de")[n % 3],
                    "created_at": now,
                    "password_changed_at": now,
                    "email_confirmed_at": now,
                }
                for n in range(learners)
            ],
        )
        lead = create_user(email="lead@bench.example.org", name="Lead", password=PASSWORD, roles=("cohort_lead",))
        course = db.session.scalar(select(Course).order_by(Course.id))
        cohort = cohorts.create(
            lead,
            cohorts.CohortFields(
                name="Benchmark cohort",
                course=course,
                variant_tag=None,
                starts_on=date.today() - timedelta(days=30),
                ends_on=date.today() + timedelta(days=60),
                place="Riga",
                inactive_days=14,
            ),
        )
        ids = list(db.session.scalars(select(User.id).where(User.email.like("learner%")).order_by(User.id)))
        db.session.execute(
            insert(CohortMember), [{"cohort_id": cohort.id, "user_id": i, "joined_at": now} for i in ids]
        )
        db.session.commit()
        return cohort.id, ids


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=2000)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mail-queue-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite'}"
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark-secret-" + "x" * 32,
            "JOBS_IMMEDIATE": False,
            "JOBS_SQLITE_PATH": str(work / "jobs.sqlite"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "RATELIMIT_ENABLED": False,
            "SIGNING_KEY": None,
        }
    )
    cohort_id, learner_ids = seed(app, options.learners)

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    signed_in = client.post(
        "/login", data={"csrf_token": csrf(page), "email": "lead@bench.example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    page = client.get(f"/cohorts/{cohort_id}/reminders").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "learners": learner_ids, "send": "1"}
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.post(f"/cohorts/{cohort_id}/reminders", data=form)
    request_wall, request_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # invitations: a CSV list of as many new people, uploaded on the invite page
    roster = "".join(f"Person {n},person{n}@bench.example.org\n" for n in range(options.learners)).encode()
    page = client.get(f"/cohorts/{cohort_id}/invite").get_data(as_text=True)
    upload = {"csrf_token": csrf(page), "language": "lv", "roster": (io.BytesIO(roster), "people.csv")}
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.post(f"/cohorts/{cohort_id}/invite", data=upload, content_type="multipart/form-data")
    invite_wall, invite_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        queued = db.session.scalar(
            select(func.count()).select_from(OutgoingMail).where(OutgoingMail.status == "queued")
        )
    waiting = len(jobs.huey)

    wall, cpu = time.perf_counter(), time.process_time()
    jobs.consumer(app)  # the worker's app, for the job below (it runs outside any request, as in the worker)
    while (task := jobs.huey.dequeue()) is not None:
        jobs.huey.execute(task)
    deliver_wall, deliver_cpu = time.perf_counter() - wall, time.process_time() - cpu
    with app.app_context():
        sent = db.session.scalar(select(func.count()).where(OutgoingMail.status == "sent"))
    controller.stop()
    print(
        json.dumps(
            {
                "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
                "learners": len(learner_ids),
                "request": {
                    "wall_s": round(request_wall, 3),
                    "cpu_s": round(request_cpu, 3),
                    "invitations_wall_s": round(invite_wall, 3),
                    "invitations_cpu_s": round(invite_cpu, 3),
                    "mails_queued": queued,
                    "jobs_queued": waiting,
                },
                "delivery": {
                    "wall_s": round(deliver_wall, 3),
                    "cpu_s": round(deliver_cpu, 3),
                    "mails_sent": sent,
                    "received": sink.messages,
                    "smtp_connections": sink.sessions,
                    "per_mail_ms": round(1000 * deliver_wall / max(sent, 1), 2),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
