"""An Atom feed (feedgen) and iCalendar files (icalendar) for any board filter.

Feed readers and calendars poll without signing in, so both show published posts only,
and nothing about authors beyond the name the board page shows.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from flask import current_app, request, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event
from markupsafe import escape
from sqlalchemy import select

from elearn.board.filters import BoardFilter
from elearn.board.forms import KIND_LABELS
from elearn.board.models import Post
from elearn.core.models import as_utc, utcnow
from elearn.extensions import db

FEED_SIZE = 50
CALENDAR_SIZE = 500
CALENDAR_PAST_DAYS = 90


def plain_text(html: str) -> str:
    return unescape(re.sub(r"\s*\n\s*\n\s*", "\n\n", re.sub(r"<[^>]+>", "", html or ""))).strip()


def _title(board_filter: BoardFilter) -> str:
    site = current_app.config["SITE_NAME"]
    if not board_filter:
        return _("%(site)s board", site=site)
    parts = [
        board_filter.q,
        str(KIND_LABELS.get(board_filter.kind, "")),
        board_filter.country,
        board_filter.language,
        board_filter.tag and "#" + board_filter.tag,
    ]
    return _("%(site)s board: %(filters)s", site=site, filters=", ".join(p for p in parts if p) or "…")


def atom(board_filter: BoardFilter) -> bytes:
    posts = list(db.session.scalars(board_filter.apply(select(Post)).limit(FEED_SIZE)).unique())
    feed = FeedGenerator()
    self_url = url_for("board.feed", _external=True, **board_filter.params())
    feed.id(self_url)
    feed.title(_title(board_filter))
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=url_for("board.index", _external=True, **board_filter.params()), rel="alternate", type="text/html")
    feed.updated(max((as_utc(p.updated_at) for p in posts), default=datetime(2024, 1, 1, tzinfo=UTC)))
    feed.generator(current_app.config["SITE_NAME"])
    for post in posts:
        entry = feed.add_entry(order="append")
        link = url_for("board.post", post_id=post.id, _external=True)
        entry.id(link)
        entry.title(post.title)
        entry.link(href=link, rel="alternate", type="text/html")
        entry.published(as_utc(post.created_at))
        entry.updated(as_utc(post.updated_at))
        entry.author(
            {
                "name": post.organisation.name
                if post.organisation
                else (post.author.name if post.author else _("Former member"))
            }
        )
        entry.category(term=post.kind, label=str(KIND_LABELS.get(post.kind, post.kind)))
        for tag in post.tags:
            entry.category(term=tag)
        entry.content(_event_summary_html(post) + post.body_html, type="html")
    return feed.atom_str(pretty=True)


def _event_summary_html(post: Post) -> str:
    if post.kind != "event" or post.event_date is None:
        return ""
    when = post.event_date.isoformat() + (f" {post.event_start:%H:%M}" if post.event_start else "")
    return f"<p><strong>{escape(when)}</strong>, {escape(post.event_place)}</p>"


def calendar(board_filter: BoardFilter, today: date | None = None) -> bytes:
    """Matching events from 90 days ago on, soonest first."""
    since = (today or date.today()) - timedelta(days=CALENDAR_PAST_DAYS)
    statement = board_filter.apply(select(Post)).where(Post.kind == "event", Post.event_date >= since)
    statement = statement.order_by(None).order_by(Post.event_date, Post.event_start, Post.id).limit(CALENDAR_SIZE)
    return calendar_for(list(db.session.scalars(statement).unique()))


def calendar_for(posts: list[Post]) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{current_app.config['SITE_NAME']}//board//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("%(site)s events", site=current_app.config["SITE_NAME"]))
    host = request.host.split(":")[0] or "localhost"
    stamp = utcnow()
    for post in posts:
        if post.event_date is None or post.event_start is None:
            continue
        zone = ZoneInfo(post.timezone or "UTC")
        event = Event()
        event.add("uid", f"board-post-{post.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("created", as_utc(post.created_at))
        event.add("last-modified", as_utc(post.updated_at))
        event.add("summary", post.title)
        start = datetime.combine(post.event_date, post.event_start, tzinfo=zone)
        event.add("dtstart", start)
        if post.event_end is not None:
            event.add("dtend", datetime.combine(post.event_date, post.event_end, tzinfo=zone))
        if post.event_place:
            event.add("location", post.event_place)
        link = url_for("board.post", post_id=post.id, _external=True)
        event.add("url", link)
        event.add("description", f"{plain_text(post.body_html)}\n\n{link}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
