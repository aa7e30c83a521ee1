"""Cohort pages: list, create and edit, dashboard and exports, invitations, reminders, joining, report."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from elearn.auth.forms import ConfirmForm
from elearn.cohorts import dashboard as dash
from elearn.cohorts import exports, mail_status, report, roster, services
from elearn.cohorts.forms import (
    MAX_CSV_BYTES,
    CohortForm,
    InviteForm,
    JoinCodeForm,
    ReminderForm,
    ReportForm,
    ScheduleForm,
    version_choices,
)
from elearn.cohorts.models import CohortMember
from elearn.core.i18n import country_name, variant_name
from elearn.core.transaction import rollback
from elearn.core.uploads import CSV, UploadError, read_upload
from elearn.courses import reading as rd
from elearn.courses.models import Course
from elearn.extensions import db, limiter
from elearn.learning.services import LearningError

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

PENDING_JOIN = "elearn_join"  # cookie: a code opened before signing in; /me/ offers to finish joining


def _user():
    return current_user._get_current_object()


def _visible(cohort_id: int):
    cohort = services.get_visible(_user(), cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _managed(cohort_id: int):
    cohort = _visible(cohort_id)
    if not services.can_manage(_user(), cohort):
        abort(403)
    return cohort


@bp.get("/")
def index():
    cohorts = services.visible_cohorts(_user())
    counts = (
        dict(
            db.session.execute(
                select(CohortMember.cohort_id, func.count())
                .where(CohortMember.cohort_id.in_([c.id for c in cohorts]))
                .group_by(CohortMember.cohort_id)
            ).all()
        )
        if cohorts
        else {}
    )
    return render_template(
        "cohorts/index.html",
        cohorts=cohorts,
        counts=counts,
        can_create=_user().has_role("admin", "cohort_lead"),
        can_report=_user().has_role("admin", "partner_admin"),
    )


# ---------------------------------------------------------------- create and edit


def _courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.title)))


def _fields(form: CohortForm, course: Course | None = None) -> services.CohortFields:
    slug, _sep, tag = form.version.data.partition(":")
    return services.CohortFields(
        name=form.name.data,
        course=course or rd.get_course(slug),
        variant_tag=tag or None,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        place=form.place.data or "",
        inactive_days=form.inactive_days.data,
        co_lead_email=form.co_lead_email.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = CohortForm()
    form.version.choices = version_choices(_courses())
    if request.method == "GET":
        form.starts_on.data = date.today()
        form.ends_on.data = date.today() + timedelta(days=30)
    if form.validate_on_submit():
        try:
            cohort = services.create(_user(), _fields(form))
        except services.CohortError as error:
            form[error.field].errors.append(str(error))
        else:
            flash(_("The cohort is created. Share its invitation link or code with your learners."))
            return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
def edit(cohort_id):
    cohort = _managed(cohort_id)
    form = CohortForm(obj=cohort)
    form.version.choices = version_choices([cohort.course])
    if request.method == "GET":
        form.version.data = f"{cohort.course.slug}:{cohort.variant_tag or ''}"
        form.co_lead_email.data = services.co_lead_email(cohort)
    if form.validate_on_submit():
        try:
            services.update_cohort(cohort, _fields(form, cohort.course))
        except services.CohortError as error:
            form[error.field].errors.append(str(error))
        else:
            flash(_("The cohort is saved."))
            return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort)


@bp.post("/<int:cohort_id>/code")
def new_code(cohort_id):
    cohort = _managed(cohort_id)
    services.new_code(cohort)
    flash(_("The cohort has a new invitation code. The old link and code no longer work."))
    return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))


# ---------------------------------------------------------------- dashboard and its exports


def _dashboard(cohort, page: int = 1, every_row: bool = False) -> dash.Dashboard:
    args = request.args
    status = args.get("status", "all") if args.get("status") in dash.STATUSES else "all"
    sort = args.get("sort", "name") if args.get("sort") in dash.SORTS else "name"
    return dash.build(
        cohort,
        status=status,
        sort=sort,
        descending=args.get("order") == "desc",
        search=args.get("q", "")[:100],
        page=page,
        every_row=every_row,
    )


@bp.get("/<int:cohort_id>/")
def dashboard(cohort_id):
    cohort = _visible(cohort_id)
    data = _dashboard(cohort, page=request.args.get("page", 1, type=int))
    return render_template(
        "cohorts/dashboard.html",
        cohort=cohort,
        data=data,
        form=ConfirmForm(),
        can_manage=services.can_manage(_user(), cohort),
        join_url=services.join_url(cohort),
    )


def _dashboard_table(data: dash.Dashboard) -> tuple[list[exports.Column], list[list]]:
    columns = [
        exports.Column(_("Name")),
        exports.Column(_("Email address")),
        exports.Column(_("Joined"), exports.DATE),
        exports.Column(_("Last activity"), exports.DATE),
        exports.Column(_("Completion (%)"), exports.DECIMAL),
        exports.Column(_("Modules done"), exports.NUMBER),
    ]
    for module in data.modules:
        columns += [
            exports.Column(_("%(module)s: status", module=module.title)),
            exports.Column(_("%(module)s: quiz score (%%)", module=module.title), exports.DECIMAL),
        ]
    columns += [exports.Column(_("Completed on"), exports.DATE), exports.Column(_("Certificate"))]
    labels = {dash.DONE: _("done"), dash.IN_PROGRESS: _("in progress"), dash.NOT_STARTED: _("not started")}
    rows = []
    for row in data.rows:
        values = [row.name, row.email, row.joined_at, row.last_activity_at, row.completion * 100, row.modules_done]
        for cell in row.cells:
            values += [labels[cell.status], cell.score]
        values += [
            row.completed_at,
            url_for("certificates.verify", certificate_id=row.certificate_id, _external=True)
            if row.certificate_id
            else None,
        ]
        rows.append(values)
    return columns, rows


@bp.get("/<int:cohort_id>/export.<fmt>")
def export(cohort_id, fmt):
    """The table on screen (its filter and order, all its pages) as CSV or XLSX."""
    cohort = _visible(cohort_id)
    columns, rows = _dashboard_table(_dashboard(cohort, every_row=True))
    return _file(columns, rows, fmt, cohort.name, f"cohort-{cohort.id}")


def _file(columns, rows, fmt: str, title: str, stem: str) -> Response:
    if fmt == "csv":
        return Response(
            exports.to_csv(columns, rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            exports.to_xlsx(columns, rows, title),
            headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    abort(404)


@bp.post("/<int:cohort_id>/members/<int:user_id>/remove")
def remove_member(cohort_id, user_id):
    cohort = _managed(cohort_id)
    services.remove_member(cohort, user_id)
    flash(_("The learner is no longer in this cohort. Their own progress is kept."))
    return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))


# ---------------------------------------------------------------- invitations and reminders


@bp.route("/<int:cohort_id>/invite", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def invite(cohort_id):
    cohort = _managed(cohort_id)
    form = InviteForm()
    if request.method == "GET":
        form.language.data = (cohort.variant_tag or cohort.course.language).split("-")[0]
    problems: list[roster.Problem] = []
    if form.validate_on_submit():
        try:
            data = read_upload(form.roster.data, kind=CSV, max_bytes=MAX_CSV_BYTES)
        except UploadError as error:
            form.roster.errors.append(str(error))
        else:
            rows, problems = roster.parse(data, cohort, form.language.data)
            if not problems:
                count = services.invite(_user(), cohort, rows)
                flash(
                    ngettext(
                        "%(count)s invitation sent.", "%(count)s invitations sent.", count, count=format_decimal(count)
                    )
                )
                return redirect(url_for("cohorts.invite", cohort_id=cohort.id))
    invitations = services.invitations(cohort)
    states = mail_status.invitation_states(invitations)
    return render_template(
        "cohorts/invite.html",
        cohort=cohort,
        form=form,
        problems=problems,
        invitations=invitations,
        states=states,
        figures=mail_status.figures(states.values()),
        confirm=ConfirmForm(),
        join_url=services.join_url(cohort),
    )


def _queued_again(count: int) -> None:
    flash(ngettext("%(num)s mail is queued again.", "%(num)s mails are queued again.", count))


@bp.post("/<int:cohort_id>/invite/resend")
def resend_invitations(cohort_id):
    """Queue every failed invitation of the cohort again."""
    cohort = _managed(cohort_id)
    _queued_again(mail_status.resend_invitations(cohort))
    return redirect(url_for("cohorts.invite", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/reminders", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], exempt_when=lambda: "send" not in request.form)
def reminders(cohort_id):
    cohort = _managed(cohort_id)
    data = dash.build(cohort)
    form = ReminderForm()
    form.learners.choices = [(row.user_id, row.name) for row in data.rows if not row.completed_at]
    if request.method == "GET":
        form.learners.data = [row.user_id for row in data.rows if row.inactive]
    previews = None
    if form.validate_on_submit():
        if form.send.data:
            try:
                count = services.send_reminders(_user(), cohort, form.learners.data)
            except services.CohortError as error:
                flash(str(error), "error")
            else:
                flash(
                    ngettext(
                        "%(count)s reminder sent.", "%(count)s reminders sent.", count, count=format_decimal(count)
                    )
                )
                return redirect(url_for("cohorts.reminders", cohort_id=cohort.id))
        else:
            _learners, previews = services.reminder_preview(cohort, form.learners.data)
    rows = {row.user_id: row for row in data.rows}
    log = services.reminder_log(cohort)
    schedule = ScheduleForm()
    schedule.weekday.data = "" if cohort.reminder_weekday is None else str(cohort.reminder_weekday)
    return render_template(
        "cohorts/reminders.html",
        cohort=cohort,
        form=form,
        rows=rows,
        previews=previews,
        log=log,
        states=mail_status.reminder_states([reminder for reminder, _learner, _sender in log]),
        figures=mail_status.reminder_figures(cohort),
        schedule=schedule,
        confirm=ConfirmForm(),
    )


@bp.post("/<int:cohort_id>/reminders/resend")
def resend_reminders(cohort_id):
    """Queue every failed reminder of the cohort again."""
    cohort = _managed(cohort_id)
    _queued_again(mail_status.resend_reminders(cohort))
    return redirect(url_for("cohorts.reminders", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/reminders/schedule")
def reminder_schedule(cohort_id):
    cohort = _managed(cohort_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        abort(400)  # not a weekday of the list: a forged request (the CSRF token is checked before)
    weekday = int(form.weekday.data) if form.weekday.data else None
    services.set_schedule(cohort, weekday)
    if weekday is None:
        flash(_("Automatic reminders are off."))
    else:
        day = dict(form.weekday.choices)[str(weekday)]
        flash(_("Inactive learners are reminded every %(weekday)s.", weekday=day))
    return redirect(url_for("cohorts.reminders", cohort_id=cohort.id))


# ---------------------------------------------------------------- joining and leaving


@bp.get("/join")
def find():
    form = JoinCodeForm(request.args)
    if request.args and form.validate():
        cohort = services.by_code(form.code.data)
        if cohort is not None:
            return redirect(url_for("cohorts.join", code=cohort.invite_code))
        form.code.errors.append(_("No cohort has this code. Check it with your trainer."))
    return render_template("cohorts/find.html", form=form)


@bp.get("/join/<code>")
def join(code):
    cohort = services.by_code(code)
    if cohort is None:
        abort(404)
    member = current_user.is_authenticated and services.is_member(_user(), cohort)
    response = make_response(
        render_template(
            "cohorts/join.html", cohort=cohort, member=member, form=ConfirmForm(), ended=cohort.ends_on < date.today()
        )
    )
    if not current_user.is_authenticated:  # signing in starts a new session: a cookie outlives it
        response.set_cookie(
            PENDING_JOIN,
            cohort.invite_code,
            max_age=14 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


@bp.post("/join/<code>")
def join_confirm(code):
    cohort = services.by_code(code)
    if cohort is None:
        abort(404)
    try:
        services.join(_user(), cohort)
    except (services.CohortError, LearningError) as error:
        rollback()  # the membership is kept only with its enrolment: one change, or none
        flash(str(error), "error")
        return redirect(url_for("cohorts.join", code=code))
    flash(_("You joined %(cohort)s. Its leads can now see your progress in this course.", cohort=cohort.name))
    response = redirect(url_for("courses.course", course_slug=cohort.course.slug))
    response.delete_cookie(PENDING_JOIN)
    return response


@bp.post("/<int:cohort_id>/leave")
def leave(cohort_id):
    services.leave(_user(), cohort_id)
    flash(_("You left the cohort. Its leads no longer see your progress."))
    return redirect(url_for("learning.dashboard"))


# ---------------------------------------------------------------- programme report


def _report_period() -> tuple[ReportForm, date, date]:
    form = ReportForm(request.args)
    today = date.today()
    start, end = date(today.year, 1, 1), today
    if request.args and form.validate() and form.start.data <= form.end.data:
        start, end = form.start.data, form.end.data
    elif request.args:
        form.end.errors.append(_("The period must end on or after its first day."))
    form.start.data, form.end.data = start, end
    return form, start, end


@bp.get("/report")
def report_page():
    form, start, end = _report_period()
    rows, cohorts = report.build(_user(), start, end)
    return render_template("cohorts/report.html", form=form, rows=rows, cohorts=cohorts, start=start, end=end)


@bp.get("/report.<fmt>")
def report_export(fmt):
    _form, start, end = _report_period()
    rows, _cohorts = report.build(_user(), start, end)
    columns = [
        exports.Column(_("Course")),
        exports.Column(_("Version")),
        exports.Column(_("Country")),
        exports.Column(_("From"), exports.DATE),
        exports.Column(_("To"), exports.DATE),
        exports.Column(_("Enrolled"), exports.NUMBER),
        exports.Column(_("Active"), exports.NUMBER),
        exports.Column(_("Completed"), exports.NUMBER),
        exports.Column(_("Certificates"), exports.NUMBER),
        exports.Column(_("Median days to complete"), exports.DECIMAL),
    ]
    table = [
        [
            row.course.title,
            variant_name(row.variant_tag or row.course.language),
            country_name(row.country) if row.country else None,
            start,
            end,
            row.enrolled,
            row.active,
            row.completed,
            row.certificates,
            row.median_days,
        ]
        for row in rows
    ]
    return _file(columns, table, fmt, _("Programme report"), f"programme-report-{start}-{end}")
