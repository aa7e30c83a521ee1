"""Writing posts and replies: checking and storing their fields, rendering them once, counting replies."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.board import notices, search
from elearn.board.audit import _log
from elearn.board.errors import BoardError
from elearn.board.filters import TAG_RE, printable, tag_of
from elearn.board.models import EXPIRING_KINDS, HIDDEN, PENDING, PUBLISHED, Organisation, Post, PostTag, Reply
from elearn.board.permissions import can_edit_post, is_trusted, memberships
from elearn.board.text import _line, render_markdown
from elearn.extensions import db

MAX_TAGS = 8
EXPIRY = timedelta(days=90)  # how long an offer or a request is shown, and what "extend" adds
MAX_EXPIRY = timedelta(days=366)

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
    expires_on: date | None = None  # offers and requests: shown until then (EXPIRY from today if not given)


def parse_tags(value: str) -> list[str]:
    """Tags are separated by commas (or semicolons, or lines): each is a word or a phrase, kept whole."""
    tags: list[str] = []
    for raw in re.split(r"[,;\n]+", value or ""):
        tag = tag_of(raw)
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise BoardError(
                _l(
                    "A tag is a word or a few words of letters, digits and hyphens, at most 40 characters: "
                    "“%(tag)s” is not.",
                    tag=raw.strip()[:60],
                ),
                "tags",
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise BoardError(
            lazy_ngettext("At most %(num)s tag, please.", "At most %(num)s tags, please.", MAX_TAGS), "tags"
        )
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
    post.expires_on = _expiry(fields, post.expires_on) if fields.kind in EXPIRING_KINDS else None
    post.tag_rows = [PostTag(tag=tag) for tag in tags]


def _render_post(post: Post) -> None:
    """HTML and search text, once, when the post is written (needs ``post.id`` for unique anchors)."""
    post.body_html = render_markdown(post.body_md, f"p{post.id}-")
    organisation = post.organisation.name if post.organisation else ""
    search.index_post(
        post, post.title, " ".join(post.tags), organisation, post.region, post.event_place, _plain(post.body_html)
    )


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _expiry(fields: PostFields, current: date | None, today: date | None = None) -> date:
    """The day an offer or a request is shown until: as asked (from tomorrow to a year on), else as it was, else
    EXPIRY from today."""
    today = today or date.today()
    if fields.expires_on is None or fields.expires_on == current:  # an edit that leaves the day alone
        return current or today + EXPIRY
    if not today < fields.expires_on <= today + MAX_EXPIRY:
        raise BoardError(_l("Choose a day between tomorrow and a year from now."), "expires_on")
    return fields.expires_on


def extend_post(user: User, post: Post, today: date | None = None) -> None:
    """Show an offer or a request EXPIRY longer, counted from today if it has already expired."""
    if not can_edit_post(user, post) or post.expires_on is None:
        raise BoardError(_l("You cannot extend this post."))
    today = today or date.today()
    post.expires_on = min(max(post.expires_on, today) + EXPIRY, today + MAX_EXPIRY)


def create_post(author: User, fields: PostFields) -> Post:
    """Publish a post, or keep it waiting for a moderator if it is the author's first."""
    parse_tags(fields.tags)  # refuse bad tags before anything is written
    organisation = _check_post_fields(author, fields)
    post = Post(author_id=author.id, status=PUBLISHED if is_trusted(author) else PENDING)
    _fill_post(post, fields, organisation)
    db.session.add(post)
    db.session.flush()  # the anchors in its HTML need the id
    _render_post(post)
    if post.status == PENDING:
        notices.held(post)
    return post


def update_post(user: User, post: Post, fields: PostFields, reason: str = "") -> None:
    """Save an edit; a moderator changing someone else's post says why, in the audit log, as for hiding."""
    if not can_edit_post(user, post):
        raise BoardError(_l("You cannot edit this post."))
    parse_tags(fields.tags)
    if post.author_id == user.id:
        organisation = _check_post_fields(user, fields)
    else:  # a moderator correcting a post keeps the author's organisation
        reason = printable(reason or "").strip()
        if not reason:
            raise BoardError(_l("Say why you change someone else's post."), field="edit_reason")
        _check_post_fields(user, replace(fields, organisation_id=None))
        organisation = post.organisation
    _fill_post(post, fields, organisation)
    _render_post(post)
    if post.author_id != user.id:
        _log("edit", "post", user, post.country, post=post, title=post.title, reason=reason)
    elif post.status == HIDDEN:  # the author changed what the moderators hid: they look again
        post.status = PENDING
        notices.held(post, edited=True)


def delete_post(user: User, post: Post) -> None:
    if not can_edit_post(user, post):
        raise BoardError(_l("You cannot delete this post."))
    if post.author_id != user.id:
        _log("delete", "post", user, post.country, post=None, title=post.title, reason="")
    db.session.delete(post)


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
    if reply.status == PENDING:
        notices.held(post, reply)
    else:
        notices.replied(post, reply)
    return reply


def _recount(post: Post) -> None:
    db.session.flush()
    post.reply_count = db.session.execute(
        select(func.count()).select_from(Reply).where(Reply.post_id == post.id, Reply.status == PUBLISHED)
    ).scalar_one()
