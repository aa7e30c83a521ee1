"""The daily digest of notifications (elearn.core.jobs): run by the worker's scheduler.

``flask --app elearn jobs run send_notification_digests`` runs it by hand.
"""

from __future__ import annotations

from flask import current_app

from elearn.core import jobs
from elearn.notifications.mailing import send_due_digests


@jobs.periodic_job(jobs.daily_at("DIGEST_HOUR"))
def send_notification_digests() -> tuple[int, int]:
    """Daily at ``DIGEST_HOUR`` (UTC): each person's waiting notifications in one mail, each a unit of work."""
    if not current_app.config.get("BASE_URL"):
        current_app.logger.error("Notification digests not sent: set ELEARN_BASE_URL, the site's public address")
        return 0, 0
    sent, failed = send_due_digests()
    current_app.logger.info("Sent %d notification digest(s); %d failed", sent, failed)
    return sent, failed
