"""The board's filters, read from a query string and turned into SQL.

The same :class:`BoardFilter` drives the browse page, the Atom feed, the iCalendar feed
and saved filters (whose query string is stored canonical, see :meth:`BoardFilter.query`).
Unknown values are dropped, never an error: a link that worked once keeps working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, exists, or_, select

from elearn.board import search
from elearn.board.models import AREAS, KINDS, LEGAL_FORMS, PUBLISHED, Organisation, OrganisationArea, Post, PostTag

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def printable(text: str, *, keep_lines: bool = True) -> str:
    """Text without control characters (XML, feeds and mail refuse them); newlines and tabs stay if asked."""
    text = _CONTROL.sub("", text or "")
    return text if keep_lines else re.sub(r"[\t\r\n]+", " ", text)


_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# A tag: a word or a phrase ("zaļais iepirkums") of letters, digits, hyphens and single spaces.
TAG_RE = re.compile(r"^[^\W_](?:[\w-]| (?! )){0,38}[\w-]?$", re.UNICODE)


def tag_of(value: str) -> str:
    """A tag as stored and looked up: lower case, one space between its words, no leading #."""
    return " ".join((value or "").strip().lstrip("#").lower().split())


@dataclass(frozen=True)
class BoardFilter:
    q: str = ""
    kind: str = ""
    country: str = ""
    legal_form: str = ""
    area: str = ""
    language: str = ""
    tag: str = ""
    upcoming: bool = False  # events from today on, soonest first

    @classmethod
    def from_args(cls, args) -> BoardFilter:
        def pick(name: str, allowed=None, pattern=None, transform=str.strip) -> str:
            value = transform((args.get(name) or "")[:200])
            if allowed is not None and value not in allowed:
                return ""
            if pattern is not None and not pattern.match(value):
                return ""
            return value

        return cls(
            q=" ".join(printable(args.get("q") or "").split())[:200],
            kind=pick("kind", KINDS),
            country=pick("country", pattern=_COUNTRY, transform=lambda v: v.strip().upper()),
            legal_form=pick("legal_form", LEGAL_FORMS),
            area=pick("area", AREAS),
            language=pick("language", pattern=_LANGUAGE, transform=lambda v: v.strip().lower()),
            tag=pick("tag", pattern=TAG_RE, transform=tag_of),
            upcoming=(args.get("upcoming") or "") in {"1", "on", "true", "yes"},
        )

    def params(self) -> dict[str, str]:
        """The non-empty filters, in a fixed order, as query-string values."""
        found = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value:
                found[field.name] = "1" if value is True else value
        return found

    def query(self) -> str:
        return urlencode(self.params())

    def without(self, name: str) -> BoardFilter:
        cleared: dict[str, Any] = {name: False if name == "upcoming" else ""}  # a field of either type
        return replace(self, **cleared)

    def __bool__(self) -> bool:
        return bool(self.params())

    def apply(self, statement: Select, *, today: date | None = None) -> Select:
        """Narrow a ``select(Post)`` to published posts matching every filter, in the page order.

        Upcoming events come soonest first; otherwise a search puts the best matches first
        (:func:`elearn.board.search.rank`), then everything is newest first.
        """
        today = today or date.today()
        statement = statement.where(Post.status == PUBLISHED, or_(Post.expires_on.is_(None), Post.expires_on >= today))
        if self.q:
            clause = search.match_clause(self.q)
            if clause is not None:
                statement = statement.where(clause)
        if self.kind:
            statement = statement.where(Post.kind == self.kind)
        if self.country:
            statement = statement.where(Post.country == self.country)
        if self.language:
            statement = statement.where(Post.language == self.language)
        if self.tag:
            statement = statement.where(exists().where(PostTag.post_id == Post.id, PostTag.tag == self.tag))
        if self.legal_form:
            statement = statement.where(
                Post.organisation_id.in_(select(Organisation.id).where(Organisation.legal_form == self.legal_form))
            )
        if self.area:
            statement = statement.where(
                Post.organisation_id.in_(
                    select(OrganisationArea.organisation_id).where(OrganisationArea.area == self.area)
                )
            )
        if self.upcoming:
            statement = statement.where(Post.kind == "event", Post.event_date >= today)
            return statement.order_by(Post.event_date, Post.event_start, Post.id)
        score = search.rank(self.q) if self.q else None
        if score is not None:  # posts with the words as typed first, then those found by other forms
            statement = statement.order_by(score.desc())
        return statement.order_by(Post.created_at.desc(), Post.id.desc())
