"""Catalogue and reading pages: course, module, unit, and the course's media files."""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory, session
from flask_babel import get_locale

from elearn.courses import reading as rd
from elearn.courses.loader import MEDIA_EXTENSIONS

bp = Blueprint("courses", __name__, url_prefix="/courses")


def _reading(course_slug: str) -> rd.Reading:
    """The course in the variant the reader asked for (``?variant=``), chose before, or speaks."""
    course = rd.get_course(course_slug)
    key = f"variant:{course.slug}"
    tags = {v.tag for v in course.variants}
    requested = request.args.get("variant")
    if requested is not None:
        tag = requested if requested in tags else None
        session[key] = tag or ""
    elif key in session:
        tag = session[key] or None
    else:
        tag = rd.default_variant(course, str(get_locale()))
    return rd.Reading(course, rd.variant_chain(course, tag))


@bp.get("/")
def catalogue():
    language = request.args.get("language") or None
    country = request.args.get("country") or None
    courses = rd.catalogue(language, country)
    return render_template("courses/catalogue.html", courses=courses, language=language, country=country)


@bp.get("/<course_slug>/")
def course(course_slug):
    reading = _reading(course_slug)
    title, summary, description_html, lang = rd.course_texts(reading)
    return render_template(
        "courses/course.html", reading=reading, title=title, summary=summary,
        description_html=description_html, lang=lang, modules=rd.modules(reading),
    )


@bp.get("/<course_slug>/<module_slug>/")
def module(course_slug, module_slug):
    reading = _reading(course_slug)
    course_title = rd.course_texts(reading)[0]
    modules = rd.modules(reading)
    current = rd.get_module(reading, module_slug, modules)
    return render_template(
        "courses/module.html", reading=reading, course_title=course_title, module=current,
        units=rd.units(reading, current.module), neighbours=_neighbours(modules, current),
    )


@bp.get("/<course_slug>/<module_slug>/<unit_slug>/")
def unit(course_slug, module_slug, unit_slug):
    reading = _reading(course_slug)
    course_title = rd.course_texts(reading)[0]
    modules = rd.modules(reading)
    current_module = rd.get_module(reading, module_slug, modules)
    units = rd.units(reading, current_module.module)
    index = next((i for i, u in enumerate(units) if u.slug == unit_slug), None)
    if index is None:
        abort(404)
    return render_template(
        "courses/unit.html", reading=reading, course_title=course_title, module=current_module,
        unit=rd.with_body(units[index]), units=units,
        previous=units[index - 1] if index > 0 else None,
        next=units[index + 1] if index + 1 < len(units) else None,
        next_module=_neighbours(modules, current_module)[1],
    )


@bp.get("/<course_slug>/media/<path:filename>")
def media(course_slug, filename):
    course = rd.get_course(course_slug)
    if os.path.splitext(filename)[1].lower() not in MEDIA_EXTENSIONS:
        abort(404)
    return send_from_directory(
        os.path.join(course.source_dir, "media"), filename, max_age=current_app.config["MEDIA_MAX_AGE"]
    )


def _neighbours(modules: list[rd.ModuleView], current: rd.ModuleView):
    index = modules.index(current)
    return (modules[index - 1] if index > 0 else None, modules[index + 1] if index + 1 < len(modules) else None)
