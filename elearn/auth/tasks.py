"""The auth domain's periodic jobs (elearn.core.jobs): run by the worker's scheduler.

``flask --app elearn jobs run delete_expired_sessions`` runs one by hand.
"""

from __future__ import annotations

from flask import current_app
from huey import crontab

from elearn.auth import sessions
from elearn.core import jobs


@jobs.periodic_job(crontab(minute="17"))
def delete_expired_sessions() -> int:
    """Hourly: sign-in sessions that ended and were abandoned (the browser never came back)."""
    deleted = sessions.delete_expired()
    if deleted:
        current_app.logger.info("Deleted %d expired sign-in session(s)", deleted)
    return deleted
