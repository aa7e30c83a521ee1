"""Domain events: how one domain tells the others what happened without importing them.

A domain sends a signal about its own objects; the domains that care connect receivers
in their own ``receivers`` module, which :func:`elearn.create_app` imports. So the
sender never imports the listener and imports run in one direction (docs/architecture.md).
Receivers run in the sender's transaction: they change the session and never commit.
Signals that ask a question collect their receivers' answers (blinker's ``send`` returns
``(receiver, answer)`` pairs; :func:`answers` keeps the answers).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from blinker import Namespace, Signal

_signals = Namespace()

course_completed = _signals.signal(
    "course-completed",
    doc="""A learner completed every module of a course version.

    Sender: the learner's ``Enrolment`` (learning). Certificates issue one.""",
)

account_erasing = _signals.signal(
    "account-erasing",
    doc="""An account is being deleted: erase or anonymise what the domain holds about the person.

    Sender: the ``User`` (auth), deleted after every receiver ran, in the same transaction.
    Each domain's ``personal_data`` module connects its ``erase``.""",
)

personal_data_exported = _signals.signal(
    "personal-data-exported",
    doc="""A person downloads their data. Sender: the ``User``.

    Each domain answers ``(its name, a JSON-ready dict)`` of what it holds about the person.""",
)

personal_data_columns = _signals.signal(
    "personal-data-columns",
    doc="""Which columns refer to a person, for the test that proves export and erasure cover them.

    Sender: None. Each domain answers its ``personal_data`` module (``COLUMNS``, ``KEPT``).""",
)

leads_learner = _signals.signal(
    "leads-learner",
    doc="""Whether the sender (a user) leads a cohort of course ``course_id`` that learner ``learner_id`` is in.

    Cohorts answer True or False; certificates ask before a lead revokes a certificate.""",
)

learner_dashboard = _signals.signal(
    "learner-dashboard",
    doc="""The learner's page (/me/) is shown. Sender: the ``User``.

    Domains answer a ``DashboardSection`` (its order, template and context) to show on it.""",
)

course_versions = _signals.signal(
    "course-versions",
    doc="""Which course versions exist: the ones a partner admin can be given.

    Sender: None. Courses answer the distinct tags of their variants (``lv-LV``, ``ru-LV``, ``lv``).""",
)


notify = _signals.signal(
    "notify",
    doc="""Something happened that people should hear about (a post waits for approval, a reply came).

    Sender: the object it is about. Keyword arguments: ``kind`` (a name registered in
    ``elearn.notifications.kinds``), ``recipients`` (users), ``payload`` (JSON-ready: ``title``,
    ``url`` (a path of the site), ``detail`` …, what the kind's text is made of) and ``actor``
    (who did it, never told of their own act). Notifications store one for each recipient and
    mail it as each chose.""",
)


def answers(signal: Signal, sender: Any = None, **kwargs: Any) -> list[Any]:
    """What the receivers of a question-asking signal answered, in the order they were connected."""
    return [answer for _receiver, answer in signal.send(sender, **kwargs)]


class DashboardSection(NamedTuple):
    """A part of the learner's page another domain contributes (an answer to ``learner_dashboard``).

    Sections with a negative ``order`` come before the learner's courses, the others after them."""

    order: int
    template: str
    context: dict[str, Any]
