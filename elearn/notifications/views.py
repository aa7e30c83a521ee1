"""Notification pages: the list, marking read, the mail settings, and the unsubscribe link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.auth.forms import ConfirmForm
from elearn.core.pagination import requested_page
from elearn.extensions import csrf, limiter
from elearn.notifications import kinds, services, tokens
from elearn.notifications.forms import field_name, settings_form

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def notification_text(notification) -> str:
    return kinds.text(notification.kind, notification.payload)


def _user():
    return current_user._get_current_object()


def _checked() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _back():
    page = requested_page(request.args)
    return redirect(url_for("notifications.index", page=page) if page > 1 else url_for("notifications.index"))


@bp.get("/")
def index():
    return render_template(
        "notifications/index.html",
        page=services.page_of(_user(), requested_page(request.args)),
        confirm_form=ConfirmForm(),
    )


@bp.post("/<int:notification_id>/read")
def read(notification_id):
    _checked()
    if not services.mark_read(_user(), notification_id):
        abort(404)
    return _back()


@bp.post("/read")
def read_all():
    _checked()
    services.mark_all_read(_user())
    flash(_("Every notification is marked as read."))
    return _back()


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    user = _user()
    shown = services.kinds_for(user)
    form = settings_form(shown, services.choices_of(user))
    if form.validate_on_submit():
        for kind in shown:
            services.set_choice(user, kind.name, form[field_name(kind)].data)
        flash(_("Your notification settings are saved."))
        return redirect(url_for("notifications.settings"))
    groups: dict[str, list] = {}
    for kind in shown:
        groups.setdefault(str(kind.group), []).append(form[field_name(kind)])
    return render_template("notifications/settings.html", form=form, groups=groups), 400 if form.errors else 200


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail programs POST here without a form (RFC 8058)
@limiter.limit("30 per minute", methods=["POST"])
def unsubscribe(token):
    found = tokens.subscription_for(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", labels=None), 404
    user, kind_name = found
    every = kind_name == tokens.EVERY_DAILY
    if request.method == "POST":
        services.unsubscribe(user, kind_name)
    return render_template(
        "notifications/unsubscribe.html",
        labels=[] if every else [kinds.KINDS[kind_name].label],
        every=every,
        done=request.method == "POST",
    )
