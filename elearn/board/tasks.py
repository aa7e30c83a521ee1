"""The board's periodic jobs (elearn.core.jobs): run by the worker's scheduler.

``flask --app elearn board digest`` stays for a manual run; ``flask --app elearn jobs run
send_digests`` runs this one by hand.
"""

from __future__ import annotations

from flask import current_app

from elearn.board.digests import send_due_digests
from elearn.core import jobs
from elearn.core.models import utcnow


@jobs.periodic_job(jobs.daily_at("DIGEST_HOUR"))
def send_digests() -> tuple[int, int]:
    """Daily at ``DIGEST_HOUR`` (UTC): every due saved filter's digest, each filter its own unit of work."""
    base_url = current_app.config.get("BASE_URL")
    if not base_url:
        current_app.logger.error("Saved-search digests not sent: set ELEARN_BASE_URL, the site's public address")
        return 0, 0
    with current_app.test_request_context("/", base_url=base_url):  # links in mails use the public address
        sent, failed = send_due_digests(utcnow())
    current_app.logger.info("Sent %d digest(s); %d failed", sent, failed)
    return sent, failed
