"""Demo content for the board, and generated posts for benchmarks.

:func:`load_demo` reads ``network.yaml`` (organisations and posts drawn from the seeds)
and adds what is missing, every row flagged ``is_demo``: running it again adds nothing.
:func:`seed_posts` writes ``n`` realistic posts fast, for the search benchmark.
Neither commits: the caller's unit of work does (``flask board demo``, a test, a benchmark).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy import insert, select

from elearn.board import search
from elearn.board.models import (
    APPROVED,
    AREAS,
    KINDS,
    LEGAL_FORMS,
    PUBLISHED,
    Organisation,
    OrganisationArea,
    Post,
    PostTag,
)
from elearn.board.posts import TIMEZONES
from elearn.board.text import render_markdown
from elearn.core.i18n import PARTNER_COUNTRIES
from elearn.core.models import utcnow
from elearn.extensions import db

DATA = Path(__file__).with_name("network.yaml")


class DemoDataError(ValueError):
    """A row of the demo data file names a legal form, an area or a kind the board does not know."""


def _check(ok: bool, what: str, row: dict) -> None:
    if not ok:
        raise DemoDataError(f"The demo data has {what}: {row!r}")


@dataclass
class DemoReport:
    organisations: int = 0
    posts: int = 0


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def load_demo(path: Path | None = None, today: date | None = None) -> DemoReport:
    """Add the demo organisations and posts that are not there yet (by slug, and by title for posts)."""
    data = yaml.safe_load((path or DATA).read_text(encoding="utf-8"))
    today = today or date.today()
    report = DemoReport()
    now = utcnow()
    by_slug: dict[str, Organisation] = {
        o.slug: o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.slug.in_([row["slug"] for row in data["organisations"]]))
        )
    }
    for row in data["organisations"]:
        if row["slug"] in by_slug:
            continue
        _check(row["legal_form"] in LEGAL_FORMS, "an unknown legal form", row)
        _check(set(row["areas"]) <= set(AREAS), "an unknown area", row)
        organisation = Organisation(
            slug=row["slug"],
            name=row["name"],
            legal_form=row["legal_form"],
            country=row["country"],
            region=row.get("region", ""),
            website=row.get("website", ""),
            description_md=row.get("description", ""),
            description_html=render_markdown(row.get("description", ""), "org-"),
            status=APPROVED,
            is_demo=True,
            approved_at=now,
            area_rows=[OrganisationArea(area=a) for a in row["areas"]],
        )
        db.session.add(organisation)
        by_slug[row["slug"]] = organisation
        report.organisations += 1
    db.session.flush()
    existing = set(db.session.scalars(select(Post.title).where(Post.is_demo.is_(True))))
    for number, row in enumerate(data["posts"]):
        if row["title"] in existing:
            continue
        _check(row["kind"] in KINDS, "an unknown kind of post", row)
        organisation = by_slug[row["organisation"]]
        event = row.get("event") or {}
        event_date = None
        if event:
            event_date = (
                date.fromisoformat(event["date"]) if "date" in event else today + timedelta(days=event["in_days"])
            )
        post = Post(
            kind=row["kind"],
            title=row["title"],
            body_md=row["body"],
            country=row["country"],
            region=row.get("region", ""),
            language=row["language"],
            organisation=organisation,
            organisation_id=organisation.id,
            event_date=event_date,
            event_start=_time(event.get("start")),
            event_end=_time(event.get("end")),
            event_place=event.get("place", ""),
            timezone=TIMEZONES.get(row["country"], "UTC"),
            status=PUBLISHED,
            is_demo=True,
            created_at=now - timedelta(days=number, hours=number % 7),
            tag_rows=[PostTag(tag=t) for t in row.get("tags", [])],
        )
        post.updated_at = post.created_at
        db.session.add(post)
        db.session.flush()
        post.body_html = render_markdown(post.body_md, f"p{post.id}-")
        search.index_post(
            post, post.title, " ".join(post.tags), organisation.name, post.region, post.event_place, post.body_md
        )
        report.posts += 1
    db.session.flush()
    return report


# ---------------------------------------------------------------- generated posts for benchmarks

WORDS = [
    "social",
    "enterprise",
    "cooperative",
    "municipality",
    "reuse",
    "centre",
    "employment",
    "training",
    "mentor",
    "grant",
    "loan",
    "revenue",
    "customer",
    "community",
    "impact",
    "workshop",
    "repair",
    "furniture",
    "textile",
    "catering",
    "cleaning",
    "care",
    "garden",
    "energy",
    "housing",
    "migrants",
    "youth",
    "unemployed",
    "disabilities",
    "inclusion",
    "support",
    "advice",
    "plan",
    "budget",
    "investment",
    "procurement",
    "tender",
    "volunteer",
    "partner",
    "network",
    "region",
    "market",
    "service",
    "product",
    "quality",
    "work",
    "practice",
    "placement",
    "apprentice",
    "conference",
    "study",
    "visit",
    "handbook",
    "exchange",
    "rural",
    "town",
    "school",
    "university",
    "research",
    "ethical",
    "investor",
    "award",
]
TITLES = (
    "Work practice in {t}",
    "Partners wanted for {w} project",
    "{W} workshop in {t}",
    "We offer {w} services",
    "Looking for {w} partners in {t}",
    "Open day: {w} and {w2}",
    "Job: {w} coordinator in {t}",
)
TOWNS = (
    "Riga",
    "Ķekava",
    "Salaspils",
    "Ptuj",
    "Maribor",
    "Čakovec",
    "Varaždin",
    "Gdańsk",
    "Kaliningrad",
    "Copenhagen",
    "Tallinn",
    "Vilnius",
    "Helsinki",
    "Stockholm",
    "Berlin",
    "Ljubljana",
    "Zagreb",
)
TAGS = (
    "reuse",
    "youth",
    "training",
    "catering",
    "care",
    "eu-projects",
    "social-activation",
    "green-jobs",
    "mentoring",
    "rural",
    "crafts",
    "energy",
)


def seed_posts(n: int, *, seed: int = 7, organisations: int = 20) -> int:
    """Write ``n`` published posts (with demo organisations) in a few bulk statements; returns n.

    Deterministic for a seed. Bodies are a few paragraphs of board vocabulary with markdown,
    spread over the last year; one in five is an event within three months either side of today.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = utcnow()
    orgs = []
    for number in range(organisations):
        country = PARTNER_COUNTRIES[number % len(PARTNER_COUNTRIES)]
        orgs.append(
            Organisation(
                slug=f"bench-organisation-{seed}-{number}",
                name=f"{rng.choice(WORDS).title()} {rng.choice(TOWNS)} {number}",
                legal_form=LEGAL_FORMS[number % len(LEGAL_FORMS)],
                country=country,
                region=rng.choice(TOWNS),
                status=APPROVED,
                is_demo=True,
                approved_at=now,
                area_rows=[OrganisationArea(area=a) for a in rng.sample(AREAS, 2)],
            )
        )
    db.session.add_all(orgs)
    db.session.flush()
    start_id = (db.session.scalar(select(db.func.max(Post.id))) or 0) + 1
    posts: list[dict] = []
    tags: list[dict] = []
    for offset in range(n):
        organisation = rng.choice(orgs)
        kind = "event" if offset % 5 == 0 else rng.choice(KINDS)
        town = rng.choice(TOWNS)
        word, word2 = rng.sample(WORDS, 2)
        title = rng.choice(TITLES).format(t=town, w=word, w2=word2, W=word.title())
        paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(25, 60))).capitalize() + "." for _ in range(3)]
        body = f"{paragraphs[0]}\n\n- **{word}**: {paragraphs[1]}\n- {word2}\n\n{paragraphs[2]}"
        post_tags = rng.sample(TAGS, rng.randint(1, 3))
        created = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        post_id = start_id + offset
        event_date = (now + timedelta(days=rng.randint(-90, 90))).date() if kind == "event" else None
        language = rng.choice(("en", "lv", "sl", "pl", "ru"))
        search_text = search.index_text(title, " ".join(post_tags), organisation.name, town, body)
        posts.append(
            {
                "id": post_id,
                "kind": kind,
                "title": title,
                "body_md": body,
                "body_html": render_markdown(body, f"p{post_id}-"),
                "search_text": search_text,
                "search_stems": search.stems(language, search_text),
                "country": organisation.country,
                "region": town,
                "language": language,
                "organisation_id": organisation.id,
                "event_date": event_date,
                "event_start": time(rng.choice((9, 10, 14)), 0) if event_date else None,
                "event_end": None,
                "event_place": town if event_date else "",
                "timezone": TIMEZONES.get(organisation.country, "UTC"),
                "status": PUBLISHED,
                "moderation_reason": "",
                "reply_count": 0,
                "is_demo": True,
                "created_at": created,
                "updated_at": created,
                "author_id": None,
            }
        )
        tags.extend({"post_id": post_id, "tag": tag} for tag in post_tags)
    for chunk in range(0, len(posts), 500):
        db.session.execute(insert(Post), posts[chunk : chunk + 500])
    if tags:
        db.session.execute(insert(PostTag), tags)
    search.remember_words([(post["language"], post["search_text"]) for post in posts])
    if db.session.get_bind().dialect.name == "postgresql":  # explicit ids: move the sequence past them
        db.session.execute(
            db.text("SELECT setval(pg_get_serial_sequence('board_post', 'id'), (SELECT max(id) FROM board_post))")
        )
    return n


__all__ = ["DemoDataError", "DemoReport", "load_demo", "seed_posts"]
