"""The learner's pages: /me/, enrolment, marking units done, quiz attempts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from elearn.auth.forms import ConfirmForm
from elearn.auth.views import safe_next
from elearn.core import signals
from elearn.core.signals import DashboardSection, answers
from elearn.courses import reading as rd
from elearn.learning import grading, question_sets, review, services
from elearn.learning.pages import next_step, reading_for

bp = Blueprint("learning", __name__, url_prefix="/me")
# Every POST here carries a CSRF token: Flask-WTF's CSRFProtect checks it for the whole app.


def _user():
    return current_user._get_current_object()


def _unit_url(course_slug, module_slug, unit_slug):
    return url_for("courses.unit", course_slug=course_slug, module_slug=module_slug, unit_slug=unit_slug)


@bp.get("/")
def dashboard():
    """The learner's courses, and what other domains show beside them (their certificates, their cohorts)."""
    return render_template(
        "learning/dashboard.html",
        entries=services.dashboard(_user()),
        sections=dashboard_sections(_user()),
    )


def dashboard_sections(user) -> list[DashboardSection]:
    """The domains' answers to ``learner_dashboard``, in their order; a domain with nothing to show answers None."""
    found = [section for section in answers(signals.learner_dashboard, user) if section is not None]
    return sorted(found, key=lambda section: section.order)


@bp.post("/courses/<course_slug>/enrol")
def enrol(course_slug):
    course = rd.get_course(course_slug)
    try:
        services.enrol(_user(), course, request.form.get("variant") or None)
    except services.LearningError as error:
        flash(str(error), "error")
    else:
        flash(_("You are enrolled. Welcome!"))
    return redirect(url_for("courses.course", course_slug=course.slug))


@bp.post("/courses/<course_slug>/variant")
def change_variant(course_slug):
    course = rd.get_course(course_slug)
    try:
        services.change_variant(_user(), course, request.form.get("variant") or None)
    except services.LearningError as error:
        flash(str(error), "error")
    else:
        flash(_("Your course version is changed. Your progress is kept."))
    return redirect(url_for("courses.course", course_slug=course.slug))


@bp.post("/courses/<course_slug>/<module_slug>/<unit_slug>/done")
def mark_done(course_slug, module_slug, unit_slug):
    """ "Mark as done", or "Next" at the end of the unit (``next_url``: the page it leads to)."""
    reading, module = _learner_module(course_slug, module_slug)
    try:
        if services.mark_done(_user(), reading, module.module, unit_slug):
            flash(_("Congratulations: you have completed the course!"))
    except services.LearningError as error:
        flash(str(error), "error")
    next_url = request.form.get("next_url")  # the next unit's page; only ever a path on this site
    return redirect(safe_next(next_url) if next_url else _unit_url(course_slug, module_slug, unit_slug))


@bp.post("/courses/<course_slug>/<module_slug>/<unit_slug>/not-done")
def mark_not_done(course_slug, module_slug, unit_slug):
    reading, module = _learner_module(course_slug, module_slug)
    try:
        services.mark_not_done(_user(), reading, module.module, unit_slug)
    except services.LearningError as error:
        flash(str(error), "error")
    return redirect(_unit_url(course_slug, module_slug, unit_slug))


@bp.post("/courses/<course_slug>/<module_slug>/<unit_slug>/attempts")
def start_attempt(course_slug, module_slug, unit_slug):
    reading, module = _learner_module(course_slug, module_slug)
    try:
        attempt = services.start_attempt(_user(), reading, module.module, unit_slug)
    except services.LearningError as error:
        flash(str(error), "error")
        return redirect(_unit_url(course_slug, module_slug, unit_slug))
    return redirect(
        url_for(
            "learning.attempt",
            course_slug=course_slug,
            module_slug=module_slug,
            unit_slug=unit_slug,
            number=attempt.number,
        )
    )


@bp.get("/courses/<course_slug>/<module_slug>/<unit_slug>/attempts/<int:number>/")
def attempt(course_slug, module_slug, unit_slug, number):
    reading, module = _learner_module(course_slug, module_slug)
    found = services.get_attempt(_user(), reading.course, module_slug, unit_slug, number)
    if found is None:
        abort(404)
    return _render_attempt(reading, module, found, form=None)


@bp.post("/courses/<course_slug>/<module_slug>/<unit_slug>/attempts/<int:number>/")
def submit_attempt(course_slug, module_slug, unit_slug, number):
    reading, module = _learner_module(course_slug, module_slug)
    found = services.get_attempt(_user(), reading.course, module_slug, unit_slug, number)
    if found is None:
        abort(404)
    try:
        services.submit_attempt(_user(), reading, module.module, found, request.form)
    except services.StaleSubmission as error:
        flash(str(error), "error")
        return redirect(
            url_for(
                "learning.attempt", course_slug=course_slug, module_slug=module_slug, unit_slug=unit_slug, number=number
            )
        ), 303
    return redirect(
        url_for(
            "learning.attempt", course_slug=course_slug, module_slug=module_slug, unit_slug=unit_slug, number=number
        ),
        303,
    )


def _learner_module(course_slug, module_slug):
    reading = reading_for(course_slug)
    module = rd.get_module(reading, module_slug, rd.modules(reading))
    return reading, module


def _render_attempt(reading, module, attempt, form):
    questions = question_sets.questions_of(attempt)
    presented = [grading.present(q, i, attempt.seed) for i, q in enumerate(questions)]
    unit = next((u for u in rd.units(reading, module.module) if u.slug == attempt.unit_slug), None)
    if unit is None:  # the quiz is not part of this version
        abort(404)
    here = {"course_slug": reading.course.slug, "module_slug": module.slug, "unit_slug": attempt.unit_slug}
    return render_template(
        "learning/attempt.html",
        reading=reading,
        module=module,
        unit=unit,
        attempt=attempt,
        presented=presented,
        review=review.of(
            unit.meta, services.attempt_summaries(_user(), reading.course.id, module.slug, attempt.unit_slug)
        ),
        next_step=next_step(reading, module, attempt.unit_slug),
        here=here,
        form=ConfirmForm(),
        unit_url=_unit_url(**here),
    )


@bp.app_template_filter("answer_text")
def answer_text(response, question: dict) -> str:
    """The learner's answer as plain text, for the result page."""
    if response is None or response == []:
        return _("No answer")
    kind = question["type"]
    if kind in ("single", "multiple"):
        texts = {c["key"]: Markup(c["text"]).striptags() for c in question["choices"]}  # noqa: S704 - tags removed
        keys = response if isinstance(response, list) else [response]
        return "; ".join(texts.get(k, "?") for k in keys)
    if kind == "truefalse":
        return _("True") if response else _("False")
    if kind == "matching":
        no_answer = _("No answer")
        return "; ".join(
            f"{Markup(item['text']).striptags()} → {choice or no_answer}"  # noqa: S704 - tags removed
            for item, choice in zip(question["left"], response, strict=False)
        )
    return str(response)


@bp.app_template_filter("translate_truth")
def translate_truth(right_answer: str) -> str:
    """The grader names true/false answers in English; learners read them in their language."""
    return {"true": _("True"), "false": _("False")}.get(right_answer, right_answer)
