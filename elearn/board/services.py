"""Every write of the board, and who may do what.

Roles (route rules are in ``elearn/auth/access.py``, object rules here):

- anyone reads published posts and approved organisations, and the feeds;
- a signed-in user writes posts and replies, reports them, contacts authors, saves
  filters, declares an organisation and asks to join one;
- a post's author edits and deletes it, and sees it while it waits or is hidden;
- an organisation's admins (its declarant first) edit its profile and accept members;
- moderators: admins everywhere, partner admins in the country of their grant's variant
  (``lv-LV`` → LV). They approve waiting posts and organisations, hide and restore
  posts and replies with a reason, and every such act goes to the audit log.

A user's first post or reply waits for a moderator, unless they are a moderator or
already have a published post or reply.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from email.utils import formataddr
from functools import partial

import bleach
from bleach.callbacks import nofollow
from bleach.linkifier import LinkifyFilter
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select, update

from elearn.auth.models import ADMIN, User
from elearn.board import search
from elearn.board.filters import TAG_RE, BoardFilter, printable
from elearn.board.models import (
    APPROVED,
    DAILY,
    HIDDEN,
    OFF,
    PENDING,
    PUBLISHED,
    REJECTED,
    WEEKLY,
    ContactMessage,
    JoinDeclaration,
    Membership,
    ModerationAction,
    Organisation,
    OrganisationArea,
    Post,
    PostTag,
    Reply,
    Report,
    SavedFilter,
)
from elearn.core import mail
from elearn.core import markdown as md
from elearn.core.models import utcnow
from elearn.extensions import db

PER_PAGE = 20
MAX_TAGS = 8
UNSUBSCRIBE_SALT = "board-unsubscribe"
DIGEST_MAX_POSTS = 50

# Events are local to their place: the time zone of the country, for the calendar feed.
TIMEZONES = {
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki",
    "DE": "Europe/Berlin",
    "HR": "Europe/Zagreb",
    "LV": "Europe/Riga",
    "LT": "Europe/Vilnius",
    "PL": "Europe/Warsaw",
    "RU": "Europe/Kaliningrad",
    "SI": "Europe/Ljubljana",
    "SE": "Europe/Stockholm",
    "SK": "Europe/Bratislava",
    "HU": "Europe/Budapest",
    "IT": "Europe/Rome",
    "RO": "Europe/Bucharest",
    "PT": "Europe/Lisbon",
    "CZ": "Europe/Prague",
    "RS": "Europe/Belgrade",
    "NO": "Europe/Oslo",
}


class BoardError(Exception):
    """A refusal to show the user; ``str()`` is translated; ``field`` names the form field at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------- who may do what


def moderated_countries(user) -> set[str] | None:
    """The countries a user moderates: None = every country (admins), an empty set = none."""
    if not user.is_authenticated:
        return set()
    if user.has_role(ADMIN):
        return None
    return {scope.partition("-")[2].upper() for scope in user.variants_administered() if "-" in scope}


def is_moderator(user) -> bool:
    countries = moderated_countries(user)
    return countries is None or bool(countries)


def can_moderate(user, country: str) -> bool:
    countries = moderated_countries(user)
    return countries is None or country in countries


def _country_clause(column, user):
    countries = moderated_countries(user)
    return True if countries is None else column.in_(countries or {""})


def can_edit_post(user, post: Post) -> bool:
    return user.is_authenticated and (post.author_id == user.id or can_moderate(user, post.country))


def can_see_post(user, post: Post) -> bool:
    return post.status == PUBLISHED or can_edit_post(user, post)


def can_see_reply(user, reply: Reply) -> bool:
    if reply.status == PUBLISHED:
        return True
    return user.is_authenticated and (reply.author_id == user.id or can_moderate(user, reply.post.country))


def is_trusted(user) -> bool:
    """Moderators, and users with at least one published post or reply, publish at once."""
    if is_moderator(user):
        return True
    published_post = select(Post.id).where(Post.author_id == user.id, Post.status == PUBLISHED)
    published_reply = select(Reply.id).where(Reply.author_id == user.id, Reply.status == PUBLISHED)
    return bool(db.session.scalar(select(published_post.union_all(published_reply).limit(1).subquery().c.id)))


def memberships(user, *, approved_only: bool = True) -> list[Membership]:
    if not user.is_authenticated:
        return []
    statement = select(Membership).join(Organisation).where(Membership.user_id == user.id).order_by(Organisation.name)
    if approved_only:
        statement = statement.where(Membership.status == APPROVED, Organisation.status == APPROVED)
    return list(db.session.scalars(statement))


def membership_of(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation.id)
    )


def can_manage_organisation(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if can_moderate(user, organisation.country):
        return True
    membership = membership_of(user, organisation)
    return bool(membership and membership.is_admin and membership.status == APPROVED)


def can_see_organisation(user, organisation: Organisation) -> bool:
    return organisation.status == APPROVED or can_manage_organisation(user, organisation)


# ---------------------------------------------------------------- reading


@dataclass
class Page:
    items: list
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def list_posts(board_filter: BoardFilter, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of published posts matching the filter: two queries (count, rows) and one for tags."""
    page = max(1, page)
    matching = board_filter.apply(select(Post))
    total = db.session.scalar(select(func.count()).select_from(matching.order_by(None).subquery()))
    items = list(db.session.scalars(matching.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, total=total or 0, number=page, per_page=per_page)


def countries_in_use() -> list[str]:
    return list(
        db.session.scalars(select(Post.country).where(Post.status == PUBLISHED).distinct().order_by(Post.country))
    )


def replies_for(user, post: Post) -> list[Reply]:
    """The replies a user sees: published ones, their own, and all of them for the post's moderators."""
    statement = select(Reply).where(Reply.post_id == post.id).order_by(Reply.created_at, Reply.id)
    if not user.is_authenticated:
        statement = statement.where(Reply.status == PUBLISHED)
    elif not can_moderate(user, post.country):
        statement = statement.where(or_(Reply.status == PUBLISHED, Reply.author_id == user.id))
    return list(db.session.scalars(statement))


# ---------------------------------------------------------------- posts


@dataclass
class PostFields:
    kind: str
    title: str
    body: str
    country: str
    region: str
    language: str
    tags: str
    organisation_id: int | None = None
    event_date: date | None = None
    event_start: time | None = None
    event_end: time | None = None
    event_place: str = ""


def parse_tags(value: str) -> list[str]:
    tags: list[str] = []
    for raw in re.split(r"[,;\s]+", value or ""):
        tag = raw.strip().lstrip("#").lower()
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise BoardError(
                _l(
                    "A tag is one word of letters, digits and hyphens, at most 40 characters: “%(tag)s” is not.",
                    tag=raw[:60],
                ),
                "tags",
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise BoardError(_l("At most %(count)s tags, please.", count=MAX_TAGS), "tags")
    return tags


def _check_post_fields(author, fields: PostFields) -> Organisation | None:
    organisation = None
    if fields.organisation_id:
        membership = next((m for m in memberships(author) if m.organisation_id == fields.organisation_id), None)
        if membership is None:
            raise BoardError(_l("You can post only for an organisation you belong to."), "organisation_id")
        organisation = membership.organisation
    if fields.kind == "event":
        if fields.event_date is None:
            raise BoardError(_l("An event needs a date."), "event_date")
        if fields.event_start is None:
            raise BoardError(_l("An event needs a start time."), "event_start")
        if not fields.event_place.strip():
            raise BoardError(_l("An event needs a place (a town and address, or “online”)."), "event_place")
        if fields.event_end is not None and fields.event_end <= fields.event_start:
            raise BoardError(_l("The event must end after it starts."), "event_end")
    return organisation


def _fill_post(post: Post, fields: PostFields, organisation: Organisation | None) -> None:
    tags = parse_tags(fields.tags)
    post.kind = fields.kind
    post.title = _line(fields.title)
    post.body_md = printable(fields.body)
    post.country = fields.country
    post.region = _line(fields.region)
    post.language = fields.language
    post.organisation_id = organisation.id if organisation else None
    post.organisation = organisation
    is_event = fields.kind == "event"
    post.event_date = fields.event_date if is_event else None
    post.event_start = fields.event_start if is_event else None
    post.event_end = fields.event_end if is_event else None
    post.event_place = _line(fields.event_place) if is_event else ""
    post.timezone = TIMEZONES.get(fields.country, "UTC")
    post.tag_rows = [PostTag(tag=tag) for tag in tags]


# What user markdown on the board may become: text structure and links, no media or embeds
# (members cannot upload, and a public board needs no iframes), on top of core.markdown's allow-list.
BOARD_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "dd",
        "dl",
        "dt",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)
_board_cleaner = bleach.Cleaner(
    tags=BOARD_TAGS,
    attributes=md._allowed_attribute,
    protocols={"http", "https", "mailto"},
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[nofollow], parse_email=False, skip_tags={"pre", "code"})],
)


def render_markdown(text: str, id_prefix: str) -> str:
    """Markdown from a member → safe HTML, once when saved: core.markdown, then the board's narrower allow-list.

    Bare web addresses become links; every link gets rel="nofollow".
    """
    return _board_cleaner.clean(md.render(text, id_prefix=id_prefix))


def _line(value: str) -> str:
    """A one-line text field as stored: no control characters or line breaks, no outer spaces."""
    return printable(value or "", keep_lines=False).strip()


def _render_post(post: Post) -> None:
    """HTML and search text, once, when the post is written (needs ``post.id`` for unique anchors)."""
    post.body_html = render_markdown(post.body_md, f"p{post.id}-")
    organisation = post.organisation.name if post.organisation else ""
    post.search_text = search.index_text(
        post.title, " ".join(post.tags), organisation, post.region, post.event_place, _plain(post.body_html)
    )


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def create_post(author: User, fields: PostFields) -> Post:
    """Publish a post, or keep it waiting for a moderator if it is the author's first."""
    parse_tags(fields.tags)  # refuse bad tags before anything is written
    organisation = _check_post_fields(author, fields)
    post = Post(author_id=author.id, status=PUBLISHED if is_trusted(author) else PENDING)
    _fill_post(post, fields, organisation)
    db.session.add(post)
    db.session.flush()
    _render_post(post)
    db.session.commit()
    return post


def update_post(user: User, post: Post, fields: PostFields) -> None:
    if not can_edit_post(user, post):
        raise BoardError(_l("You cannot edit this post."))
    parse_tags(fields.tags)
    if post.author_id == user.id:
        organisation = _check_post_fields(user, fields)
    else:  # a moderator correcting a post keeps the author's organisation
        _check_post_fields(user, replace(fields, organisation_id=None))
        organisation = post.organisation
    _fill_post(post, fields, organisation)
    _render_post(post)
    db.session.commit()


def delete_post(user: User, post: Post) -> None:
    if not can_edit_post(user, post):
        raise BoardError(_l("You cannot delete this post."))
    if post.author_id != user.id:
        _log("delete", "post", user, post.country, post=None, title=post.title, reason="")
    db.session.delete(post)
    db.session.commit()


def add_reply(author: User, post: Post, body: str) -> Reply:
    if post.status != PUBLISHED:
        raise BoardError(_l("This post is not open for replies."))
    body = printable(body)
    reply = Reply(
        post_id=post.id,
        post=post,
        author_id=author.id,
        body_md=body,
        body_html="",
        status=PUBLISHED if is_trusted(author) else PENDING,
    )
    db.session.add(reply)
    db.session.flush()
    reply.body_html = render_markdown(body, f"r{reply.id}-")
    _recount(post)
    db.session.commit()
    return reply


def _recount(post: Post) -> None:
    db.session.flush()
    post.reply_count = db.session.scalar(
        select(func.count()).select_from(Reply).where(Reply.post_id == post.id, Reply.status == PUBLISHED)
    )


# ---------------------------------------------------------------- reports and moderation


def report(reporter: User, post: Post, reason: str, reply: Reply | None = None) -> Report:
    existing = db.session.scalar(
        select(Report).where(
            Report.reporter_id == reporter.id,
            Report.post_id == post.id,
            Report.reply_id == (reply.id if reply else None) if reply else Report.reply_id.is_(None),
            Report.resolved_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    row = Report(
        post_id=post.id, reply_id=reply.id if reply else None, reporter_id=reporter.id, reason=printable(reason).strip()
    )
    db.session.add(row)
    db.session.commit()
    return row


def _log(
    action: str,
    target: str,
    actor: User,
    country: str,
    *,
    post: Post | None = None,
    reply: Reply | None = None,
    organisation: Organisation | None = None,
    title: str = "",
    reason: str = "",
) -> None:
    db.session.add(
        ModerationAction(
            action=action,
            target=target,
            actor_id=actor.id,
            country=country,
            post_id=post.id if post else None,
            reply_id=reply.id if reply else None,
            organisation_id=organisation.id if organisation else None,
            title=title[:200],
            reason=reason,
        )
    )


def _resolve_reports(moderator: User, post: Post, reply: Reply | None) -> None:
    statement = update(Report).where(Report.post_id == post.id, Report.resolved_at.is_(None))
    statement = statement.where(Report.reply_id == reply.id) if reply else statement.where(Report.reply_id.is_(None))
    db.session.execute(statement.values(resolved_at=utcnow(), resolved_by_id=moderator.id))


def moderate(moderator: User, action: str, post: Post, reason: str, reply: Reply | None = None) -> None:
    """Hide, restore or approve a post or a reply; hiding and restoring need a reason."""
    if not can_moderate(moderator, post.country):
        raise BoardError(_l("You do not moderate posts from this country."))
    reason = printable(reason or "").strip()
    if action in {"hide", "restore"} and not reason:
        raise BoardError(_l("Please give a reason: the author sees it, and it goes into the audit log."), "reason")
    item = reply or post
    new_status = {"hide": HIDDEN, "restore": PUBLISHED, "approve": PUBLISHED}.get(action)
    if new_status is None:
        raise BoardError(_l("Unknown action."))
    if action == "approve" and item.status != PENDING:
        raise BoardError(_l("This is not waiting for approval."))
    if action == "restore" and item.status != HIDDEN:
        raise BoardError(_l("This is not hidden."))
    item.status = new_status
    item.moderation_reason = reason if action == "hide" else ""
    if action in {"hide", "restore"}:
        _resolve_reports(moderator, post, reply)
    _log(
        action,
        "reply" if reply else "post",
        moderator,
        post.country,
        post=post,
        reply=reply,
        title=post.title,
        reason=reason,
    )
    if reply is not None:
        _recount(post)
    db.session.commit()


def dismiss_report(moderator: User, row: Report, reason: str) -> None:
    if not can_moderate(moderator, row.post.country):
        raise BoardError(_l("You do not moderate posts from this country."))
    row.resolved_at, row.resolved_by_id = utcnow(), moderator.id
    _log(
        "dismiss",
        "report",
        moderator,
        row.post.country,
        post=row.post,
        reply=row.reply,
        title=row.post.title,
        reason=printable(reason or "").strip(),
    )
    db.session.commit()


@dataclass
class Queue:
    reports: list[Report]
    posts: list[Post]
    replies: list[Reply]
    declarations: list[JoinDeclaration]

    def __len__(self) -> int:
        return len(self.reports) + len(self.posts) + len(self.replies) + len(self.declarations)


def moderation_queue(moderator: User) -> Queue:
    """Open reports, waiting posts, replies and organisations in the moderator's countries, oldest first."""
    reports = db.session.scalars(
        select(Report)
        .join(Post, Report.post_id == Post.id)
        .where(Report.resolved_at.is_(None), _country_clause(Post.country, moderator))
        .order_by(Report.created_at)
    ).all()
    posts = db.session.scalars(
        select(Post).where(Post.status == PENDING, _country_clause(Post.country, moderator)).order_by(Post.created_at)
    ).all()
    replies = db.session.scalars(
        select(Reply)
        .join(Post, Reply.post_id == Post.id)
        .where(Reply.status == PENDING, _country_clause(Post.country, moderator))
        .order_by(Reply.created_at)
    ).all()
    declarations = db.session.scalars(
        select(JoinDeclaration)
        .join(Organisation)
        .where(JoinDeclaration.decision == PENDING, _country_clause(Organisation.country, moderator))
        .order_by(JoinDeclaration.submitted_at)
    ).all()
    return Queue(list(reports), list(posts), list(replies), list(declarations))


def audit_log(moderator: User, page: int = 1, per_page: int = 50) -> Page:
    statement = select(ModerationAction).where(_country_clause(ModerationAction.country, moderator))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    items = db.session.scalars(
        statement.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(per_page)
        .offset((max(1, page) - 1) * per_page)
    ).all()
    return Page(list(items), total or 0, max(1, page), per_page)


# ---------------------------------------------------------------- organisations


@dataclass
class OrganisationFields:
    name: str
    legal_form: str
    country: str
    region: str
    website: str
    areas: list[str]
    description: str


@dataclass
class DeclarationFields:
    address: str
    tax_number: str
    responsible_person: str
    responsible_function: str
    primary_area: str


def _slug_for(name: str) -> str:
    base = "-".join(search.words(name))[:80].strip("-") or "organisation"
    slug, number = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        number += 1
        slug = f"{base}-{number}"
    return slug


def _fill_organisation(organisation: Organisation, fields: OrganisationFields) -> None:
    organisation.name = _line(fields.name)
    organisation.legal_form = fields.legal_form
    organisation.country = fields.country
    organisation.region = _line(fields.region)
    organisation.website = _line(fields.website)
    organisation.description_md = printable(fields.description)
    organisation.description_html = render_markdown(organisation.description_md, "org-")
    organisation.area_rows = [OrganisationArea(area=area) for area in dict.fromkeys(fields.areas)]


def declare_organisation(user: User, fields: OrganisationFields, declaration: DeclarationFields) -> Organisation:
    """An organisation asks to join the network: it waits for a moderator of its country.

    The declarant becomes the organisation's first admin member.
    """
    if db.session.scalar(
        select(Organisation.id).where(
            func.lower(Organisation.name) == fields.name.strip().lower(), Organisation.country == fields.country
        )
    ):
        raise BoardError(
            _l(
                "An organisation with this name in this country is already in the network or waiting. "
                "Ask its members to add you instead."
            ),
            "name",
        )
    organisation = Organisation(slug=_slug_for(fields.name), status=PENDING)
    _fill_organisation(organisation, fields)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(
        JoinDeclaration(
            organisation_id=organisation.id,
            submitted_by_id=user.id,
            address=_line(declaration.address),
            tax_number=_line(declaration.tax_number),
            responsible_person=_line(declaration.responsible_person),
            responsible_function=_line(declaration.responsible_function),
            primary_area=declaration.primary_area,
        )
    )
    db.session.add(Membership(organisation_id=organisation.id, user_id=user.id, is_admin=True, status=APPROVED))
    db.session.commit()
    return organisation


def update_organisation(user: User, organisation: Organisation, fields: OrganisationFields) -> None:
    if not can_manage_organisation(user, organisation):
        raise BoardError(_l("You cannot edit this organisation."))
    if fields.country != organisation.country and not can_moderate(user, fields.country):
        if organisation.status == APPROVED:
            raise BoardError(_l("Ask a moderator to move an approved organisation to another country."), "country")
    _fill_organisation(organisation, fields)
    db.session.commit()


def decide_declaration(moderator: User, declaration: JoinDeclaration, approve: bool, reason: str) -> None:
    organisation = declaration.organisation
    if not can_moderate(moderator, organisation.country):
        raise BoardError(_l("You do not moderate organisations from this country."))
    if declaration.decision != PENDING:
        raise BoardError(_l("This declaration has already been decided."))
    reason = printable(reason or "").strip()
    if not approve and not reason:
        raise BoardError(_l("Please give a reason: the organisation sees it."), "reason")
    declaration.decision = APPROVED if approve else REJECTED
    declaration.decided_at, declaration.decided_by_id, declaration.reason = utcnow(), moderator.id, reason
    organisation.status = APPROVED if approve else REJECTED
    organisation.approved_at = utcnow() if approve else None
    _log(
        "approve" if approve else "reject",
        "organisation",
        moderator,
        organisation.country,
        organisation=organisation,
        title=organisation.name,
        reason=reason,
    )
    db.session.commit()
    declarant = declaration.submitted_by
    if declarant is not None:
        mail.send(
            declarant.email,
            _l("%(name)s is now in the network", name=organisation.name)
            if approve
            else _l("%(name)s was not accepted into the network", name=organisation.name),
            "board/mail/declaration_decided",
            language=declarant.language,
            user=declarant,
            organisation=organisation,
            approved=approve,
            reason=reason,
            link=url_for("board.organisation", slug=organisation.slug, _external=True),
        )


def request_membership(user: User, organisation: Organisation) -> Membership:
    if organisation.status != APPROVED:
        raise BoardError(_l("This organisation is not in the network yet."))
    existing = membership_of(user, organisation)
    if existing is not None:
        return existing
    membership = Membership(organisation_id=organisation.id, user_id=user.id, status=PENDING)
    db.session.add(membership)
    db.session.commit()
    return membership


def decide_membership(user: User, membership: Membership, accept: bool) -> None:
    if not can_manage_organisation(user, membership.organisation):
        raise BoardError(_l("You cannot manage this organisation's members."))
    if accept:
        membership.status = APPROVED
    else:
        if membership.is_admin and _admin_count(membership.organisation) <= 1:
            raise BoardError(_l("An organisation needs at least one admin: make someone else admin first."))
        db.session.delete(membership)
    db.session.commit()


def leave_organisation(user: User, organisation: Organisation) -> None:
    membership = membership_of(user, organisation)
    if membership is None:
        return
    if membership.is_admin and _admin_count(organisation) <= 1 and _member_count(organisation) > 1:
        raise BoardError(_l("You are the organisation's only admin: make another member admin first."))
    db.session.delete(membership)
    db.session.commit()


def set_member_admin(user: User, membership: Membership, is_admin: bool) -> None:
    if not can_manage_organisation(user, membership.organisation):
        raise BoardError(_l("You cannot manage this organisation's members."))
    if not is_admin and membership.is_admin and _admin_count(membership.organisation) <= 1:
        raise BoardError(_l("An organisation needs at least one admin: make someone else admin first."))
    membership.is_admin = is_admin and membership.status == APPROVED
    db.session.commit()


def _admin_count(organisation: Organisation) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.is_admin.is_(True),
                Membership.status == APPROVED,
            )
        )
        or 0
    )


def _member_count(organisation: Organisation) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == organisation.id, Membership.status == APPROVED)
        )
        or 0
    )


# ---------------------------------------------------------------- contacting an author (a relay)


def contact(sender: User, post: Post, body: str, share_email: bool) -> ContactMessage:
    """Mail a post's author through the platform; their address is never shown to the sender."""
    if post.author_id is None or post.status != PUBLISHED:
        raise BoardError(_l("This post's author cannot be contacted."))
    if post.author_id == sender.id:
        raise BoardError(_l("This is your own post."), "body")
    return _relay(sender, post.author, post, body, share_email, None)


def answer(sender: User, message: ContactMessage, body: str, share_email: bool) -> ContactMessage:
    if message.recipient_id != sender.id or message.sender is None:
        raise BoardError(_l("You cannot answer this message."))
    return _relay(sender, message.sender, message.post, body, share_email, message)


def _relay(
    sender: User, recipient: User, post: Post | None, body: str, share_email: bool, in_reply_to: ContactMessage | None
) -> ContactMessage:
    message = ContactMessage(
        post_id=post.id if post else None,
        sender_id=sender.id,
        recipient_id=recipient.id,
        in_reply_to_id=in_reply_to.id if in_reply_to else None,
        body=printable(body).strip(),
        share_email=share_email,
    )
    db.session.add(message)
    db.session.commit()
    title = post.title if post else ""
    email = mail.compose(
        recipient.email,
        _l("%(name)s wrote to you about “%(title)s”", name=sender.name, title=title),
        "board/mail/contact",
        language=recipient.language,
        sender=sender,
        recipient=recipient,
        post=post,
        body=message.body,
        share_email=share_email,
        answer_link=url_for("board.message", message_id=message.id, _external=True),
        post_link=url_for("board.post", post_id=post.id, _external=True) if post else None,
    )
    if share_email:
        email["Reply-To"] = formataddr((sender.name, sender.email))
    mail.deliver(email)
    return message


def message_for(user: User, message_id: int) -> ContactMessage | None:
    message = db.session.get(ContactMessage, message_id)
    if message is None or user.id not in {message.recipient_id, message.sender_id}:
        return None
    return message


# ---------------------------------------------------------------- saved filters and digests


def save_filter(user: User, name: str, board_filter: BoardFilter, frequency: str) -> SavedFilter:
    if frequency not in {OFF, DAILY, WEEKLY}:
        raise BoardError(_l("Choose how often to get mail."), "frequency")
    saved = SavedFilter(
        user_id=user.id,
        name=_line(name) or board_filter.query() or str(_l("All posts")),
        query=board_filter.query(),
        frequency=frequency,
        last_sent_at=utcnow(),
    )
    db.session.add(saved)
    db.session.commit()
    return saved


def saved_filters(user: User) -> list[SavedFilter]:
    return list(
        db.session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(SavedFilter.created_at))
    )


def own_filter(user: User, filter_id: int) -> SavedFilter | None:
    saved = db.session.get(SavedFilter, filter_id)
    return saved if saved is not None and saved.user_id == user.id else None


def set_frequency(saved: SavedFilter, frequency: str) -> None:
    if frequency not in {OFF, DAILY, WEEKLY}:
        raise BoardError(_l("Choose how often to get mail."), "frequency")
    if saved.frequency == OFF and frequency != OFF:
        saved.last_sent_at = utcnow()  # start from now, not from the last digest months ago
    saved.frequency = frequency
    db.session.commit()


def delete_filter(saved: SavedFilter) -> None:
    db.session.delete(saved)
    db.session.commit()


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(saved: SavedFilter) -> str:
    """Signed, without expiry: the link in a year-old digest still unsubscribes (RFC 8058)."""
    return _unsubscribe_serializer().dumps({"f": saved.id, "u": saved.user_id})


def filter_for_token(token: str) -> SavedFilter | None:
    try:
        data = _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    saved = db.session.get(SavedFilter, data.get("f"))
    return saved if saved is not None and saved.user_id == data.get("u") else None


def unsubscribe(saved: SavedFilter) -> None:
    saved.frequency = OFF
    db.session.commit()


def due_filters(now: datetime) -> list[SavedFilter]:
    daily = (SavedFilter.frequency == DAILY) & or_(
        SavedFilter.last_sent_at.is_(None), SavedFilter.last_sent_at <= now - timedelta(hours=20)
    )
    weekly = (SavedFilter.frequency == WEEKLY) & or_(
        SavedFilter.last_sent_at.is_(None), SavedFilter.last_sent_at <= now - timedelta(days=6, hours=20)
    )
    return list(db.session.scalars(select(SavedFilter).where(daily | weekly).order_by(SavedFilter.id)))


def send_digests(now: datetime | None = None) -> int:
    """Mail each due subscriber the published posts matching their filter since their last digest.

    ``flask board digest`` runs this from cron (daily); weekly filters go every seventh day.
    A filter with nothing new gets no mail, but its window moves on. Returns the mails sent.
    """
    now = now or utcnow()
    sent = 0
    for saved in due_filters(now):
        board_filter = BoardFilter.from_args(_parse_query(saved.query))
        statement = board_filter.apply(select(Post)).where(Post.author_id.is_distinct_from(saved.user_id))
        if saved.last_sent_at is not None:
            statement = statement.where(Post.created_at > saved.last_sent_at)
        posts = list(db.session.scalars(statement.where(Post.created_at <= now).limit(DIGEST_MAX_POSTS)).unique())
        saved.last_sent_at = now
        if posts:
            _send_digest(saved, posts, board_filter)
            sent += 1
        db.session.commit()
    return sent


def _parse_query(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query))


def _send_digest(saved: SavedFilter, posts: list[Post], board_filter: BoardFilter) -> None:
    user = saved.user
    link = url_for("board.unsubscribe", token=unsubscribe_token(saved), _external=True)
    message = mail.compose(
        user.email,
        _l("New on the board: %(name)s", name=saved.name),
        "board/mail/digest",
        language=user.language,
        user=user,
        saved=saved,
        posts=posts,
        unsubscribe_link=link,
        board_link=url_for("board.index", _external=True, **board_filter.params()),
        filters_link=url_for("board.my_filters", _external=True),
    )
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.deliver(message)
