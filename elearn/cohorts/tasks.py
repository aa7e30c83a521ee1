"""The cohorts' periodic job (elearn.core.jobs): weekly reminders that leads set on the reminders page.

Hourly, the worker's scheduler sends the reminders due today: to each cohort whose weekday it
is, while the cohort runs (``starts_on`` … ``ends_on``), the standard reminder to the learners
the dashboard marks inactive (no activity for the cohort's ``inactive_days``, course not
completed). A cohort's run is claimed by writing the day first, so it never sends twice on
one day, however many schedulers or hourly runs there are; running hourly rather than once a
day catches up after a worker that was down. ``flask --app elearn jobs run send_scheduled_reminders``
runs it by hand.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from huey import crontab

from elearn.cohorts import dashboard, services
from elearn.cohorts.models import Cohort
from elearn.core import jobs, transaction
from elearn.extensions import db


def send_due_reminders(today: date) -> int:
    """Send today's scheduled reminders; how many learners were reminded.

    Each cohort is its own change (its day, its log, its outbox mails): one that fails is
    logged and rolled back, stays due for the next hourly run, and holds up no other."""
    reminded = 0
    for cohort_id in services.due_schedules(today):
        try:
            if services.claim_schedule(cohort_id, today):  # else another run took it
                cohort = db.session.get_one(Cohort, cohort_id)
                inactive = [row.user_id for row in dashboard.build(cohort, status="inactive").rows]
                reminded += services.send_reminders(None, cohort, inactive) if inactive else 0
            transaction.commit()
        except Exception:  # a template or the database failed: the next run tries this cohort again
            transaction.rollback()
            current_app.logger.exception("The scheduled reminders of cohort %s failed", cohort_id)
    return reminded


@jobs.periodic_job(crontab(minute="23"))
def send_scheduled_reminders() -> int:
    """Hourly: the weekly reminders due today, with links to the site's public address (BASE_URL)."""
    base_url = current_app.config.get("BASE_URL")
    if not base_url:
        current_app.logger.error("Scheduled reminders not sent: set ELEARN_BASE_URL, the site's public address")
        return 0
    with current_app.test_request_context("/", base_url=base_url):
        reminded = send_due_reminders(date.today())
    if reminded:
        current_app.logger.info("Scheduled reminders sent to %d learner(s)", reminded)
    return reminded
