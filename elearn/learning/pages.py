"""Catalogue and reading pages: course, module, unit, and the course's media files.

The pages are the courses domain's (their blueprint keeps the name ``courses``: endpoints
such as ``courses.unit``, their addresses and their access rules), but they show a signed-in
learner's enrolment and progress and record their visits, so they live in learning, which
may import courses (elearn.courses.reading, the read model) and not the other way round.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, abort, current_app, g, render_template, request, send_from_directory, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from werkzeug.security import safe_join

from elearn.auth.forms import ConfirmForm
from elearn.courses import reading as rd
from elearn.courses.loader import MEDIA_EXTENSIONS, file_version
from elearn.courses.models import QUIZ
from elearn.courses.outline import module_outline
from elearn.courses.tree import tree_of
from elearn.learning import progress, review, services

bp = Blueprint("courses", __name__, url_prefix="/courses")
IMMUTABLE_MAX_AGE = 365 * 24 * 3600  # a versioned media address never changes content


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
        progress=_progress(reading),
        form=ConfirmForm(),
    )


def _progress(reading: rd.Reading) -> progress.Progress | None:
    """An enrolled learner's progress, in their own version (whichever version the page shows)."""
    if g.enrolment is None:
        return None
    if g.enrolment.variant_tag != reading.tag:
        reading = rd.Reading(reading.course, rd.variant_chain(reading.course, g.enrolment.variant_tag))
    return progress.of(reading, g.enrolment.done)


@bp.get("/<course_slug>/<module_slug>/")
def module(course_slug, module_slug):
    reading = reading_for(course_slug)
    modules = rd.modules(reading)
    current = rd.get_module(reading, module_slug, modules)
    outline = reading.course.kept(("outline", reading.tag, module_slug), lambda: module_outline(reading, current))
    body = reading.fragment(
        (module_slug,),
        "courses/_module_body.html",
        lambda: {
            "course_title": rd.course_texts(reading)[0],
            "module": current,
            "outline": outline,
        },
    )
    units = {
        "module": current,
        "units": rd.units(reading, current.module),
        "descriptions": outline.descriptions,
        "neighbours": _neighbours(modules, current),
    }
    learner = _progress(reading)
    if learner is None:  # the same for every reader of the version: made once
        unit_list = reading.fragment((module_slug,), "courses/_module_units.html", lambda: units)
    else:  # with the learner's done marks
        html = render_template("courses/_module_units.html", reading=reading, progress=learner, **units)
        unit_list = Markup(html)  # noqa: S704 - render_template's output, which Jinja escaped
    return render_template("courses/module.html", title=current.title, body=body, unit_list=unit_list)


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
            "position": index + 1,
            "count": len(units),
        },
    )
    learner = _learner_state(reading, current_module, units[index])
    # "Next" completes a lesson, interview or case story the learner has not done yet (a form's button)
    guided = learner is not None and units[index].kind != QUIZ and not learner["done"]
    pager = reading.fragment(
        (module_slug, unit_slug, guided),
        "courses/_unit_pager.html",
        lambda: {
            "module": current_module,
            "previous": units[index - 1] if index > 0 else None,
            "next": units[index + 1] if index + 1 < len(units) else None,
            "next_module": _neighbours(modules, current_module)[1],
            "guided": guided,
        },
    )
    return render_template(
        "courses/unit.html",
        reading=reading,
        module=current_module,
        body=body,
        pager=pager,
        learner=learner,
        unit=units[index],
    )


def _learner_state(reading: rd.Reading, module: rd.ModuleView, unit: rd.UnitView) -> dict | None:
    """For an enrolled learner: record the visit, and what they have done here."""
    if g.enrolment is None:
        return None
    user = current_user._get_current_object()
    attempts = services.attempt_summaries(user, reading.course.id, module.slug, unit.slug) if unit.kind == QUIZ else []
    done = services.open_unit(user, g.enrolment, record=unit.kind != QUIZ)
    return {"done": done, "attempts": attempts, "review": review.of(unit.meta, attempts)}


def next_step(reading: rd.Reading, module: rd.ModuleView, unit_slug: str) -> tuple[str, str] | None:
    """Where a learner goes on from a unit, and the page's title: the next unit, else the next module."""
    modules = rd.modules(reading)
    units = rd.units(reading, module.module)
    slugs = [u.slug for u in units]
    index = slugs.index(unit_slug) if unit_slug in slugs else len(slugs)
    course_slug = reading.course.slug
    if index + 1 < len(units):
        following = units[index + 1]
        url = url_for("courses.unit", course_slug=course_slug, module_slug=module.slug, unit_slug=following.slug)
        return url, following.title
    next_module = _neighbours(modules, module)[1]
    if next_module is not None:
        return url_for("courses.module", course_slug=course_slug, module_slug=next_module.slug), next_module.title
    return None


@bp.get("/<course_slug>/media/<path:filename>")
def media(course_slug, filename):
    """A file of the course's media folder. Range requests get 206 (seeking in a video on a phone);
    an address with the file's content version (``?v=``, as the importer writes them in pages) is
    immutable and kept for a year, any other for ``MEDIA_MAX_AGE``."""
    course = rd.get_course(course_slug)
    if os.path.splitext(filename)[1].lower() not in MEDIA_EXTENSIONS:
        abort(404)
    folder = os.path.join(course.source_dir, "media")
    response = send_from_directory(folder, filename, max_age=current_app.config["MEDIA_MAX_AGE"])
    version = request.args.get("v")
    if version and version == file_version(Path(safe_join(folder, filename) or folder)):
        response.cache_control.public = True
        response.cache_control.max_age = IMMUTABLE_MAX_AGE
        response.cache_control.immutable = True
    return response


def _neighbours(modules: tuple[rd.ModuleView, ...], current: rd.ModuleView):
    index = modules.index(current)
    return (modules[index - 1] if index > 0 else None, modules[index + 1] if index + 1 < len(modules) else None)
