"""/localise/: translation status per variant and the side-by-side editor."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.auth.forms import ConfirmForm
from elearn.localisation import cli as _cli  # noqa: F401 - attaches ``flask courses export`` to the courses group
from elearn.localisation import local_units, services

bp = Blueprint("localisation", __name__, url_prefix="/localise")


def _variant(course_slug, tag):
    try:
        return services.get_variant(current_user._get_current_object(), course_slug, tag)
    except LookupError:
        abort(404)
    except PermissionError:
        abort(403)


def _unit(variant, module_slug, unit_slug):
    try:
        return services.get_unit(variant, module_slug, unit_slug)
    except LookupError:
        abort(404)


@bp.get("/")
def overview():
    variants = services.editable_variants(current_user._get_current_object())
    return render_template(
        "localisation/overview.html", rows=[(v, services.totals(services.status(v))) for v in variants]
    )


@bp.get("/<course_slug>/<tag>/")
def variant_status(course_slug, tag):
    variant = _variant(course_slug, tag)
    rows = services.status(variant)
    return render_template(
        "localisation/status.html", variant=variant, rows=rows, totals=services.totals(rows), form=ConfirmForm()
    )


@bp.route("/<course_slug>/<tag>/<module_slug>/<unit_slug>/", methods=["GET", "POST"])
def editor(course_slug, tag, module_slug, unit_slug):
    variant = _variant(course_slug, tag)
    unit = _unit(variant, module_slug, unit_slug)
    translation = services.own_translation(variant, unit)
    title = request.form.get("title", translation.title if translation else "")
    body = request.form.get("body", translation.body_source if translation else "")
    preview_html, error = None, None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if request.form.get("action") == "save":
            try:
                services.save(current_user._get_current_object(), variant, unit, title, body)
            except services.LocalisationError as exc:
                error = str(exc)
            else:
                flash(_("The translation is saved."))
                return redirect(request.path)
        else:
            preview_html = services.preview(variant, unit, body)
            if request.headers.get("X-Live-Preview") == "1":  # editor.js asks for the fragment only
                return preview_html
    changes = (
        services.source_changes(unit, translation.source_revision)
        if translation and translation.source_revision < unit.revision
        else ""
    )
    return render_template(
        "localisation/editor.html",
        variant=variant,
        unit=unit,
        module_slug=module_slug,
        title=title,
        body=body,
        preview_html=preview_html,
        error=error,
        changes=changes,
        translation=translation,
        form=ConfirmForm(),
    ), 400 if error else 200


@bp.get("/<course_slug>/<tag>/<module_slug>/<unit_slug>/history")
def history(course_slug, tag, module_slug, unit_slug):
    variant = _variant(course_slug, tag)
    unit = _unit(variant, module_slug, unit_slug)
    return render_template(
        "localisation/history.html",
        variant=variant,
        unit=unit,
        module_slug=module_slug,
        entries=services.history(variant, unit),
        form=ConfirmForm(),
    )


@bp.post("/<course_slug>/<tag>/<module_slug>/<unit_slug>/revert/<int:number>")
def revert(course_slug, tag, module_slug, unit_slug, number):
    variant = _variant(course_slug, tag)
    unit = _unit(variant, module_slug, unit_slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revert(current_user._get_current_object(), variant, unit, number)
    except LookupError:
        abort(404)
    flash(_("The earlier version is back, saved as a new version."))
    return redirect(
        url_for("localisation.editor", course_slug=course_slug, tag=tag, module_slug=module_slug, unit_slug=unit_slug)
    )


@bp.post("/<course_slug>/<tag>/<module_slug>/<unit_slug>/visibility")
def visibility(course_slug, tag, module_slug, unit_slug):
    variant = _variant(course_slug, tag)
    _unit(variant, module_slug, unit_slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.set_hidden(variant, module_slug, unit_slug, request.form.get("hide") == "1")
    return redirect(url_for("localisation.variant_status", course_slug=course_slug, tag=tag))


@bp.route("/<course_slug>/<tag>/<module_slug>/new", methods=["GET", "POST"])
def new_unit(course_slug, tag, module_slug):
    variant = _variant(course_slug, tag)
    error = None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        meta = {
            key: request.form.get(key, "").strip()
            for key in ("interviewee", "role", "organisation", "country", "sector", "year")
        }
        try:
            local_units.create_local_unit(
                variant,
                module_slug,
                kind=request.form.get("kind", ""),
                title=request.form.get("title", ""),
                body=request.form.get("body", ""),
                meta=meta,
            )
        except services.LocalisationError as exc:
            error = str(exc)
        except LookupError:
            abort(404)
        else:
            flash(_("The unit is added to this version."))
            return redirect(url_for("localisation.variant_status", course_slug=course_slug, tag=tag))
    return render_template(
        "localisation/new_unit.html",
        variant=variant,
        module_slug=module_slug,
        values=request.form,
        error=error,
        form=ConfirmForm(),
        kinds=local_units.LOCAL_KINDS,
    ), 400 if error else 200
