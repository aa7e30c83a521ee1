"""Tags that keep phrases, saved filters that show what they select, digests with excerpts and event dates."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from elearn.board import posts, saved_filters
from elearn.board.errors import BoardError
from elearn.board.filters import BoardFilter
from elearn.core.models import utcnow
from elearn.extensions import db
from tests.board.conftest import client_for, user_by
from tests.board.test_search import titles


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        ("zaļais iepirkums, reuse", ["zaļais iepirkums", "reuse"]),
        ("  Zaļais   Iepirkums ;#Youth", ["zaļais iepirkums", "youth"]),
        ("work-practice\nsocial economy", ["work-practice", "social economy"]),
        ("reuse, reuse", ["reuse"]),
        ("", []),
    ],
)
def test_tags_keep_their_phrases(typed, tags):
    assert posts.parse_tags(typed) == tags


@pytest.mark.parametrize("typed", ["-x", "x" * 41, "eu/projects", "a . b"])
def test_a_wrong_tag_is_refused_by_name(typed):
    with pytest.raises(BoardError, match="A tag is a word or a few words"):
        posts.parse_tags(typed)


def test_a_phrase_tag_links_to_its_posts(app, client, trusted, write_post):
    write_post(trusted["member"], "Green procurement workshop", tags="zaļais iepirkums, reuse")
    write_post(trusted["member"], "Another post", tags="zaļais, iepirkums")
    page = client.get("/board/").get_data(as_text=True)
    link = re.search(r'href="(/board/\?tag=[^"]+)">#zaļais iepirkums<', page).group(1)
    assert titles(client, link.removeprefix("/board/").replace("&amp;", "&")) == ["Green procurement workshop"]
    assert titles(client, "?tag=Zaļais+Iepirkums") == ["Green procurement workshop"]


def test_my_saved_filters_say_what_each_one_selects(app, trusted):
    with app.app_context():
        reader = user_by(trusted["reader"])
        saved_filters.save_filter(reader, "Jobs", BoardFilter(kind="job", country="SI", q="reuse"), "weekly")
        saved_filters.save_filter(reader, "Everything", BoardFilter(), "off")
        saved_filters.save_filter(reader, "Green", BoardFilter(tag="zaļais iepirkums", upcoming=True), "daily")
        db.session.commit()
    page = client_for(app, trusted["reader"]).get("/board/me/filters").get_data(as_text=True)
    blocks = re.findall(r'<dl class="facts filter-criteria">(.*?)</dl>', page, re.S)
    criteria = {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip() for block in blocks}
    assert criteria == {
        "Search reuse Kind Work practice or job Country Slovenia",
        "Posts Every post",
        "Tag #zaļais iepirkums Events Upcoming events only",
    }


def test_the_digest_shows_an_excerpt_and_the_event_date(app, trusted, write_post, mailbox, runner):
    with app.app_context():
        saved = saved_filters.save_filter(user_by(trusted["reader"]), "Slovenia", BoardFilter(country="SI"), "daily")
        saved.last_sent_at = utcnow() - timedelta(days=1)
        db.session.commit()
    write_post(
        trusted["member"],
        "Conference on social activation",
        kind="event",
        country="SI",
        body="Two days of **workshops** on the hidden labour market, for social workers and employers. " * 5,
        event_date=date(2031, 5, 14),
        event_start=time(9, 30),
        event_end=time(17),
        event_place="Ptuj, Slovenski trg 1",
    )
    result = runner.invoke(args=["board", "digest", "--url", "http://localhost"])
    assert result.exit_code == 0, result.output
    text = mailbox.last_to(trusted["reader"]).get_body(("plain",)).get_content()
    assert "When: May 14, 2031, 9:30\u202fAM–5:00\u202fPM · Ptuj, Slovenski trg 1" in text
    assert "Two days of workshops on the hidden labour market" in text  # markdown gone, text kept
    assert "**" not in text and "…" in text  # an excerpt, not the whole text
    excerpt = re.search(r"Two days of.*?…", text, re.S).group(0)
    assert len(excerpt) < 300


def test_a_post_with_phrase_tags_is_searchable_by_them(client, trusted, write_post):
    write_post(trusted["member"], "A post", tags="zaļais iepirkums", language="lv")
    assert titles(client, "?q=iepirkumi") == ["A post"]
