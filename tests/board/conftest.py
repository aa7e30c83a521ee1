"""Board fixtures: people in each role, and posts written through the services."""

from __future__ import annotations

from datetime import date, time
from typing import ClassVar

import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.auth.services import grant_role
from elearn.board import posts
from elearn.extensions import db
from tests.conftest import sign_in


class People(dict):
    """Emails by role, each account made on first use (password hashing is slow on a busy machine)."""

    ROLES: ClassVar[dict[str, tuple[str, str | None]]] = {
        "member": ("LV", "Marta Member"),
        "newcomer": ("LV", "Nils Newcomer"),
        "reader": ("LV", None),
        "mod_lv": ("LV", None),
        "mod_si": ("SI", None),
        "admin": ("LV", None),
    }

    def __init__(self, app, make_user):
        super().__init__()
        self.app, self.make_user = app, make_user

    def __missing__(self, key: str) -> str:
        country, name = self.ROLES[key]
        email = f"{key.replace('_', '.')}@example.org"
        self.make_user(email, roles=("admin",) if key == "admin" else (), country=country, name=name)
        if key.startswith("mod_"):
            with self.app.app_context():
                grant_role(user_by(email), "partner_admin", "lv-LV" if key == "mod_lv" else "sl-SI", None)
                db.session.commit()  # as the request granting it would
        self[key] = email
        return email


@pytest.fixture
def people(app, make_user):
    """people["member"], ["newcomer"], ["reader"], ["mod_lv"] (partner admin lv-LV), ["mod_si"], ["admin"]."""
    return People(app, make_user)


def user_by(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def write_post(app):
    """write_post(email, title=…, **fields) → post id, through posts.create_post (trusted or not)."""

    def write(
        email: str,
        title: str = "Work practice in a reuse centre",
        *,
        kind="offer",
        body="Some text.",
        country="LV",
        region="",
        language="en",
        tags="",
        organisation_id=None,
        event_date=None,
        event_start=None,
        event_end=None,
        event_place="",
        publish=True,
    ) -> int:
        with app.app_context():
            author = user_by(email)
            fields = posts.PostFields(
                kind=kind,
                title=title,
                body=body,
                country=country,
                region=region,
                language=language,
                tags=tags,
                organisation_id=organisation_id,
                event_date=event_date,
                event_start=event_start,
                event_end=event_end,
                event_place=event_place,
            )
            post = posts.create_post(author, fields)
            if publish and post.status != "published":
                post.status = "published"
            db.session.commit()  # as the request writing it would
            return post.id

    return write


@pytest.fixture
def trusted(people, write_post):
    """The member has one published post already, so their next ones publish at once."""
    write_post(people["member"], "An earlier post of the member")
    return people


def client_for(app, email: str):
    client = app.test_client()
    sign_in(client, email)
    return client


EVENT = {
    "kind": "event",
    "event_date": date(2031, 5, 14),
    "event_start": time(10, 0),
    "event_end": time(12, 30),
    "event_place": "Ptuj, Slovenski trg 1",
}
