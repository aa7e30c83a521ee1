"""The settings form: one choice (mail at once, daily digest, no mail) for each kind the person sees."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from elearn.notifications.kinds import CHOICES, DAILY, MAIL, OFF, Kind

CHOICE_LABELS = {MAIL: _l("Mail me at once"), DAILY: _l("In a daily digest"), OFF: _l("No mail")}


def field_name(kind: Kind) -> str:
    return "kind_" + kind.name.replace(".", "__")


def settings_form(shown: list[Kind], current: dict[str, str], **kwargs) -> FlaskForm:
    """A form with a radio group per kind in ``shown``, set to ``current`` choices."""

    class SettingsForm(FlaskForm):
        submit = SubmitField(_l("Save"))

    for kind in shown:
        field = RadioField(
            kind.label,
            choices=[SelectChoice(choice, CHOICE_LABELS[choice]) for choice in CHOICES],
            default=current[kind.name],
            validators=[InputRequired()],
        )
        setattr(SettingsForm, field_name(kind), field)
    return SettingsForm(**kwargs)
