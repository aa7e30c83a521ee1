"""Cohort forms. Labels and messages are lazy strings, translated when shown."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from elearn.auth.forms import language_choices
from elearn.core.i18n import variant_name

MAX_CSV_BYTES = 256 * 1024  # 2,000 learners take about 120 KB


def version_choices(courses) -> list[SelectChoice]:
    """Every course version as "slug:tag" ("slug:" for the source)."""
    choices = []
    for course in courses:
        choices.append(SelectChoice(f"{course.slug}:", f"{course.title} · {variant_name(course.language)}"))
        choices.extend(
            SelectChoice(f"{course.slug}:{v.tag}", f"{course.title} · {variant_name(v.tag)}") for v in course.variants
        )
    return choices


class CohortForm(FlaskForm):
    name = StringField(
        _l("Name of the cohort"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Riga workshop, March 2027"),
    )
    version = SelectField(_l("Course and version"), validators=[DataRequired()])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    place = StringField(
        _l("Place"), validators=[Optional(), Length(max=200)], description=_l("A town and venue, or “online”.")
    )
    co_lead_email = EmailField(
        _l("Second lead (optional)"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("The email address of another cohort lead's account."),
    )
    inactive_days = IntegerField(
        _l("Inactive after (days)"),
        default=14,
        validators=[InputRequired(), NumberRange(min=1, max=365)],
        description=_l("Learners without activity for longer stand out on the dashboard."),
    )
    submit = SubmitField(_l("Save"))


class InviteForm(FlaskForm):
    roster = FileField(
        _l("List of learners (CSV)"),
        description=_l(
            "One learner per line: name, email and optionally the language of the invitation "
            "(lv, ru, en …). Commas, semicolons or tabs; a header line is allowed."
        ),
    )
    language = SelectField(_l("Language of invitations without one"), validators=[DataRequired()])
    submit = SubmitField(_l("Check and send invitations"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class ReminderForm(FlaskForm):
    learners = SelectMultipleField(
        _l("Learners to remind"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one learner of this cohort."))],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send reminders"))


class ScheduleForm(FlaskForm):
    """Weekly reminders to the cohort's inactive learners: off, or on a weekday."""

    weekday = SelectField(
        _l("Remind inactive learners automatically"),
        validators=[Optional()],
        description=_l("Once a week, to the learners inactive for longer than the cohort's limit."),
    )
    save_schedule = SubmitField(_l("Save the schedule"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = get_day_names("wide", locale=get_locale())  # Monday (0) … Sunday (6) in the page's language
        self.weekday.choices = [("", _l("Off"))] + [(str(day), days[day]) for day in range(7)]


class JoinCodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only finds a cohort

    code = StringField(_l("Invitation code"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Find the cohort"))


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: the period of a report

    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("To"), validators=[DataRequired()])
    submit = SubmitField(_l("Show"))
