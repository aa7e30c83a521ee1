"""Issuing, revoking and presenting certificates (page, PDF, Open Badges 3.0 credential).

Issuers are configured per deployment and per partner country (``ELEARN_ISSUERS``, a
JSON object such as ``{"LV": {"name": "Sociālās inovācijas centrs", "url": "https://…"}}``);
a certificate is issued by the issuer of its course variant's country, else of the
learner's country, else by the deployment's own issuer (``ELEARN_ISSUER_NAME``,
``ELEARN_ISSUER_URL``). Each issuer has a public profile that publishes the key the
credentials are signed with.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict
from urllib.parse import urlencode

from flask import current_app, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.certificates import badge, openbadges
from elearn.certificates.models import Certificate
from elearn.core import signals
from elearn.core.cache import remember
from elearn.core.i18n import format_hours, variant_name
from elearn.core.models import as_utc, insert_ignore, utcnow
from elearn.core.signals import answers
from elearn.courses.models import Course
from elearn.extensions import db

ID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")


class CertificateError(Exception):
    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------- issuers and keys


def issuers() -> dict[str, dict]:
    config = current_app.config
    found = {"default": {"name": config["ISSUER_NAME"] or config["SITE_NAME"], "url": config["ISSUER_URL"]}}
    found.update({code.upper(): value for code, value in (config["ISSUERS"] or {}).items()})
    return found


def issuer_for(variant_tag: str | None, learner_country: str | None) -> str:
    known = issuers()
    country = variant_tag.split("-")[1] if variant_tag and "-" in variant_tag else None
    for candidate in (country, learner_country):
        if candidate and candidate.upper() in known:
            return candidate.upper()
    return "default"


def signing_key():
    return openbadges.load_or_create_key(current_app.instance_path, current_app.config.get("SIGNING_KEY"))


def issuer_profile_url(key: str) -> str:
    return url_for("certificates.issuer", key=key, _external=True)


def issuer_profile(key: str) -> dict:
    issuer = issuers().get(key)
    if issuer is None:
        raise CertificateError(_l("Unknown issuer."))
    profile_url = issuer_profile_url(key)
    return openbadges.issuer_profile(
        issuer_id=profile_url,
        name=issuer["name"],
        url=issuer.get("url"),
        key_id=f"{profile_url}#key-1",
        public_key=openbadges.public_key_multibase(signing_key()),
    )


# ---------------------------------------------------------------- issuing and revoking


def issue(user, course, variant_tag: str | None, course_title: str) -> Certificate | None:
    """Issue the certificate of a completed course, exactly once; None if the course gives none."""
    if not course.certificate:
        return None
    key = issuer_for(variant_tag, user.country)
    issuer = issuers()[key]
    insert_ignore(
        Certificate,
        id=secrets.token_urlsafe(16),
        user_id=user.id,
        course_id=course.id,
        learner_name=user.name,
        course_title=course_title,
        variant_tag=variant_tag,
        language=(variant_tag or course.language).split("-")[0],
        hours=course.estimated_hours,
        issuer_key=key,
        issuer_name=issuer["name"],
        issuer_url=issuer.get("url"),
        issued_at=utcnow(),
    )
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id == course.id)
    )


def get(certificate_id: str) -> Certificate | None:
    """A certificate by its id; malformed ids are not even looked up."""
    if not ID_RE.match(certificate_id or ""):
        return None
    return db.session.get(Certificate, certificate_id)


def for_user(user) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at.desc())
        )
    )


def may_revoke(user, certificate: Certificate) -> bool:
    """Admins, and the leads of a cohort of this course the learner belongs to (cohorts answer)."""
    if user.has_role("admin"):
        return True
    return any(answers(signals.leads_learner, user, learner_id=certificate.user_id, course_id=certificate.course_id))


def revoke(certificate: Certificate, reason: str, by) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_l("Please give the reason for revoking."))
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoked_reason = reason
        certificate.revoked_by_id = by.id


# ---------------------------------------------------------------- what a certificate shows


def verify_url(certificate: Certificate) -> str:
    return url_for("certificates.verify", certificate_id=certificate.id, _external=True)


def credential(certificate: Certificate) -> dict:
    """The signed OpenBadgeCredential. Signing is deterministic: the proof is dated at issuance."""
    profile_url = issuer_profile_url(certificate.issuer_key)
    course_slug = _course_slug(certificate)
    course_url = url_for("courses.course", course_slug=course_slug, _external=True)
    document = openbadges.build_credential(
        credential_id=verify_url(certificate),
        issuer={"id": profile_url, "name": certificate.issuer_name, "url": certificate.issuer_url},
        valid_from=as_utc(certificate.issued_at),
        learner_name=certificate.learner_name,
        achievement_id=course_url,
        achievement_name=certificate.course_title,
        achievement_description=certificate.course_title,
        criteria_narrative=_criteria(certificate),
        hours=certificate.hours,
        language=certificate.language,
        status_url=url_for("certificates.status", certificate_id=certificate.id, _external=True),
        image=badge.data_uri(badge.badge_svg(course_slug, certificate.course_title)),
    )
    return openbadges.sign(document, signing_key(), f"{profile_url}#key-1", as_utc(certificate.issued_at))


def badge_svg(certificate: Certificate) -> str:
    """The course's badge, titled in the certificate's language (the credential embeds the same)."""
    return badge.badge_svg(_course_slug(certificate), certificate.course_title)


def _course_slug(certificate: Certificate) -> str:
    return db.session.get_one(Course, certificate.course_id).slug  # the course's deletion deletes its certificates


def _criteria(certificate: Certificate) -> str:
    with force_locale(certificate.language):
        return _(
            "Complete every module of the course: read its lessons, interviews and case stories, and pass its quiz."
        )


def status(certificate: Certificate) -> dict:
    """The credential's revocation status, in the 1EdTech Revocation List shape its credentialStatus names.

    Each certificate has its own list (at its ``/status`` address), holding itself when revoked.
    """
    revoked = []
    if certificate.revoked_at is not None:
        revoked.append(
            {
                "id": verify_url(certificate),
                "revocationReason": certificate.revoked_reason,
                "revokedAt": as_utc(certificate.revoked_at).isoformat(),
            }
        )
    return {
        "id": url_for("certificates.status", certificate_id=certificate.id, _external=True),
        "issuer": issuer_profile_url(certificate.issuer_key),
        "revokedCredentials": revoked,
    }


def pdf(certificate: Certificate) -> bytes:
    # reportlab takes most of a second to import: only a worker that makes a PDF loads it
    from elearn.certificates.pdf import CertificateText, render_pdf  # noqa: PLC0415 - heavy, PDFs only

    with force_locale(certificate.language):
        details = []
        if certificate.variant_tag:
            details.append(_("Version: %(variant)s", variant=variant_name(certificate.variant_tag)))
        if certificate.hours:
            details.append(_("Learning time: %(duration)s", duration=format_hours(certificate.hours)))
        details.append(_("Completed on %(date)s", date=format_date(as_utc(certificate.issued_at), "long")))
        text = CertificateText(
            heading=_("Certificate of completion"),
            awarded_to=_("This certifies that"),
            learner_name=certificate.learner_name,
            completed=_("has completed the course"),
            course_title=certificate.course_title,
            details=details,
            issuer_name=certificate.issuer_name,
            verify_text=_("Check that this certificate is genuine at"),
            verify_url=verify_url(certificate),
            certificate_id=certificate.id,
            language=certificate.language,
            qr_alt=_(
                "QR code that opens the page where this certificate can be checked: %(url)s",
                url=verify_url(certificate),
            ),
        )
    # ~80 ms to render, well under 1 ms from the cache; keyed by every string on the page
    return remember("certificate-pdf", asdict(text), lambda: render_pdf(text))


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "add licence or certification" form, filled in (the learner opens it)."""
    issued = as_utc(certificate.issued_at)
    return "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": certificate.course_title,
            "organizationName": certificate.issuer_name,
            "issueYear": issued.year,
            "issueMonth": issued.month,
            "certUrl": verify_url(certificate),
            "certId": certificate.id,
        }
    )
