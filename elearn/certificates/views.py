"""Public verification of certificates (page, PDF, signed credential), and revocation by admins and cohort leads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.auth.forms import ConfirmForm
from elearn.certificates import services
from elearn.extensions import limiter

bp = Blueprint("certificates", __name__, url_prefix="/certificates")

# Verification is public; the limit makes trying ids pointless on top of their 128 random bits.
VERIFY_LIMIT = "60 per minute;600 per hour"


def _certificate(certificate_id: str):
    certificate = services.get(certificate_id)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/<certificate_id>")
@limiter.limit(VERIFY_LIMIT)
def verify(certificate_id):
    certificate = _certificate(certificate_id)
    can_revoke = current_user.is_authenticated and services.may_revoke(current_user, certificate)
    return render_template(
        "certificates/verify.html", certificate=certificate, can_revoke=can_revoke, form=ConfirmForm()
    )


@bp.get("/<certificate_id>.pdf")
@limiter.limit(VERIFY_LIMIT)
def pdf(certificate_id):
    certificate = _certificate(certificate_id)
    return Response(
        services.pdf(certificate),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{certificate.id}.pdf"'},
    )


@bp.get("/<certificate_id>.json")
@limiter.limit(VERIFY_LIMIT)
def credential(certificate_id):
    response = jsonify(services.credential(_certificate(certificate_id)))
    response.mimetype = "application/vc+ld+json"
    return response


# The same image for every certificate of a course in a language, and nothing personal in it
BADGE_MAX_AGE = 24 * 3600


@bp.get("/<certificate_id>/badge.svg")
@limiter.limit(VERIFY_LIMIT)
def badge(certificate_id):
    response = Response(services.badge_svg(_certificate(certificate_id)), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = BADGE_MAX_AGE
    return response


@bp.get("/<certificate_id>/status")
@limiter.limit(VERIFY_LIMIT)
def status(certificate_id):
    return jsonify(services.status(_certificate(certificate_id)))


@bp.get("/issuers/<key>")
def issuer(key):
    try:
        return jsonify(services.issuer_profile(key))
    except services.CertificateError:
        abort(404)


@bp.post("/<certificate_id>/revoke")
def revoke(certificate_id):
    certificate = _certificate(certificate_id)
    if not services.may_revoke(current_user, certificate):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke(certificate, request.form.get("reason", ""), current_user._get_current_object())
    except services.CertificateError as error:
        flash(str(error), "error")
    else:
        flash(_("The certificate is revoked."))
    return redirect(url_for("certificates.verify", certificate_id=certificate.id))
