"""What the certificates domain does when other domains' events happen (elearn.core.signals).

- ``course_completed``: issue the certificate of the completed course, in the transaction
  that completed it;
- ``learner_dashboard``: the learner's page shows their certificates, before their courses.
"""

from __future__ import annotations

from elearn.certificates import services
from elearn.core import signals
from elearn.core.signals import DashboardSection

CERTIFICATES_ORDER = -5  # a completed course's moment: after a pending invitation (-10), before the courses


@signals.course_completed.connect
def issue_certificate(enrolment, *, user, course, variant_tag: str | None, course_title: str, **_extra) -> None:
    """The learner completed ``course`` in ``variant_tag`` (the version they read, titled ``course_title``)."""
    services.issue(user, course, variant_tag, course_title)


@signals.learner_dashboard.connect
def my_certificates(user, **_extra) -> DashboardSection:
    """The learner's certificates, each with its page, its PDF and LinkedIn's form to add it.

    The section shows nothing while the learner has none."""
    return DashboardSection(
        CERTIFICATES_ORDER,
        "certificates/_dashboard.html",
        {"certificates": services.for_user(user), "linkedin_url": services.linkedin_url},
    )
