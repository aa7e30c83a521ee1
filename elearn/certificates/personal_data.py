"""What the certificates domain holds about a person, for export and erasure (see docs/privacy.md).

A certificate stays verifiable after its holder deletes their account: an employer may hold
the PDF, and its page is reachable only through the unguessable number the holder gave out.
It keeps its own copy of the holder's name for that (``KEPT``) and moves to the account's
anonymous twin. Whoever deletes their account may instead withdraw their certificates
(:func:`withdraw`): they are revoked with that reason and the name is removed.
"""

from __future__ import annotations

import sys
from types import ModuleType

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from elearn.auth.personal_data import anonymous_twin
from elearn.certificates.models import Certificate
from elearn.certificates.services import verify_url
from elearn.core import signals
from elearn.core.models import utcnow
from elearn.extensions import db

NAME = "certificates"
ORDER = 20

COLUMNS = {"certificate.user_id", "certificate.revoked_by_id", "certificate.learner_name"}
KEPT = {"certificate.learner_name": "the certificate stays verifiable after account deletion, unless withdrawn"}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export(user) -> dict:
    own = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at))
    revoked = db.session.scalars(
        select(Certificate).where(Certificate.revoked_by_id == user.id).order_by(Certificate.revoked_at)
    )
    return {
        "certificates": [
            {
                "number": c.id,
                "address": verify_url(c),
                "name": c.learner_name,
                "course": c.course_title,
                "version": c.variant_tag,
                "language": c.language,
                "hours": c.hours,
                "issuer": c.issuer_name,
                "issued_at": _iso(c.issued_at),
                "revoked_at": _iso(c.revoked_at),
                "revoked_reason": c.revoked_reason,
            }
            for c in own
        ],
        "certificates_you_revoked": [
            {"number": c.id, "revoked_at": _iso(c.revoked_at), "reason": c.revoked_reason} for c in revoked
        ],
    }


def withdraw(user) -> None:
    """Revoke the user's certificates at their request and remove their name from them."""
    for certificate in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)):
        if certificate.revoked_at is None:
            certificate.revoked_at = utcnow()
            with force_locale(certificate.language):
                certificate.revoked_reason = _("Withdrawn at the holder's request.")
        certificate.learner_name = ""
    db.session.flush()


def erase(user) -> None:
    """Certificates move to the anonymous twin and stay verifiable; revocations by the user lose their author."""
    db.session.execute(update(Certificate).where(Certificate.revoked_by_id == user.id).values(revoked_by_id=None))
    if db.session.scalar(select(Certificate.id).where(Certificate.user_id == user.id).limit(1)) is None:
        return
    twin = anonymous_twin(user)
    db.session.execute(update(Certificate).where(Certificate.user_id == user.id).values(user_id=twin.id))


# ---------------------------------------------------------------- connected to the domain events


@signals.account_erasing.connect
def _erase(user, *, withdraw_certificates: bool = False, **_) -> None:
    """The holder may withdraw their certificates when deleting the account (a kwarg of the event)."""
    if withdraw_certificates:
        withdraw(user)
    erase(user)


@signals.personal_data_exported.connect
def _export(user, **_) -> tuple[str, dict]:
    return NAME, export(user)


@signals.personal_data_columns.connect
def _columns(_sender, **_) -> ModuleType:
    return sys.modules[__name__]
