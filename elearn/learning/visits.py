"""Where "Continue where you left off" leads: each learner's last unit, written in batches.

Every unit a learner opens moves their enrolment's position (last module, unit and time).
Written in the request, that made every page view a write transaction (an UPDATE and a
COMMIT; on PostgreSQL a wait for the WAL flush) for a value only the learner's dashboard
and the cohort dashboard read. So each worker keeps the positions of the last
``VISIT_WRITE_DELAY`` seconds in memory and writes them together, in one transaction, from
a timer thread (Moodle, likewise, writes a user's last access at most once a minute). A
learner's first view of a unit (*seen*, which counts as progress) is still written in the
request.

The price, documented in docs/learning.md: a position can be up to ``VISIT_WRITE_DELAY``
seconds stale, and a worker killed without running its exit handlers (SIGKILL) loses that
many seconds of positions, never progress. A batch never moves a position backwards (an
older visit written late by another worker does not overwrite a newer one) and never
writes into an enrolment that changed owner meanwhile (an erased account's, moved to its
anonymous twin). With ``VISIT_WRITE_DELAY = 0`` every position is written in its request.
"""

from __future__ import annotations

import atexit
import os
import threading

from flask import current_app
from sqlalchemy import bindparam, or_, update

from elearn.core.models import rows_matched
from elearn.core.transaction import unit_of_work
from elearn.extensions import db
from elearn.learning.models import Enrolment

_E = Enrolment.__table__.c
_MOVE = (
    update(Enrolment.__table__)
    .where(
        _E.id == bindparam("enrolment_id"),
        _E.user_id == bindparam("learner_id"),
        or_(_E.last_activity_at.is_(None), _E.last_activity_at <= bindparam("now")),
    )
    .values(last_module=bindparam("module"), last_unit=bindparam("unit"), last_activity_at=bindparam("now"))
)


def record(enrolment_id: int, user_id: int, module_slug: str, unit_slug: str, now) -> bool:
    """Move the enrolment's position to the unit: with the worker's next batch when
    ``VISIT_WRITE_DELAY`` is set, else now, in the caller's transaction (True: written now)."""
    visit = {"enrolment_id": enrolment_id, "learner_id": user_id, "module": module_slug, "unit": unit_slug, "now": now}
    delay = current_app.config["VISIT_WRITE_DELAY"]
    if delay <= 0:
        db.session.execute(_MOVE, visit)
        return True
    # the app itself, not the proxy, for the batch's thread (Flask's documented way to get it)
    batch_of(current_app._get_current_object()).add(visit, delay)  # type: ignore[attr-defined]
    return False


def batch_of(app) -> VisitBatch:
    """The app's batch in this process (a forked worker starts with an empty one)."""
    batch = app.extensions.get("visit_batch")
    if batch is None or batch.pid != os.getpid():
        batch = app.extensions["visit_batch"] = VisitBatch(app)
    return batch


class VisitBatch:
    """The positions a worker has not written yet: the newest per enrolment, and the timer that writes them."""

    def __init__(self, app):
        self.app = app
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._pending: dict[int, dict] = {}
        self._timer: threading.Timer | None = None
        atexit.register(self.write)  # gunicorn's graceful stop and restarts (max_requests) run it

    def add(self, visit: dict, delay: float) -> None:
        with self._lock:
            self._pending[visit["enrolment_id"]] = visit  # a newer visit of the same learner replaces the older
            if self._timer is None:
                self._timer = threading.Timer(delay, self.write)
                self._timer.daemon = True
                self._timer.start()

    def __len__(self) -> int:
        return len(self._pending)

    def write(self) -> int:
        """Write what is pending, in one transaction; returns how many positions moved."""
        with self._lock:
            visits, self._pending, self._timer = list(self._pending.values()), {}, None
        if not visits:
            return 0
        with self.app.app_context():
            try:
                with unit_of_work():  # the batch is its own unit of work, rolled back if it fails
                    moved = rows_matched(db.session.execute(_MOVE, visits))
                return moved
            except Exception:  # a lost position is not worth a crashed thread; the log says what happened
                self.app.logger.exception("Could not write %d learners' positions", len(visits))
                return 0
            finally:
                db.session.remove()
