"""Catalogue and reading pages: course, module, unit, and the course's media files.

The pages are the courses domain's (their blueprint keeps the name ``courses``: endpoints
such as ``courses.unit``, their addresses and their access rules), but they show a signed-in
learner's enrolment and progress and record their visits, so they live in learning, which
may import courses (elearn.courses.reading, the read model) and not the other way round.
"""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, g, render_template, request, send_from_directory, session
from flask_babel import get_locale
from flask_login import current_user

from elearn.auth.forms import ConfirmForm
from elearn.courses import reading as rd
from elearn.courses.loader import MEDIA_EXTENSIONS
from elearn.courses.models import QUIZ
from elearn.courses.outline import module_outline
from elearn.courses.tree import tree_of
from elearn.learning import services

bp = Blueprint("courses", __name__, url_prefix="/courses")


def reading_for(course_slug: str, unit: tuple[str, str] | None = None) -> rd.Reading:
    """The course in the variant the reader asked for (``?variant=``), enrolled in, chose before, or speaks.

    With ``unit`` (module slug, unit slug), a learner's progress in it is read in the same query."""
    if current_user.is_authenticated:
        course, g.enrolment = services.course_and_enrolment(current_user, course_slug, unit)
        if course is None:
            abort(404)
    else:
        course, g.enrolment = rd.get_course(course_slug), None
    key = f"variant:{course.slug}"
    tags = {v.tag for v in course.variants}
    requested = request.args.get("variant")
    if requested is not None:
        tag = requested if requested in tags else None
        session[key] = tag or ""
    elif g.enrolment is not None:
        tag = g.enrolment.variant_tag
    else:
        tag = _chosen_or_default(course)
    return rd.Reading(course, rd.variant_chain(course, tag))


def _chosen_or_default(course: rd.CourseTree, country: str | None = None) -> str | None:
    """The variant the reader chose before on this device, else the one in their language and country."""
    key = f"variant:{course.slug}"
    if key in session:
        return session[key] or None
    if country is None and current_user.is_authenticated:
        country = current_user.country
    return rd.default_variant(course, str(get_locale()), country)


@bp.get("/")
def catalogue():
    """Every course with its title and summary in the version its course page would show this reader."""
    language = request.args.get("language") or None
    country = request.args.get("country") or None
    entries = []
    for course in rd.catalogue(language, country):
        tree = tree_of(course.id, course.content_stamp)
        reading = rd.Reading(tree, rd.variant_chain(tree, _chosen_or_default(tree, country)))
        title, summary, _description, lang = rd.course_texts(reading)
        entries.append((course, title, summary, lang))
    return render_template("courses/catalogue.html", entries=entries, language=language, country=country)


@bp.get("/<course_slug>/")
def course(course_slug):
    reading = reading_for(course_slug)
    title, summary, description_html, lang = rd.course_texts(reading)
    return render_template(
        "courses/course.html",
        reading=reading,
        title=title,
        summary=summary,
        description_html=description_html,
        lang=lang,
        modules=rd.modules(reading),
        enrolment=g.enrolment,
        form=ConfirmForm(),
    )


@bp.get("/<course_slug>/<module_slug>/")
def module(course_slug, module_slug):
    reading = reading_for(course_slug)
    modules = rd.modules(reading)
    current = rd.get_module(reading, module_slug, modules)
    body = reading.fragment(
        (module_slug,),
        "courses/_module_body.html",
        lambda: {
            "course_title": rd.course_texts(reading)[0],
            "module": current,
            "units": rd.units(reading, current.module),
            "outline": module_outline(reading, current),
            "neighbours": _neighbours(modules, current),
        },
    )
    return render_template("courses/module.html", title=current.title, body=body)


@bp.get("/<course_slug>/<module_slug>/<unit_slug>/")
def unit(course_slug, module_slug, unit_slug):
    reading = reading_for(course_slug, (module_slug, unit_slug))
    modules = rd.modules(reading)
    current_module = rd.get_module(reading, module_slug, modules)
    units = rd.units(reading, current_module.module)
    index = next((i for i, u in enumerate(units) if u.slug == unit_slug), None)
    if index is None:
        abort(404)
    body = reading.fragment(
        (module_slug, unit_slug),
        "courses/_unit_body.html",
        lambda: {
            "course_title": rd.course_texts(reading)[0],
            "module": current_module,
            "unit": rd.with_body(units[index]),
        },
    )
    pager = reading.fragment(
        (module_slug, unit_slug),
        "courses/_unit_pager.html",
        lambda: {
            "module": current_module,
            "previous": units[index - 1] if index > 0 else None,
            "next": units[index + 1] if index + 1 < len(units) else None,
            "next_module": _neighbours(modules, current_module)[1],
        },
    )
    return render_template(
        "courses/unit.html",
        reading=reading,
        module=current_module,
        body=body,
        pager=pager,
        learner=_learner_state(reading, current_module, units[index]),
        unit=units[index],
    )


def _learner_state(reading: rd.Reading, module: rd.ModuleView, unit: rd.UnitView) -> dict | None:
    """For an enrolled learner: record the visit, and what they have done here."""
    if g.enrolment is None:
        return None
    user = current_user._get_current_object()
    attempts = services.attempt_summaries(user, reading.course.id, module.slug, unit.slug) if unit.kind == QUIZ else []
    done = services.open_unit(user, g.enrolment, record=unit.kind != QUIZ)
    return {"done": done, "attempts": attempts}


@bp.get("/<course_slug>/media/<path:filename>")
def media(course_slug, filename):
    course = rd.get_course(course_slug)
    if os.path.splitext(filename)[1].lower() not in MEDIA_EXTENSIONS:
        abort(404)
    return send_from_directory(
        os.path.join(course.source_dir, "media"), filename, max_age=current_app.config["MEDIA_MAX_AGE"]
    )


def _neighbours(modules: tuple[rd.ModuleView, ...], current: rd.ModuleView):
    index = modules.index(current)
    return (modules[index - 1] if index > 0 else None, modules[index + 1] if index + 1 < len(modules) else None)
