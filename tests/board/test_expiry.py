"""Offers and requests are shown until a day: then they leave the board, its feeds and digests; the author extends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import feedparser
import pytest
import time_machine

from elearn.board import posts
from elearn.board.errors import BoardError
from elearn.board.models import Post
from elearn.extensions import db
from tests.board.conftest import client_for, user_by
from tests.board.test_search import titles
from tests.conftest import post_form

TODAY = date(2031, 3, 1)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_an_offer_is_shown_for_three_months_and_an_event_until_its_day(app, trusted, write_post, frozen):
    offer = write_post(trusted["member"], "Bags for sale", kind="offer")
    job = write_post(trusted["member"], "A job", kind="job")
    with app.app_context():
        assert db.session.get(Post, offer).expires_on == TODAY + timedelta(days=90)
        assert db.session.get(Post, job).expires_on is None


def test_an_expired_offer_leaves_the_board_and_the_feed_but_its_page_says_so(app, client, trusted, write_post):
    with time_machine.travel(TODAY, tick=False):
        offer = write_post(trusted["member"], "Bags for sale", kind="offer")
        write_post(trusted["member"], "A request for tables", kind="request")
    on_the_last_day = TODAY + timedelta(days=90)
    with time_machine.travel(on_the_last_day, tick=False):
        assert "Bags for sale" in titles(client)
    with time_machine.travel(on_the_last_day + timedelta(days=1), tick=False):
        assert titles(client) == []  # the member's earlier offer (of 2026) has expired too
        feed = feedparser.parse(client.get("/board/feed.atom").get_data())
        assert feed.entries == []
        page = client.get(f"/board/posts/{offer}").get_data(as_text=True)
        assert "This post expired on May 30, 2031" in page

        author = client_for(app, trusted["member"])
        assert "expired on May 30, 2031" in author.get("/board/me/posts").get_data(as_text=True)
        extended = post_form(author, f"/board/posts/{offer}/extend", page_url=f"/board/posts/{offer}")
        assert extended.status_code == 302
        assert "Bags for sale" in titles(client)  # three months from today, as it had expired
        with app.app_context():
            assert db.session.get(Post, offer).expires_on == on_the_last_day + timedelta(days=91)
        reader = client_for(app, trusted["reader"])
        assert post_form(reader, f"/board/posts/{offer}/extend", page_url=f"/board/posts/{offer}").status_code == 403


def test_the_author_chooses_the_day_within_a_year(app, trusted, frozen):
    fields = posts.PostFields(
        kind="request", title="Tables", body="We need tables.", country="LV", region="", language="en", tags=""
    )
    with app.app_context():
        author = user_by(trusted["member"])
        post = posts.create_post(
            author, posts.PostFields(**{**fields.__dict__, "expires_on": TODAY + timedelta(days=10)})
        )
        assert post.expires_on == TODAY + timedelta(days=10)
        for wrong in (TODAY, TODAY + timedelta(days=367)):
            with pytest.raises(BoardError, match="between tomorrow and a year"):
                posts.create_post(author, replace(fields, expires_on=wrong))
        posts.extend_post(author, post)
        assert post.expires_on == TODAY + timedelta(days=100)
        db.session.rollback()


def test_the_form_keeps_the_day_and_refuses_a_past_one(app, trusted, frozen):
    member = client_for(app, trusted["member"])
    data = {"kind": "offer", "title": "Bags", "body": "Bags.", "country": "LV", "language": "en", "tags": ""}
    refused = post_form(member, "/board/posts/new", {**data, "expires_on": "2031-02-01"})
    assert refused.status_code == 400
    assert "Choose a day between tomorrow and a year from now." in refused.get_data(as_text=True)
    assert 'value="2031-02-01"' in refused.get_data(as_text=True)
    assert post_form(member, "/board/posts/new", {**data, "expires_on": "2031-04-01"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Post.expires_on).where(Post.title == "Bags")) == date(2031, 4, 1)
