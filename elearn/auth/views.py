"""Account pages: register, confirm, sign in and out, reset, profile, delete; admins manage roles."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy import select

from elearn.auth import services
from elearn.auth.forms import (
    ROLE_NAMES,
    ChangePasswordForm,
    ConfirmForm,
    DeleteAccountForm,
    EmailForm,
    GrantRoleForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    version_label,
)
from elearn.auth.models import User
from elearn.auth.personal_data import export_all
from elearn.core.models import utcnow
from elearn.extensions import db, limiter

bp = Blueprint("auth", __name__)


@bp.app_template_filter("role_name")
@pass_context  # else Jinja folds ``"learner" | role_name`` into the compiled template, in the first reader's language
def role_name(_context, role: str) -> str:
    """A role as people read it, in their language ("cohort_lead" is "Cohort lead")."""
    return str(ROLE_NAMES.get(role, role))


bp.app_template_filter("version_label")(version_label)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, scheme or a protocol-relative URL."""
    if not target:
        return url_for("learning.dashboard")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("learning.dashboard")
    return target


def _account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if request.method == "GET":
        form.language.data = str(get_locale())  # the language the visitor is reading now
    if form.validate_on_submit():
        try:
            services.register(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                country=form.country.data,
                language=form.language.data,
            )
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            return render_template("auth/check_mail.html", email=form.email.data)
    return render_template("auth/register.html", form=form)


@bp.get("/confirm/<token>")
def confirm(token):
    try:
        services.confirm_email(token)
    except services.AccountError as error:
        return render_template(
            "auth/message.html", title=_("Confirmation failed"), message=str(error), resend=True
        ), 400
    flash(_("Your email address is confirmed. You can sign in now."))
    return redirect(url_for("auth.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_account_key)
def resend_confirmation():
    form = EmailForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        return render_template("auth/check_mail.html", email=form.email.data)
    return render_template("auth/email_form.html", form=form, title=_("Send the confirmation link again"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"], key_func=_account_key)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    unconfirmed = False
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
            unconfirmed = error.unconfirmed
        else:
            services.sign_in(user)
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form, unconfirmed=unconfirmed)


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    services.sign_out(current_user._get_current_object())
    flash(_("You are signed out."))
    return redirect(url_for("courses.catalogue"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_account_key)
@limiter.limit("20 per hour", methods=["POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("auth/check_mail.html", email=form.email.data, reset=True)
    return render_template("auth/email_form.html", form=form, title=_("Forgot your password?"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token):
    try:
        services.user_for_reset(token)
    except services.AccountError as error:
        return render_template("auth/message.html", title=_("Reset failed"), message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            flash(_("Your password is changed. Please sign in with the new one."))
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/me/profile", methods=["GET", "POST"])
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        services.update_profile(user, name=form.name.data, country=form.country.data, language=form.language.data)
        flash(_("Your profile is saved."))
        return redirect(url_for("auth.profile"))
    return _profile_page(user, form=form)


def _profile_page(user, *, form=None, password_form=None, delete_form=None):
    """The profile page with its three forms; the one that was just sent keeps its input and errors."""
    return render_template(
        "auth/profile.html",
        form=form or ProfileForm(obj=user),
        password_form=password_form or ChangePasswordForm(),
        delete_form=delete_form or DeleteAccountForm(),
        export_form=ConfirmForm(),
    )


@bp.post("/me/password")
@limiter.limit("10 per hour")
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current.data, form.password.data)
        except services.AccountError as error:
            form.current.errors.append(str(error))
        else:
            flash(_("Your password is changed. You were signed out on your other devices."))
            return redirect(url_for("auth.profile"))
    return _profile_page(user, password_form=form), 400


@bp.post("/me/delete")
@limiter.limit("10 per hour")
def delete_account():
    user = current_user._get_current_object()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(user, form.password.data, withdraw_certificates=form.withdraw_certificates.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            flash(_("Your account and your data are deleted."))
            return redirect(url_for("courses.catalogue"))
    return _profile_page(user, delete_form=form), 400


@bp.post("/me/data")
@limiter.limit("10 per hour")
def export_data():
    """ "Download my data": everything the platform holds about the signed-in user, as a JSON file."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    data = export_all(current_user._get_current_object())
    body = json.dumps(data, ensure_ascii=False, indent=2)
    filename = f"elearn-my-data-{utcnow():%Y-%m-%d}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


# ---------------------------------------------------------------- admins: roles


@bp.get("/admin/users/")
def admin_users():
    query = request.args.get("q", "").strip().lower()
    statement = select(User).where(User.erased_at.is_(None)).order_by(User.email).limit(200)
    if query:
        statement = statement.where(User.email.contains(query) | User.name.ilike(f"%{query}%"))
    return render_template("auth/admin_users.html", users=db.session.scalars(statement).all(), query=query)


def _admin_user_page(user: User, form: GrantRoleForm, versions: list[str]) -> str:
    return render_template("auth/admin_user.html", user=user, form=form, versions=versions, revoke_form=ConfirmForm())


@bp.get("/admin/users/<int:user_id>")
def admin_user(user_id):
    user = db.get_or_404(User, user_id)
    versions = services.course_versions()
    return _admin_user_page(user, GrantRoleForm(versions=versions), versions)


@bp.post("/admin/users/<int:user_id>/roles")
def admin_grant(user_id):
    user = db.get_or_404(User, user_id)
    versions = services.course_versions()
    form = GrantRoleForm(versions=versions)
    if form.validate_on_submit():
        try:
            services.give_role(user, form.role.data, form.variants.data or (), current_user._get_current_object())
        except services.AccountError as error:
            form.variants.errors.append(str(error))
        else:
            flash(_("Role given."))
            return redirect(url_for("auth.admin_user", user_id=user.id))
    return _admin_user_page(user, form, versions), 400


@bp.post("/admin/users/<int:user_id>/roles/<int:grant_id>/revoke")
def admin_revoke(user_id, grant_id):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_role(user, grant_id, current_user._get_current_object())
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        flash(_("Role removed."))
    return redirect(url_for("auth.admin_user", user_id=user.id))
