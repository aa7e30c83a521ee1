"""The Atom feed and the iCalendar files, read back with real parsers (feedparser, icalendar)."""

from __future__ import annotations

from datetime import date, time, timedelta

import feedparser
from icalendar import Calendar

from tests.board.conftest import EVENT


def test_atom_feed_for_any_filter_parses(app, client, people, write_post):
    write_post(
        people["member"],
        "Reuse centre hosts work practice",
        body="We **repair** furniture.",
        country="SI",
        kind="job",
        tags="reuse",
    )
    write_post(people["member"], "Catering cooperative", country="LV", kind="offer")
    response = client.get("/board/feed.atom?country=SI")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Reuse centre hosts work practice"]
    entry = feed.entries[0]
    assert entry.link.startswith("http://localhost/board/posts/")
    assert "<strong>repair</strong>" in entry.content[0].value
    assert {t.term for t in entry.tags} == {"job", "reuse"}
    assert entry.author == "Marta Member" and "@" not in response.get_data(as_text=True).replace(
        "http://www.w3.org/2005/Atom", ""
    )
    everything = feedparser.parse(client.get("/board/feed.atom").data)
    assert len(everything.entries) == 2 and everything.feed.title == "elearn board"
    assert 'type="application/atom+xml"' in client.get("/board/?country=SI").get_data(as_text=True)


def test_events_as_icalendar(app, client, people, write_post):
    post_id = write_post(
        people["member"], "Conference on social activation", country="SI", body="Hidden labour market.", **EVENT
    )
    write_post(people["member"], "Not an event", country="SI")
    write_post(people["member"], "Old fair", country="SI", **{**EVENT, "event_date": date.today() - timedelta(400)})
    response = client.get("/board/events.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Conference on social activation"]
    event = events[0]
    start = event.decoded("DTSTART")
    assert (start.date(), start.time(), str(start.tzinfo)) == (date(2031, 5, 14), time(10), "Europe/Ljubljana")
    assert event.decoded("DTEND").time() == time(12, 30)
    assert str(event["LOCATION"]) == "Ptuj, Slovenski trg 1"
    assert "Hidden labour market." in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"board-post-{post_id}@localhost"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Ljubljana"]

    single = Calendar.from_ical(client.get(f"/board/posts/{post_id}.ics").data)
    assert [str(e["SUMMARY"]) for e in single.walk("VEVENT")] == ["Conference on social activation"]
    assert Calendar.from_ical(client.get("/board/events.ics?country=LV").data).walk("VEVENT") == []
    assert client.get(f"/board/posts/{post_id + 1}.ics").status_code == 404  # not an event


def test_feeds_show_published_posts_only(app, client, people, write_post):
    write_post(people["newcomer"], "Waiting for approval", publish=False, **EVENT)
    assert feedparser.parse(client.get("/board/feed.atom").data).entries == []
    assert Calendar.from_ical(client.get("/board/events.ics").data).walk("VEVENT") == []
