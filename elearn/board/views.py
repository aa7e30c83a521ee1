"""Board pages: browse and search, posts and replies, organisations, moderation, saved filters."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from elearn.auth.forms import ConfirmForm
from elearn.board import audit, dates, feeds, logos, permissions, posts, reading, relay, saved_filters
from elearn.board import moderation as board_moderation  # the view moderation() has the module's name
from elearn.board import organisations as board_organisations  # and so has organisations()
from elearn.board.errors import BoardError
from elearn.board.filters import BoardFilter
from elearn.board.forms import (
    AREA_LABELS,
    FREQUENCY_LABELS,
    KIND_LABELS,
    LEGAL_FORM_LABELS,
    ContactForm,
    DecisionForm,
    FrequencyForm,
    JoinForm,
    LogoForm,
    ModerationForm,
    OrganisationForm,
    PostForm,
    ReplyForm,
    ReportForm,
    SaveFilterForm,
)
from elearn.board.models import (
    APPROVED,
    AREAS,
    LEGAL_FORMS,
    PENDING,
    PUBLISHED,
    JoinDeclaration,
    Membership,
    Organisation,
    OrganisationArea,
    Post,
    Reply,
    Report,
)
from elearn.core.i18n import country_name
from elearn.core.pagination import requested_page
from elearn.extensions import csrf, db, limiter

bp = Blueprint("board", __name__, url_prefix="/board")


@bp.app_template_filter("board_kind")
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_filter("legal_form")
def legal_form_label(value: str) -> str:
    return str(LEGAL_FORM_LABELS.get(value, value))


@bp.app_template_filter("area_label")
def area_label(value: str) -> str:
    return str(AREA_LABELS.get(value, value))


# one date format per locale on every board page and mail (elearn.board.dates)
bp.add_app_template_filter(dates.board_date, "board_date")
bp.add_app_template_filter(dates.board_datetime, "board_datetime")
bp.add_app_template_filter(dates.board_time, "board_time")


def _user():
    return current_user._get_current_object()


def _user_key() -> str:
    """Rate limits count per account, whatever address it writes from."""
    return f"board-user:{current_user.id}" if current_user.is_authenticated else request.remote_addr or ""


def _checked() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _visible_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not permissions.can_see_post(current_user, post):
        abort(404)
    return post


def _editable_post(post_id: int) -> Post:
    post = _visible_post(post_id)
    if not permissions.can_edit_post(current_user, post):
        abort(403)
    return post


# ---------------------------------------------------------------- browsing, search, feeds


@bp.get("/")
def index():
    board_filter = BoardFilter.from_args(request.args)
    page = reading.list_posts(board_filter, requested_page(request.args))
    return render_template(
        "board/index.html",
        filter=board_filter,
        page=page,
        countries=reading.countries_in_use(),
        legal_forms=LEGAL_FORMS,
        areas=AREAS,
        save_form=SaveFilterForm(query=board_filter.query(), name=""),
    )


@bp.get("/feed.atom")
def feed():
    board_filter = BoardFilter.from_args(request.args)
    return Response(feeds.atom(board_filter), mimetype="application/atom+xml")


@bp.get("/events.ics")
def calendar():
    board_filter = BoardFilter.from_args(request.args)
    return _ics(feeds.calendar(board_filter), "events.ics")


@bp.get("/posts/<int:post_id>.ics")
def post_ics(post_id):
    post = _visible_post(post_id)
    if post.kind != "event" or post.status != PUBLISHED:
        abort(404)
    return _ics(feeds.calendar_for([post]), f"event-{post.id}.ics")


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# ---------------------------------------------------------------- posts and replies


@bp.get("/posts/<int:post_id>")
def post(post_id):
    hidden = db.session.get(Post, post_id)
    if hidden is not None and board_moderation.hidden_from_reporter(current_user, hidden):
        return render_template("board/hidden.html", post=hidden)
    post = _visible_post(post_id)
    user = current_user
    return render_template(
        "board/post.html",
        post=post,
        replies=reading.replies_for(user, post),
        reply_form=ReplyForm() if user.is_authenticated else None,
        **_post_rights(post),
    )


def _post_rights(post: Post) -> dict:
    user = current_user
    return {
        "can_edit": permissions.can_edit_post(user, post),
        "can_moderate": user.is_authenticated and permissions.can_moderate(user, post.country),
        "expired": post.expires_on is not None and post.expires_on < date.today(),
        "confirm_form": ConfirmForm(),
    }


def _post_fields(form: PostForm) -> posts.PostFields:
    return posts.PostFields(
        kind=form.kind.data,
        title=form.title.data,
        body=form.body.data,
        country=form.country.data,
        region=form.region.data or "",
        language=form.language.data,
        tags=form.tags.data or "",
        organisation_id=form.organisation_id.data or None,
        event_date=form.event_date.data,
        event_start=form.event_start.data,
        event_end=form.event_end.data,
        event_place=form.event_place.data or "",
        expires_on=form.expires_on.data,
    )


@bp.route("/posts/new", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"], key_func=_user_key)
def new_post():
    user = _user()
    organisations = [m.organisation for m in permissions.memberships(user)]
    form = PostForm(organisations=organisations)
    if request.method == "GET":
        form.country.data = user.country if user.country != "XX" else None
        form.language.data = user.language
        form.kind.data = request.args.get("kind") if request.args.get("kind") in KIND_LABELS else "offer"
        form.organisation_id.data = organisations[0].id if organisations else 0
    if form.validate_on_submit():
        try:
            post = posts.create_post(user, _post_fields(form))
        except BoardError as error:
            form[error.field or "title"].errors.append(str(error))
        else:
            if post.status == PENDING:
                flash(
                    _(
                        "Thank you. As this is your first post, a moderator will look at it before it is shown "
                        "to everyone."
                    )
                )
            else:
                flash(_("Your post is published."))
            return redirect(url_for("board.post", post_id=post.id))
    return render_template("board/post_form.html", form=form, post=None), 400 if form.errors else 200


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id):
    post = _editable_post(post_id)
    user = _user()
    organisations = [m.organisation for m in permissions.memberships(user)]
    if post.organisation is not None and post.organisation not in organisations:
        organisations.append(post.organisation)
    form = PostForm(obj=post, organisations=organisations)
    if request.method == "GET":
        form.body.data = post.body_md
        form.tags.data = ", ".join(post.tags)
        form.organisation_id.data = post.organisation_id or 0
    form.submit.label.text = _("Save")
    if form.validate_on_submit():
        try:
            posts.update_post(user, post, _post_fields(form), reason=form.edit_reason.data or "")
        except BoardError as error:
            form[error.field or "title"].errors.append(str(error))
        else:
            flash(_("The post is saved."))
            return redirect(url_for("board.post", post_id=post.id))
    moderating = post.author_id != user.id
    return render_template("board/post_form.html", form=form, post=post, moderating=moderating), (
        400 if form.errors else 200
    )


@bp.post("/posts/<int:post_id>/extend")
def extend_post(post_id):
    post = _editable_post(post_id)
    _checked()
    try:
        posts.extend_post(_user(), post)
    except BoardError as error:
        flash(str(error))
    else:
        flash(_("The post is shown until %(date)s.", date=dates.board_date(post.expires_on)))
    return redirect(url_for("board.post", post_id=post.id))


@bp.post("/posts/<int:post_id>/delete")
def delete_post(post_id):
    post = _editable_post(post_id)
    _checked()
    posts.delete_post(_user(), post)
    flash(_("The post is deleted."))
    return redirect(url_for("board.index"))


@bp.post("/posts/<int:post_id>/replies")
@limiter.limit("20 per hour;100 per day", key_func=_user_key)
def reply(post_id):
    post = _visible_post(post_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            new = posts.add_reply(_user(), post, form.body.data)
        except BoardError as error:
            form.body.errors.append(str(error))
        else:
            if new.status == PENDING:
                flash(
                    _(
                        "Thank you. As this is your first contribution, a moderator will look at your reply before "
                        "it is shown to everyone."
                    )
                )
            return redirect(url_for("board.post", post_id=post.id, _anchor=f"reply-{new.id}"))
    return render_template(
        "board/post.html",
        post=post,
        replies=reading.replies_for(current_user, post),
        reply_form=form,
        **_post_rights(post),
    ), 400


def _report(post: Post, target_reply: Reply | None):
    form = ReportForm()
    if form.validate_on_submit():
        board_moderation.report(_user(), post, form.reason.data, target_reply)
        flash(_("Thank you. The moderators will look at it."))
        return redirect(url_for("board.post", post_id=post.id))
    return render_template("board/report.html", form=form, post=post, reply=target_reply), 400 if form.errors else 200


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_user_key)
def report_post(post_id):
    return _report(_visible_post(post_id), None)


@bp.route("/replies/<int:reply_id>/report", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_user_key)
def report_reply(reply_id):
    target = db.session.get(Reply, reply_id)
    if target is None or not permissions.can_see_reply(current_user, target):
        abort(404)
    return _report(_visible_post(target.post_id), target)


# ---------------------------------------------------------------- contacting an author


@bp.route("/posts/<int:post_id>/contact", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"], key_func=_user_key)
def contact(post_id):
    post = _visible_post(post_id)
    if post.status != PUBLISHED or post.author_id is None:
        abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            relay.contact(_user(), post, form.body.data, form.share_email.data)
        except BoardError as error:
            form.body.errors.append(str(error))
        else:
            flash(_("Your message is sent. The author's answer will come to you by mail."))
            return redirect(url_for("board.post", post_id=post.id))
    return render_template("board/contact.html", form=form, post=post), 400 if form.errors else 200


@bp.route("/messages/<int:message_id>", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"], key_func=_user_key)
def message(message_id):
    found = relay.message_for(_user(), message_id)
    if found is None:
        abort(404)
    form = ContactForm()
    if found.recipient_id == current_user.id and form.validate_on_submit():
        try:
            relay.answer(_user(), found, form.body.data, form.share_email.data)
        except BoardError as error:
            form.body.errors.append(str(error))
        else:
            flash(_("Your answer is sent."))
            return redirect(url_for("board.message", message_id=found.id))
    return render_template(
        "board/message.html", message=found, answers=relay.answers_to(found), form=form
    ), 400 if form.errors else 200


@bp.get("/me/messages")
def inbox():
    """Messages relayed to and from the user, as mailed: the platform keeps them too."""
    return render_template("board/inbox.html", page=relay.inbox(_user(), requested_page(request.args)))


@bp.get("/me/posts")
def my_posts():
    """The user's own posts, waiting, published or hidden (with the moderators' reason)."""
    page = reading.my_posts(_user(), requested_page(request.args))
    return render_template("board/my_posts.html", page=page, today=date.today())


# ---------------------------------------------------------------- organisations


@bp.get("/organisations/")
def organisations():
    country = (request.args.get("country") or "").upper()[:2]
    legal_form = request.args.get("legal_form") if request.args.get("legal_form") in LEGAL_FORMS else ""
    area = request.args.get("area") if request.args.get("area") in AREAS else ""
    statement = select(Organisation).where(Organisation.status == APPROVED).order_by(Organisation.name)
    if country:
        statement = statement.where(Organisation.country == country)
    if legal_form:
        statement = statement.where(Organisation.legal_form == legal_form)
    if area:
        statement = statement.where(
            Organisation.id.in_(select(OrganisationArea.organisation_id).where(OrganisationArea.area == area))
        )
    countries = db.session.scalars(
        select(Organisation.country).where(Organisation.status == APPROVED).distinct().order_by(Organisation.country)
    ).all()
    return render_template(
        "board/organisations.html",
        organisations=db.session.scalars(statement).all(),
        country=country,
        legal_form=legal_form,
        area=area,
        countries=countries,
        legal_forms=LEGAL_FORMS,
        areas=AREAS,
    )


def _organisation(slug: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None or not permissions.can_see_organisation(current_user, organisation):
        abort(404)
    return organisation


@bp.get("/organisations/<slug>")
def organisation(slug):
    organisation = _organisation(slug)
    user = current_user
    can_manage = permissions.can_manage_organisation(user, organisation)
    members = (
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Membership.status, Membership.created_at)
        ).all()
        if can_manage
        else []
    )
    organisation_posts = db.session.scalars(
        select(Post)
        .where(Post.organisation_id == organisation.id, Post.status == PUBLISHED)
        .order_by(Post.created_at.desc())
        .limit(20)
    ).all()
    return render_template(
        "board/organisation.html",
        organisation=organisation,
        posts=organisation_posts,
        members=members,
        can_manage=can_manage,
        membership=permissions.membership_of(user, organisation),
        confirm_form=ConfirmForm(),
    )


def _organisation_fields(form: OrganisationForm) -> board_organisations.OrganisationFields:
    return board_organisations.OrganisationFields(
        name=form.name.data,
        legal_form=form.legal_form.data,
        country=form.country.data,
        region=form.region.data or "",
        website=form.website.data or "",
        areas=form.areas.data or [],
        description=form.description.data or "",
    )


@bp.route("/organisations/join", methods=["GET", "POST"])
@limiter.limit("5 per day", methods=["POST"], key_func=_user_key)
def join():
    user = _user()
    form = JoinForm()
    if request.method == "GET":
        form.country.data = user.country if user.country != "XX" else None
    if form.validate_on_submit():
        declaration = board_organisations.DeclarationFields(
            address=form.address.data,
            tax_number=form.tax_number.data or "",
            responsible_person=form.responsible_person.data,
            responsible_function=form.responsible_function.data or "",
            primary_area=form.primary_area.data,
        )
        try:
            created = board_organisations.declare_organisation(user, _organisation_fields(form), declaration)
        except BoardError as error:
            form[error.field or "name"].errors.append(str(error))
        else:
            flash(
                _(
                    "Thank you. A moderator for %(country)s will look at your declaration; we will write to you.",
                    country=country_name(created.country),
                )
            )
            return redirect(url_for("board.organisation", slug=created.slug))
    return render_template("board/organisation_form.html", form=form, organisation=None), 400 if form.errors else 200


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
def edit_organisation(slug):
    organisation = _organisation(slug)
    if not permissions.can_manage_organisation(current_user, organisation):
        abort(403)
    form = OrganisationForm(obj=organisation)
    if request.method == "GET":
        form.areas.data = organisation.areas
        form.description.data = organisation.description_md
    if form.validate_on_submit():
        try:
            board_organisations.update_organisation(_user(), organisation, _organisation_fields(form))
        except BoardError as error:
            form[error.field or "name"].errors.append(str(error))
        else:
            flash(_("The organisation's profile is saved."))
            return redirect(url_for("board.organisation", slug=organisation.slug))
    return render_template(
        "board/organisation_form.html", form=form, logo_form=LogoForm(), organisation=organisation
    ), 400 if form.errors else 200


@bp.post("/organisations/<slug>/logo")
def organisation_logo_upload(slug):
    organisation = _organisation(slug)
    if not permissions.can_manage_organisation(current_user, organisation):
        abort(403)
    form = LogoForm()
    if form.validate_on_submit():
        try:
            if form.remove.data:
                logos.remove_logo(_user(), organisation)
            else:
                logos.set_logo(_user(), organisation, form.logo.data)
        except BoardError as error:
            form.logo.errors.append(str(error))
        else:
            flash(_("The logo is saved.") if not form.remove.data else _("The logo is removed."))
            return redirect(url_for("board.organisation", slug=organisation.slug))
    return render_template(
        "board/organisation_form.html",
        form=OrganisationForm(obj=organisation, areas=organisation.areas, description=organisation.description_md),
        logo_form=form,
        organisation=organisation,
    ), 400


@bp.get("/organisations/<slug>/logo-<digest>.png")
def organisation_logo(slug, digest):
    """The logo from the app's own origin; its URL changes with its content, so it is cached for a year."""
    organisation = _organisation(slug)
    png = logos.logo_png(organisation)
    if png is None:
        abort(404)
    if digest != organisation.logo_digest:
        return redirect(url_for("board.organisation_logo", slug=slug, digest=organisation.logo_digest))
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/organisations/<slug>/membership")
def request_membership(slug):
    organisation = _organisation(slug)
    _checked()
    try:
        board_organisations.request_membership(_user(), organisation)
    except BoardError as error:
        flash(str(error), "error")
    else:
        flash(_("Your request is sent to the organisation's admins."))
    return redirect(url_for("board.organisation", slug=organisation.slug))


@bp.post("/organisations/<slug>/leave")
def leave_organisation(slug):
    organisation = _organisation(slug)
    _checked()
    try:
        board_organisations.leave_organisation(_user(), organisation)
    except BoardError as error:
        flash(str(error), "error")
    else:
        flash(_("You are no longer a member of %(name)s.", name=organisation.name))
    return redirect(url_for("board.organisation", slug=organisation.slug))


@bp.post("/organisations/<slug>/members/<int:membership_id>")
def member(slug, membership_id):
    organisation = _organisation(slug)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    if not permissions.can_manage_organisation(current_user, organisation):
        abort(403)
    _checked()
    action = request.form.get("action")
    try:
        if action == "accept":
            board_organisations.decide_membership(_user(), membership, True)
        elif action == "remove":
            board_organisations.decide_membership(_user(), membership, False)
        elif action in {"make_admin", "drop_admin"}:
            board_organisations.set_member_admin(_user(), membership, action == "make_admin")
        else:
            abort(400)
    except BoardError as error:
        flash(str(error), "error")
    else:
        flash(_("Saved."))
    return redirect(url_for("board.organisation", slug=organisation.slug))


# ---------------------------------------------------------------- moderation


@bp.get("/moderation/")
def moderation():
    user = _user()
    if not permissions.is_moderator(user):
        abort(403)
    return render_template(
        "board/moderation.html",
        queue=board_moderation.moderation_queue(user),
        countries=permissions.moderated_countries(user),
        confirm_form=ConfirmForm(),
    )


@bp.get("/moderation/log")
def audit_log():
    user = _user()
    if not permissions.is_moderator(user):
        abort(403)
    return render_template("board/audit_log.html", page=audit.audit_log(user, requested_page(request.args)))


MODERATION_ACTIONS = {"hide", "restore", "approve"}


def _moderate(post: Post, target_reply: Reply | None, action: str):
    if action not in MODERATION_ACTIONS:
        abort(404)
    if not permissions.can_moderate(current_user, post.country):
        abort(403)
    form = ModerationForm()
    form.for_action(action)
    if form.validate_on_submit():
        try:
            board_moderation.moderate(_user(), action, post, form.reason.data, target_reply)
        except BoardError as error:
            form.reason.errors.append(str(error))
        else:
            flash({"hide": _("Hidden."), "restore": _("Restored."), "approve": _("Approved and published.")}[action])
            return redirect(
                (request.args.get("next") == "queue" and url_for("board.moderation"))
                or url_for("board.post", post_id=post.id)
            )
    return render_template(
        "board/moderate.html", form=form, post=post, reply=target_reply, action=action
    ), 400 if form.errors else 200


@bp.route("/moderation/posts/<int:post_id>/<action>", methods=["GET", "POST"])
def moderate_post(post_id, action):
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    return _moderate(post, None, action)


@bp.route("/moderation/replies/<int:reply_id>/<action>", methods=["GET", "POST"])
def moderate_reply(reply_id, action):
    target = db.session.get(Reply, reply_id)
    if target is None:
        abort(404)
    return _moderate(target.post, target, action)


@bp.post("/moderation/reports/<int:report_id>/dismiss")
def dismiss_report(report_id):
    row = db.session.get(Report, report_id)
    if row is None:
        abort(404)
    if not permissions.can_moderate(current_user, row.post.country):
        abort(403)
    _checked()
    board_moderation.dismiss_report(_user(), row, request.form.get("reason", "")[:1000])
    flash(_("The report is dismissed."))
    return redirect(url_for("board.moderation"))


@bp.route("/moderation/organisations/<int:declaration_id>", methods=["GET", "POST"])
def declaration(declaration_id):
    found = db.session.get(JoinDeclaration, declaration_id)
    if found is None:
        abort(404)
    if not permissions.can_moderate(current_user, found.organisation.country):
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            board_organisations.decide_declaration(_user(), found, bool(form.approve.data), form.reason.data)
        except BoardError as error:
            form.reason.errors.append(str(error))
        else:
            flash(_("The organisation is approved.") if form.approve.data else _("The declaration is declined."))
            return redirect(url_for("board.moderation"))
    return render_template("board/declaration.html", declaration=found, form=form), 400 if form.errors else 200


# ---------------------------------------------------------------- saved filters, digests, unsubscribing


@bp.get("/me/filters")
def my_filters():
    saved = saved_filters.saved_filters(_user())
    forms = {s.id: FrequencyForm(prefix=f"f{s.id}", frequency=s.frequency) for s in saved}
    return render_template(
        "board/filters.html",
        saved=saved,
        forms=forms,
        criteria={s.id: BoardFilter.from_args(dict(parse_qsl(s.query))) for s in saved},
        labels=FREQUENCY_LABELS,
        confirm_form=ConfirmForm(),
    )


@bp.post("/me/filters")
@limiter.limit("30 per hour", key_func=_user_key)
def save_filter():
    form = SaveFilterForm()
    if not form.validate_on_submit():
        abort(400)
    board_filter = BoardFilter.from_args(dict(parse_qsl(form.query.data or "")))
    saved_filters.save_filter(_user(), form.name.data or "", board_filter, form.frequency.data)
    flash(_("The filter is saved. You can change or delete it here."))
    return redirect(url_for("board.my_filters"))


def _own_filter(filter_id: int):
    saved = saved_filters.own_filter(_user(), filter_id)
    if saved is None:
        abort(404)
    return saved


@bp.post("/me/filters/<int:filter_id>")
def filter_frequency(filter_id):
    saved = _own_filter(filter_id)
    form = FrequencyForm(prefix=f"f{saved.id}")
    if not form.validate_on_submit():
        abort(400)
    saved_filters.set_frequency(saved, form.frequency.data)
    flash(_("Saved."))
    return redirect(url_for("board.my_filters"))


@bp.post("/me/filters/<int:filter_id>/delete")
def delete_filter(filter_id):
    saved = _own_filter(filter_id)
    _checked()
    saved_filters.delete_filter(saved)
    flash(_("The filter is deleted."))
    return redirect(url_for("board.my_filters"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail programs POST here without a form (RFC 8058)
@limiter.limit("30 per minute", methods=["POST"])
def unsubscribe(token):
    saved = saved_filters.filter_for_token(token)
    if saved is None:
        return render_template("board/unsubscribe.html", saved=None), 404
    if request.method == "POST":
        saved_filters.unsubscribe(saved)
        return render_template("board/unsubscribe.html", saved=saved, done=True)
    return render_template("board/unsubscribe.html", saved=saved, done=False)
