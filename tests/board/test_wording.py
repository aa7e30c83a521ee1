"""What the board says: web addresses, country names, the relayed mail, one date format per locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from elearn.board import dates
from elearn.board.forms import complete_url
from elearn.board.models import Organisation, Post
from elearn.extensions import db
from tests.board.conftest import client_for, user_by
from tests.board.test_organisations import DECLARATION
from tests.conftest import post_form


def speaks(app, email: str, language: str) -> None:
    with app.app_context():
        user_by(email).language = language
        db.session.commit()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("example.org", "https://example.org"),
        ("www.eko-prlekija.si/o-nas", "https://www.eko-prlekija.si/o-nas"),
        ("  http://old.example.lv ", "http://old.example.lv"),
        ("https://example.org/x?y=1", "https://example.org/x?y=1"),
        ("//cdn.example.org", "https://cdn.example.org"),
    ],
)
def test_a_site_typed_without_https_is_completed(app, people, typed, stored):
    member = client_for(app, people["member"])
    response = post_form(member, "/board/organisations/join", {**DECLARATION, "website": typed})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        assert db.session.scalar(db.select(Organisation.website)) == stored


@pytest.mark.parametrize("typed", ["not a site", "javascript:alert(1)", "ftp://example.org", "example"])
def test_a_wrong_web_address_gets_one_message_in_one_language(app, people, typed):
    speaks(app, people["member"], "lv")
    member = client_for(app, people["member"])
    response = post_form(member, "/board/organisations/join", {**DECLARATION, "website": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Invalid URL" not in page  # WTForms' own message, never translated into Latvian
    errors = re.findall(r'id="website-error"[^>]*>(.*?)</', page, re.S)
    assert errors and len(errors) == 1, errors


def test_complete_url_leaves_other_schemes_for_the_validator():
    assert complete_url("mailto:a@example.org") == "mailto:a@example.org"
    assert complete_url("") == "" and complete_url(None) == ""


def test_the_declaration_thanks_name_the_country(app, people):
    member = client_for(app, people["member"])
    response = post_form(member, "/board/organisations/join", DECLARATION, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "A moderator for Slovenia will look at your declaration" in page
    assert "for SI " not in page


def test_the_relayed_answer_tells_the_reader_it_is_about_the_authors_post(app, trusted, write_post, mailbox):
    post_id = write_post(trusted["member"], "We host work practice", country="LV")
    reader = client_for(app, trusted["reader"])
    post_form(reader, f"/board/posts/{post_id}/contact", {"body": "Could we send two participants in May?"})
    to_author = mailbox.last_to(trusted["member"]).get_body(("plain",)).get_content()
    assert "wrote to you about your post “We host work practice”" in to_author
    answer_url = re.search(r"http://localhost(/board/messages/\d+)", to_author).group(1)
    post_form(client_for(app, trusted["member"]), answer_url, {"body": "Yes, from the 5th. Welcome!"})
    to_reader = mailbox.last_to(trusted["reader"]).get_body(("plain",)).get_content()
    assert "about your post" not in to_reader
    assert "answered you about their post “We host work practice”" in to_reader


MOMENT = datetime(2026, 12, 7, 18, 42, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "day", "moment", "event", "times"),
    [
        ("en", "Dec 7, 2026", "Dec 7, 2026, 6:42\u202fPM", "May 14, 2031", "10:00\u202fAM–12:30\u202fPM"),
        ("lv", "2026. gada 7. dec.", "2026. gada 7. dec. 18:42", "2031. gada 14. maijs", "10:00–12:30"),
        ("sl", "7. dec. 2026", "7. dec. 2026, 18:42", "14. maj 2031", "10:00–12:30"),
    ],
)
def test_one_date_format_per_locale_on_every_board_page(app, trusted, write_post, language, day, moment, event, times):
    speaks(app, trusted["reader"], language)
    with time_machine.travel(MOMENT, tick=False):
        post_id = write_post(
            trusted["member"],
            "Conference in Ptuj",
            kind="event",
            event_date=date(2031, 5, 14),
            event_start=time(10),
            event_end=time(12, 30),
            event_place="Ptuj",
        )
        reader = client_for(app, trusted["reader"])
        replied = post_form(
            reader, f"/board/posts/{post_id}/replies", {"body": "See you there."}, page_url=f"/board/posts/{post_id}"
        )
        assert replied.status_code == 302
        page = reader.get(f"/board/posts/{post_id}").get_data(as_text=True)
        listing = reader.get("/board/").get_data(as_text=True)
    assert f">{day}</time>" in page  # the post's day
    assert f">{moment}</time>" in page  # the reply's moment
    assert f">{event}, {times}</time>" in page  # the event, in the same date format
    assert f">{day}</time>" in listing


def test_the_formats_in_python(app):
    with app.test_request_context("/?lang=lv"):
        assert dates.board_datetime(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "2026. gada 31. dec. 23:30"
        assert dates.board_date(date(2026, 12, 31)) == "2026. gada 31. dec."
        assert dates.board_date(None) == dates.board_datetime(None) == dates.board_time(None) == ""


def test_the_saved_filters_name_is_not_a_persons_name(app, people):
    speaks(app, people["member"], "lv")
    member = client_for(app, people["member"])
    page = member.get("/board/?q=reuse").get_data(as_text=True)
    assert "Vārds, uzvārds" not in page  # a person's name and surname, in Latvian


def test_posts_are_unchanged_by_the_date_filters(app, trusted, write_post):
    post_id = write_post(trusted["member"], "Plain post")
    with app.app_context():
        assert db.session.get(Post, post_id).title == "Plain post"
