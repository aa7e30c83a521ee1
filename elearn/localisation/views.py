"""/localise/: translation status per variant and the side-by-side editor."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn.auth.forms import ConfirmForm
from elearn.courses.models import QUIZ
from elearn.localisation import cli as _cli  # noqa: F401 - attaches ``flask courses export`` to the courses group
from elearn.localisation import local_units, quiz_text, services
from elearn.localisation.diff import word_diff

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
    """The side-by-side editor; its buttons: preview, save, start from the original, still correct."""
    variant = _variant(course_slug, tag)
    unit = _unit(variant, module_slug, unit_slug)
    user = current_user._get_current_object()
    translation = services.own_translation(variant, unit)
    latest = services.latest_revision(variant, unit)
    quiz = unit.kind == QUIZ
    parts = _typed_parts(unit) if quiz else None
    title = request.form.get("title", translation.title if translation else "")
    saved_body = translation.body_source if translation else ""
    body = quiz_text.join(parts) if parts is not None else request.form.get("body", saved_body)
    base = request.form.get("base", type=int) if request.method == "POST" else (latest.number if latest else 0)
    preview_html, error, problems, conflict, status = None, None, [], None, 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        action = request.form.get("action")
        if action == "start":  # nothing is saved: the form is filled with the original
            title, body = unit.title, unit.body_source
            parts = _original_parts(unit) if quiz else None
        elif action in ("save", "still-correct"):
            try:
                if action == "save":
                    services.save(user, variant, unit, title, body, base=base, parts=parts)
                    flash(_("The translation is saved."))
                else:
                    services.mark_still_correct(user, variant, unit, base=base)
                    flash(_("The translation is marked as still correct: it now translates the current original."))
            except services.EditConflict as exc:
                conflict, status = exc.revision, 409
                base = exc.revision.number  # saving again is a decision, made seeing both
                translation = services.own_translation(variant, unit)
            except services.InvalidQuiz as exc:
                error, problems, status = _("The quiz cannot be saved yet:"), exc.problems, 400
            except services.LocalisationError as exc:
                error, status = str(exc), 400
            except LookupError:
                abort(404)
            else:
                return redirect(request.path)
        else:
            preview_html = services.preview(variant, unit, body)
            if request.headers.get("X-Live-Preview") == "1":  # editor.js asks for the fragment only
                return preview_html
    elif quiz:
        parts = _saved_parts(unit, translation)
    changes = (
        services.source_changes(unit, translation.source_revision)
        if translation and translation.source_revision < unit.revision
        else None
    )
    return render_template(
        "localisation/editor.html",
        variant=variant,
        unit=unit,
        module_slug=module_slug,
        title=title,
        body=body,
        parts=parts,
        original_parts=_original_parts(unit) if quiz else None,
        text_rows=quiz_text.rows,
        base=base,
        preview_html=preview_html,
        error=error,
        problems=problems,
        conflict=conflict,
        theirs=_diff(translation, title, body) if conflict is not None else None,
        changes=changes,
        translation=translation,
        unsaved=request.method == "POST",  # a form sent back (preview, mistakes): its text is not saved
        conflict_author=services.author_names([conflict]).get(conflict.author_id or 0) if conflict else None,
        form=ConfirmForm(),
    ), status


def _typed_parts(unit) -> list[str] | None:
    """A quiz typed question by question: [introduction, question 1, …] from the form (part-0 …)."""
    if "part-0" not in request.form:
        return None
    return [request.form.get(f"part-{index}", "") for index in range(len(unit.questions) + 1)]


def _saved_parts(unit, translation) -> list[str] | None:
    """The saved quiz translation cut question by question; empty boxes for a new one;
    None (one text area) when its text does not cut into the original's questions."""
    if translation is None or not translation.body_source.strip():
        return [""] * (len(unit.questions) + 1)
    return quiz_text.split(unit.meta.get("format"), translation.body_source, len(unit.questions))


def _original_parts(unit) -> list[str] | None:
    return quiz_text.split(unit.meta.get("format"), unit.body_source, len(unit.questions))


def _diff(translation, title: str, body: str) -> dict | None:
    """Their saved text against the one typed, for a refused save."""
    if translation is None:
        return None
    return {
        "title": word_diff(translation.title, title, context=None),
        "body": word_diff(translation.body_source, body),
    }


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
    try:
        module = local_units.get_module(variant, module_slug)
    except LookupError:
        abort(404)
    error = None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            local_units.create_local_unit(
                variant,
                module_slug,
                kind=request.form.get("kind", ""),
                title=request.form.get("title", ""),
                body=request.form.get("body", ""),
                meta={key: request.form.get(key, "") for key in local_units.FORM_FIELDS},
                after=request.form.get("after"),
                user=current_user._get_current_object(),
            )
        except services.LocalisationError as exc:
            error = str(exc)
        else:
            flash(_("The unit is added to this version."))
            status = url_for("localisation.variant_status", course_slug=course_slug, tag=tag)
            return redirect(f"{status}#module-{module_slug}")
    values = request.form if request.method == "POST" else {"after": local_units.default_placement(module)}
    return render_template(
        "localisation/new_unit.html",
        variant=variant,
        module=module,
        values=values,
        error=error,
        placements=local_units.placements(variant, module),
        form=ConfirmForm(),
        kinds=local_units.LOCAL_KINDS,
        labels=local_units.FIELD_LABELS,
    ), 400 if error else 200


from elearn.localisation import views_texts as _views_texts  # noqa: E402, F401 - its routes join bp
