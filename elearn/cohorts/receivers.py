"""What the cohorts domain does when other domains' events happen (elearn.core.signals).

- ``leads_learner``: certificates ask whether a cohort lead leads the learner in a course;
- ``learner_dashboard``: the learner's page shows a pending cohort invitation (before the
  courses) and the learner's cohorts with the link to join one (after them).
"""

from __future__ import annotations

from flask import has_request_context, request

from elearn.auth.forms import ConfirmForm
from elearn.auth.models import COHORT_LEAD
from elearn.cohorts import services
from elearn.cohorts.views import PENDING_JOIN
from elearn.core import signals
from elearn.core.signals import DashboardSection

PENDING_ORDER = -10  # before the learner's courses
COHORTS_ORDER = 10  # after them


@signals.leads_learner.connect
def leads_learner(user, *, learner_id: int, course_id: int, **_extra) -> bool:
    """True if ``user`` is a cohort lead leading a cohort of ``course_id`` that ``learner_id`` is in."""
    return user.has_role(COHORT_LEAD) and services.leads_learner(user, learner_id, course_id)


@signals.learner_dashboard.connect
def pending_invitation(user, **_extra) -> DashboardSection | None:
    """The cohort whose link the learner opened before signing in, unless they joined it since."""
    if not has_request_context():  # the cookie is the request's
        return None
    pending = services.by_code(request.cookies.get(PENDING_JOIN, ""))
    if pending is None or services.is_member(user, pending):
        return None
    return DashboardSection(PENDING_ORDER, "cohorts/_dashboard_pending.html", {"cohort": pending})


@signals.learner_dashboard.connect
def my_cohorts(user, **_extra) -> DashboardSection:
    """The learner's cohorts, each with its leave button, and the link to join one with a code."""
    return DashboardSection(
        COHORTS_ORDER,
        "cohorts/_dashboard.html",
        {"cohorts": services.memberships(user), "form": ConfirmForm()},
    )
