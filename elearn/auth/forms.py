"""Account forms. Labels and messages are lazy strings, translated when shown."""

from __future__ import annotations

from babel import UnknownLocaleError
from flask import current_app
from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from elearn.auth.models import ADMIN, COHORT_LEAD, GRANTABLE_ROLES, LEARNER, PARTNER_ADMIN, TRAINER
from elearn.auth.passwords import MAX_LENGTH, password_problem
from elearn.core.i18n import PARTNER_COUNTRIES, language_name, variant_name


def country_choices():
    territories = get_locale().territories
    codes = sorted(set(PARTNER_COUNTRIES) | {"OTHER"}, key=lambda c: territories.get(c, c))
    return [
        SelectChoice(c, territories.get(c, c)) if c != "OTHER" else SelectChoice("XX", str(_l("Another country")))
        for c in codes
    ]


def language_choices():
    return [SelectChoice(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


class NewPassword:
    """The password rules of auth.passwords, as a WTForms validator."""

    def __call__(self, form, field):
        email = form.email.data if hasattr(form, "email") else ""
        problem = password_problem(field.data or "", email=email or "")
        if problem:
            raise ValidationError(problem)


class ProfileFields(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As it should appear on your certificates."),
    )
    country = SelectField(_l("Country"), validators=[DataRequired()])
    language = SelectField(_l("Preferred language"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.language.choices = language_choices()


class RegisterForm(ProfileFields):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), NewPassword(), Length(max=MAX_LENGTH)],
        description=_l("At least 8 characters. A few words you can remember work well."),
    )
    submit = SubmitField(_l("Create account"))


class ProfileForm(ProfileFields):
    submit = SubmitField(_l("Save"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class EmailForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    withdraw_certificates = BooleanField(
        _l("Also withdraw my certificates"),
        description=_l("They stop being valid and your name is removed from their pages and PDFs."),
    )
    submit = SubmitField(_l("Delete my account"))


# What people read for each role (the code's names stay in the database, URLs and the CLI).
ROLE_NAMES = {
    LEARNER: _l("Learner"),
    TRAINER: _l("Trainer"),
    PARTNER_ADMIN: _l("Partner admin"),
    COHORT_LEAD: _l("Cohort lead"),
    ADMIN: _l("Site admin"),
}


class GrantRoleForm(FlaskForm):
    # "Role" alone is also an interviewee's job ("Amats" in Latvian): the context tells translators which
    role = SelectField(
        lazy_pgettext("user account", "Role"),
        choices=[SelectChoice(r, ROLE_NAMES[r]) for r in GRANTABLE_ROLES],
        validators=[DataRequired()],
    )
    # Checkboxes of the course versions that exist (no JavaScript needed); anything else a
    # browser sends is refused by services.give_role, with its own message.
    variants = SelectMultipleField(
        _l("Course versions (partner admins only)"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Tick every version this person translates and adapts."),
    )
    submit = SubmitField(_l("Give role"))

    def __init__(self, *args, versions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.variants.choices = [SelectChoice(tag, version_label(tag)) for tag in versions]


def version_label(tag: str) -> str:
    """``lv-LV`` → "lv-LV — Latvian (Latvia)", the names in the reader's language; the tag alone if Babel knows none."""
    try:
        return f"{tag} — {variant_name(tag)}"
    except (ValueError, UnknownLocaleError):
        return tag


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token: for buttons that change something."""

    submit = SubmitField(_l("Confirm"))
