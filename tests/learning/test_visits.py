"""Learners' positions written in batches (elearn.learning.visits), on the real database."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.auth.personal_data import erase_account
from elearn.extensions import db
from elearn.learning.models import Enrolment, UnitProgress
from elearn.learning.visits import batch_of
from tests.conftest import post_form, sign_in
from tests.factories import ONE_MODULE_FILES as FILES


@pytest.fixture
def learner(app, client, write_course, make_user):
    """A signed-in learner enrolled in the course, whose visits wait for a batch (or the timer)."""
    from elearn.core.transaction import unit_of_work
    from elearn.courses.importer import sync_tree

    with app.app_context(), unit_of_work():
        assert sync_tree(write_course(FILES)).ok
    make_user("ilze@example.org")
    sign_in(client, "ilze@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    app.config["VISIT_WRITE_DELAY"] = 60  # long enough that only the test writes the batch
    yield "ilze@example.org"
    batch_of(app)._pending.clear()  # nothing left for the exit handler to write into a dropped database


def enrolment_of(app, email: str) -> Enrolment:
    with app.app_context():
        return db.session.scalars(
            select(Enrolment).join(User, User.id == Enrolment.user_id).where(User.email == email)
        ).one()


def test_a_visit_is_seen_at_once_and_its_position_written_with_the_batch(app, client, learner):
    assert client.get("/courses/demo/one/lesson/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(UnitProgress.seen_at).where(UnitProgress.unit_slug == "lesson")) is not None
    assert enrolment_of(app, learner).last_unit is None
    assert "Continue where you left off" not in client.get("/me/").get_data(as_text=True)

    client.get("/courses/demo/one/story/")  # the same learner again: the newer visit replaces the older
    batch = batch_of(app)
    assert len(batch) == 1
    assert batch.write() == 1
    assert len(batch) == 0
    enrolment = enrolment_of(app, learner)
    assert (enrolment.last_module, enrolment.last_unit) == ("one", "story")
    assert 'href="/courses/demo/one/story/">Continue where you left off' in client.get("/me/").get_data(as_text=True)
    assert batch.write() == 0  # nothing pending, nothing written


def test_a_batch_never_moves_a_position_backwards(app, client, learner):
    client.get("/courses/demo/one/lesson/")  # kept by this worker
    enrolment = enrolment_of(app, learner)
    later = batch_of(app)._pending[enrolment.id]["now"] + timedelta(seconds=5)
    with app.app_context():  # meanwhile another worker wrote a newer visit
        db.session.execute(
            Enrolment.__table__.update()
            .where(Enrolment.id == enrolment.id)
            .values(last_module="one", last_unit="story", last_activity_at=later)
        )
        db.session.commit()
    assert batch_of(app).write() == 0
    assert enrolment_of(app, learner).last_unit == "story"


def test_an_erased_learners_pending_position_is_not_written_into_the_anonymous_record(app, client, learner):
    client.get("/courses/demo/one/lesson/")
    enrolment = enrolment_of(app, learner)
    with app.app_context():
        erase_account(db.session.scalars(select(User).where(User.email == learner)).one())
        db.session.commit()
    assert batch_of(app).write() == 0
    with app.app_context():
        kept = db.session.get(Enrolment, enrolment.id)
        assert kept.user_id != enrolment.user_id  # the progress stays, with the anonymous twin
        assert kept.last_unit is None


def test_the_timer_writes_the_batch_without_another_request(app, client, learner):
    app.config["VISIT_WRITE_DELAY"] = 0.2
    client.get("/courses/demo/one/story/")
    deadline = time.monotonic() + 10
    while enrolment_of(app, learner).last_unit != "story":
        assert time.monotonic() < deadline, "the timer did not write the position"
        time.sleep(0.05)
    assert len(batch_of(app)) == 0


def test_a_failed_batch_is_logged_and_the_worker_goes_on(app, client, learner, caplog):
    client.get("/courses/demo/one/lesson/")
    batch = batch_of(app)
    batch._pending[next(iter(batch._pending))]["now"] = "not a time"  # the driver refuses the batch
    assert batch.write() == 0
    assert "Could not write 1 learners' positions" in caplog.text
    client.get("/courses/demo/one/story/")  # the next visits are kept and written as usual
    assert batch.write() == 1


def test_a_forked_worker_starts_with_an_empty_batch(app, client, learner, monkeypatch):
    client.get("/courses/demo/one/lesson/")
    parent = batch_of(app)
    monkeypatch.setattr("os.getpid", lambda: parent.pid + 1)
    child = batch_of(app)
    assert child is not parent and len(child) == 0 and len(parent) == 1
    parent._pending.clear()


@pytest.mark.real_commits
def test_a_worker_writes_its_pending_positions_when_it_exits(app, client, learner):
    """As a gunicorn worker does on a graceful stop or restart: the interpreter's exit handlers run."""
    enrolment = enrolment_of(app, learner)
    script = textwrap.dedent(f"""
        from elearn import create_app
        from elearn.core.models import utcnow
        from elearn.learning import visits

        app = create_app({{"SQLALCHEMY_DATABASE_URI": {app.config["SQLALCHEMY_DATABASE_URI"]!r},
                           "COURSES_PATH": {app.config["COURSES_PATH"]!r}, "VISIT_WRITE_DELAY": 60}})
        with app.app_context():
            assert not visits.record({enrolment.id}, {enrolment.user_id}, "one", "story", utcnow())
        assert len(visits.batch_of(app)) == 1
    """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SECRET_KEY": "x" * 40},
    )
    assert done.returncode == 0, done.stderr
    assert enrolment_of(app, learner).last_unit == "story"
