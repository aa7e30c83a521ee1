"""/localise/: a variant's course and module texts, and its country-only units edited and deleted.

These routes join the localisation blueprint (``views.py`` imports this module at its end);
who may open them is in ``elearn/auth/access.py``, which variants in ``services.get_variant``.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from elearn.auth.forms import ConfirmForm
from elearn.auth.models import User
from elearn.courses.models import Module, Unit, Variant
from elearn.extensions import db
from elearn.localisation import local_units, texts
from elearn.localisation.services import LocalisationError
from elearn.localisation.views import _variant, bp


@bp.context_processor
def _text_states():
    """status.html asks whose course and module texts a variant's learners read."""
    return {"text_states": texts.states}


def _module(variant: Variant, module_slug: str) -> Module:
    try:
        return local_units.get_module(variant, module_slug)
    except LookupError:
        abort(404)


def _local_unit(variant: Variant, module_slug: str, unit_slug: str) -> Unit:
    try:
        return local_units.get_local_unit(variant, module_slug, unit_slug)
    except LookupError:
        abort(404)


def _status(variant: Variant, module_slug: str | None = None):
    anchor = f"module-{module_slug}" if module_slug else None
    return redirect(
        url_for("localisation.variant_status", course_slug=variant.course.slug, tag=variant.tag, _anchor=anchor)
    )


# ---------------------------------------------------------------- course and module texts


@bp.route("/<course_slug>/<tag>/course-text", methods=["GET", "POST"])
def course_text(course_slug, tag):
    return _text_editor(_variant(course_slug, tag), None)


@bp.route("/<course_slug>/<tag>/<module_slug>/module-text", methods=["GET", "POST"])
def module_text(course_slug, tag, module_slug):
    variant = _variant(course_slug, tag)
    return _text_editor(variant, _module(variant, module_slug))


def _text_editor(variant: Variant, module: Module | None):
    """The side-by-side editor of the course text (``module`` None) or a module's text."""
    own = texts.module_translation(variant, module) if module else texts.course_translation(variant)
    start = own or texts.language_text(variant, module)
    values = {
        "title": request.form.get("title", start.title if start else ""),
        "summary": request.form.get("summary", start.summary if start else ""),
        "objectives": request.form.get(
            "objectives", "\n".join(getattr(start, "objectives", None) or []) if start else ""
        ),
        "body": request.form.get("body", start.body_source if start else ""),
    }
    preview_html, error = None, None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if request.form.get("action") == "save":
            user = current_user._get_current_object()
            saved: object
            try:
                if module is None:
                    saved = texts.save_course_text(
                        user, variant, title=values["title"], summary=values["summary"], body=values["body"]
                    )
                else:
                    saved = texts.save_module_text(
                        user,
                        variant,
                        module,
                        title=values["title"],
                        summary=values["summary"],
                        objectives=texts.objective_lines(values["objectives"]),
                        body=values["body"],
                    )
            except LocalisationError as exc:
                error = str(exc)
            else:
                flash(_("The text is saved.") if saved else _("Nothing changed, so no new version was saved."))
                return redirect(request.path)
        else:
            preview_html = texts.preview(variant, module, values["body"])
            if request.headers.get("X-Live-Preview") == "1":  # editor.js asks for the fragment only
                return preview_html
    revisions = texts.revisions(variant, module)
    author_ids = {r.author_id for r in revisions if r.author_id}
    authors = (
        {row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(author_ids)))}
        if author_ids
        else {}
    )
    return render_template(
        "localisation/text_editor.html",
        variant=variant,
        module=module,
        values=values,
        started_from=None if own or start is None else variant.language,
        preview_html=preview_html,
        error=error,
        revisions=revisions,
        authors=authors,
        unsaved=request.method == "POST",
        form=ConfirmForm(),
    ), 400 if error else 200


# ---------------------------------------------------------------- country-only units


@bp.route("/<course_slug>/<tag>/<module_slug>/<unit_slug>/edit", methods=["GET", "POST"])
def edit_local_unit(course_slug, tag, module_slug, unit_slug):
    variant = _variant(course_slug, tag)
    unit = _local_unit(variant, module_slug, unit_slug)
    error = None
    values: Mapping[str, str]
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            changed = local_units.update_local_unit(
                current_user._get_current_object(),
                variant,
                unit,
                kind=request.form.get("kind", ""),
                title=request.form.get("title", ""),
                body=request.form.get("body", ""),
                meta={key: request.form.get(key, "") for key in local_units.FORM_FIELDS},
                after=request.form.get("after"),
            )
        except LocalisationError as exc:
            error = str(exc)
        else:
            flash(_("The unit is saved.") if changed else _("Nothing changed, so no new version was saved."))
            return _status(variant, module_slug)
        values = request.form
    else:
        values = {
            "kind": unit.kind,
            "title": unit.title,
            "body": unit.body_source,
            "after": local_units.placement_of(unit),
            **{key: str(unit.meta.get(key, "")) for key in local_units.FORM_FIELDS},
        }
    return render_template(
        "localisation/local_unit.html",
        variant=variant,
        module=unit.module,
        unit=unit,
        values=values,
        error=error,
        placements=local_units.placements(variant, unit.module),
        in_files=local_units.file_of(variant, unit),
        kinds=local_units.LOCAL_KINDS,
        labels=local_units.FIELD_LABELS,
        form=ConfirmForm(),
    ), 400 if error else 200


@bp.route("/<course_slug>/<tag>/<module_slug>/<unit_slug>/delete", methods=["GET", "POST"])
def delete_local_unit(course_slug, tag, module_slug, unit_slug):
    variant = _variant(course_slug, tag)
    unit = _local_unit(variant, module_slug, unit_slug)
    refusal = local_units.why_not_deletable(variant, unit)
    if request.method == "POST" and refusal is None:
        if not ConfirmForm().validate_on_submit():
            abort(400)
        title = unit.title
        local_units.delete_local_unit(variant, unit)
        flash(_("“%(title)s” is deleted from this version.", title=title))
        return _status(variant, module_slug)
    return render_template(
        "localisation/delete_unit.html",
        variant=variant,
        module=unit.module,
        unit=unit,
        refusal=refusal,
        form=ConfirmForm(),
    ), 409 if refusal and request.method == "POST" else 200
