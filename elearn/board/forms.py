"""Board forms, and the translated names of its vocabularies (kinds, legal forms, areas).

Forms that anyone can reach through a link carry a honeypot: a field hidden by CSS
(``board.css``) and from screen readers, which people leave empty and simple bots fill.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from elearn.board.models import AREAS, DAILY, KINDS, LEGAL_FORMS, OFF, WEEKLY
from elearn.core.i18n import PARTNER_COUNTRIES, language_name

KIND_LABELS = {
    "offer": _l("Offer"),
    "request": _l("Request"),
    "partner_search": _l("Partner search"),
    "event": _l("Event"),
    "job": _l("Work practice or job"),
}
LEGAL_FORM_LABELS = {
    "social_enterprise": _l("Social enterprise"),
    "cooperative": _l("Cooperative"),
    "company": _l("Company"),
    "ngo": _l("NGO"),
    "public_institution": _l("Public institution"),
    "local_community": _l("Local community"),
    "educational": _l("Educational organisation"),
    "research": _l("Research organisation"),
}
AREA_LABELS = {
    "work_practice": _l("Hosting work practice"),
    "skills": _l("Skills and staff development"),
    "care_employment": _l("Linking social-care and employment programmes"),
    "eu_projects": _l("Partners for EU projects"),
    "products_services": _l("Products and services"),
    "ethical_investment": _l("Ethical investment"),
}
FREQUENCY_LABELS = {OFF: _l("No mail"), DAILY: _l("Daily digest"), WEEKLY: _l("Weekly digest")}
if set(KIND_LABELS) != set(KINDS) or set(LEGAL_FORM_LABELS) != set(LEGAL_FORMS) or set(AREA_LABELS) != set(AREAS):
    raise RuntimeError("Every board kind, legal form and area needs its label here (models.py names them).")

MAX_BODY = 20_000
WEB_ADDRESS_ERROR = _l("This is not a web address. Write it as example.org or https://example.org/about.")


def complete_url(value: str | None) -> str | None:
    """A site typed without its scheme ("example.org", "www.example.org/x") gets https:// in front."""
    value = (value or "").strip()
    if value and "://" not in value and not value.lower().startswith(("mailto:", "javascript:", "data:")):
        value = "https://" + value.removeprefix("//")
    return value


def country_choices():
    """Partner countries first, then every other country, by name in the interface language."""
    territories = get_locale().territories
    partner = sorted(PARTNER_COUNTRIES, key=lambda c: territories.get(c, c))
    others = sorted(
        (
            code
            for code in territories
            if len(code) == 2
            and code.isalpha()
            and code not in partner
            and code not in {"ZZ", "XA", "XB", "EU", "EZ", "UN", "QO"}
        ),
        key=lambda c: territories[c],
    )
    partner_group, other_group = str(_l("Partner countries")), str(_l("Other countries"))
    return [SelectChoice(c, territories.get(c, c), optgroup=partner_group) for c in partner] + [
        SelectChoice(c, territories[c], optgroup=other_group) for c in others
    ]


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def language_choices():
    return [SelectChoice(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


class Empty:
    """The honeypot's validator."""

    def __call__(self, form, field):
        if field.data:
            raise ValidationError(_l("Leave this field empty."))


class HoneypotMixin:
    homepage = StringField(_l("Leave this field empty"), validators=[Empty()])


class PostForm(HoneypotMixin, FlaskForm):
    kind = SelectField(_l("Kind of post"), choices=_choices(KIND_LABELS), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=3, max=200)])
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description=_l("Markdown: **bold**, *italic*, lists with -, links as [text](https://…)."),
    )
    organisation_id = SelectField(_l("On behalf of"), coerce=int, validators=[Optional()])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    region = StringField(_l("Region or town"), validators=[Length(max=120)])
    language = SelectField(_l("Language of the post"), validators=[DataRequired()])
    tags = StringField(
        _l("Tags"),
        validators=[Length(max=400)],
        description=_l("Up to 8 words or phrases separated by commas, e.g. reuse, green procurement, youth."),
    )
    expires_on = DateField(
        _l("Show until"),
        validators=[Optional()],
        description=_l("Offers and requests only: they leave the board after this day; 3 months if empty."),
    )
    event_date = DateField(_l("Date of the event"), validators=[Optional()])
    event_start = TimeField(_l("Starts at"), validators=[Optional()])
    event_end = TimeField(_l("Ends at"), validators=[Optional()])
    event_place = StringField(
        _l("Place"), validators=[Length(max=200)], description=_l("Town and address, or “online”.")
    )
    # shown, and required by posts.update_post, only when a moderator edits someone else's post
    edit_reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=1000)],
        description=_l("Why you change someone else's post: kept in the moderation audit log."),
    )
    submit = SubmitField(_l("Publish"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.language.choices = language_choices()
        self.organisation_id.choices = [SelectChoice(0, str(_l("Myself only")))] + [
            SelectChoice(o.id, o.name) for o in organisations
        ]


class ReplyForm(HoneypotMixin, FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description=_l("Markdown: **bold**, *italic*, lists with -, links as [text](https://…)."),
    )
    submit = SubmitField(lazy_pgettext("verb: send the reply", "Reply"))


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with it?"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Only the moderators see this."),
    )
    submit = SubmitField(_l("Report to the moderators"))


class ModerationForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=1000)],
        description=_l("Shown to the author when hiding, and kept in the audit log."),
    )
    submit = SubmitField(_l("Confirm"))

    def for_action(self, action: str) -> None:
        """The reason's label and hint say what the reason is for in this act (approving needs none)."""
        if action == "approve":
            self.reason.label.text = _l("Note for the audit log (optional)")
            self.reason.description = _l("The author is told that their post is published; this note is not sent.")
        elif action == "restore":
            self.reason.description = _l("Kept in the audit log.")
        else:
            self.reason.description = _l("Shown to the author, and kept in the audit log.")


class ContactForm(HoneypotMixin, FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[DataRequired(), Length(min=10, max=5000)])
    share_email = BooleanField(
        _l("Share my email address with the author, so they can answer by mail"),
        description=_l(
            "Otherwise they answer on this site and we forward it: neither of you sees the other's address."
        ),
    )
    submit = SubmitField(_l("Send"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name of the organisation"), validators=[DataRequired(), Length(max=200)])
    legal_form = SelectField(_l("Legal form"), choices=_choices(LEGAL_FORM_LABELS), validators=[DataRequired()])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    region = StringField(_l("Region or town"), validators=[Length(max=120)])
    website = StringField(
        _l("Website"),
        filters=[complete_url],
        validators=[Optional(), URL(require_tld=True, message=WEB_ADDRESS_ERROR), Length(max=300)],
        description=_l("For example example.org or https://example.org/about"),
    )
    areas = SelectMultipleField(
        _l("Areas of cooperation"),
        choices=_choices(AREA_LABELS),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one area."))],
    )
    description = TextAreaField(
        _l("About the organisation"),
        validators=[Length(max=MAX_BODY)],
        description=_l("Markdown. What you do, for whom, and what you look for."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()

    def validate_website(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(WEB_ADDRESS_ERROR)


class LogoForm(FlaskForm):
    """The organisation's logo, on the profile's edit page (a form of its own: a file upload)."""

    logo = FileField(
        _l("Logo"),
        description=_l("PNG, JPEG or WebP, at most 2 MB; shown at most 256 pixels wide."),
    )
    remove = BooleanField(_l("Remove the logo"))
    submit = SubmitField(_l("Save the logo"))


class JoinForm(HoneypotMixin, OrganisationForm):
    """The join declaration: the organisation's profile and the accession form's particulars."""

    address = StringField(_l("Address (street, postcode, town)"), validators=[DataRequired(), Length(max=300)])
    tax_number = StringField(_l("Tax or registration number"), validators=[Length(max=40)])
    responsible_person = StringField(
        _l("Responsible person (name and surname)"), validators=[DataRequired(), Length(max=200)]
    )
    responsible_function = StringField(_l("Their function"), validators=[Length(max=200)])
    primary_area = SelectField(
        _l("Primary area of cooperation"), choices=_choices(AREA_LABELS), validators=[DataRequired()]
    )
    agree = BooleanField(
        _l("We wish to join the network and to cooperate with its members in good faith."),
        validators=[InputRequired(message=_l("Please confirm the declaration."))],
    )
    submit = SubmitField(_l("Send the declaration"))


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Message to the organisation"),
        validators=[Length(max=1000)],
        description=_l(
            "Optional when approving: a welcome or a note, mailed with the approval. "
            "Required when declining: the reason, mailed to the organisation."
        ),
    )
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Decline"))


class SaveFilterForm(FlaskForm):
    name = StringField(
        lazy_pgettext("the name of a saved filter", "Name"),
        validators=[Length(max=200)],
        description=_l("So you recognise it in the digest, e.g. “Work practice in Latvia”."),
    )
    frequency = RadioField(
        _l("Mail me new posts that match"),
        choices=_choices(FREQUENCY_LABELS),
        default=WEEKLY,
        validators=[DataRequired()],
    )
    query = HiddenField()
    submit = SubmitField(_l("Save this filter"))


class FrequencyForm(FlaskForm):
    frequency = SelectField(_l("Mail"), choices=_choices(FREQUENCY_LABELS), validators=[DataRequired()])
    submit = SubmitField(_l("Change"))
