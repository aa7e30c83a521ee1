"""An XSS corpus through every field the board shows back: pages, feed, calendar and mail stay inert."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest

from tests.board.conftest import client_for
from tests.conftest import post_form

PAYLOADS = [
    '<script>alert("x1")</script>',
    '<img src=x onerror=alert("x2")>',
    '"><svg onload=alert("x3")>',
    "<a href=\"javascript:alert('x4')\">link</a>",
    "[click](javascript:alert('x5'))",
    '<iframe src="https://evil.example/x6"></iframe>',
    "' onmouseover='alert(\"x7\")",
    "<style>body{display:none}</style>x8",
    "<details open ontoggle=alert('x9')>",
]

FORBIDDEN_ELEMENTS = {"script", "svg", "iframe", "style", "details", "img", "object", "embed"}


def assert_inert(page: str, where: str) -> None:
    """Parse as a browser would: no element or attribute a payload could have added may exist.

    The pages themselves use none of these elements but their own menus and icons, and no
    event-handler attributes, so any other found came from user input.
    """
    document = html5lib.parse(page, namespaceHTMLElements=False)
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        assert tag not in FORBIDDEN_ELEMENTS or _the_layouts(element), f"{where}: <{tag}> {element.attrib}"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: <{tag} {name}={value!r}>"
            if name in {"href", "src", "action", "formaction"}:
                assert not value.strip().lower().startswith(("javascript:", "data:")), f"{where}: {name}={value!r}"
                assert urlsplit(value).hostname != "evil.example", f"{where}: {name}={value!r}"


def _the_layouts(element) -> bool:
    """The page's own menus and icons: a <details> that opens with its <summary> (no payload has
    one), an icon hidden from screen readers (the payload's <svg> is not)."""
    if element.tag == "details":
        return len(element) > 0 and element[0].tag == "summary"
    return element.tag == "svg" and element.get("aria-hidden") == "true"


@pytest.fixture
def no_rate_limits(app):
    """Many posts from one account in a second: the limits have their own test."""
    from elearn.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = True


def test_every_field_shown_back_is_escaped_or_sanitised(app, people, mailbox, no_rate_limits):
    admin = client_for(app, people["admin"])  # trusted: publishes at once
    for number, payload in enumerate(PAYLOADS):
        org = post_form(
            admin,
            "/board/organisations/join",
            {
                "name": f"Org {number} {payload}",
                "legal_form": "ngo",
                "country": "LV",
                "region": payload,
                "website": "",
                "areas": ["skills"],
                "description": payload,
                "address": payload,
                "tax_number": payload[:40],
                "responsible_person": payload,
                "responsible_function": payload,
                "primary_area": "skills",
                "agree": "y",
            },
        )
        assert org.status_code == 302, org.get_data(as_text=True)[:2000]
        slug = org.headers["Location"].rsplit("/", 1)[1]
        declaration = admin.get("/board/moderation/").get_data(as_text=True)
        assert_inert(declaration, "moderation queue")
        declaration_url = re.search(r'href="(/board/moderation/organisations/\d+)"', declaration).group(1)
        assert_inert(admin.get(declaration_url).get_data(as_text=True), "declaration")
        post_form(admin, declaration_url, {"reason": payload, "approve": "Approve"})
        org_id = int(
            re.search(r'value="(\d+)">Org ' + str(number), admin.get("/board/posts/new").get_data(as_text=True)).group(
                1
            )
        )
        response = post_form(
            admin,
            "/board/posts/new",
            {
                "kind": "event",
                "title": f"T{number} {payload}"[:200],
                "body": payload,
                "country": "LV",
                "region": payload,
                "language": "en",
                "tags": "",
                "organisation_id": str(org_id),
                "event_date": "2031-01-01",
                "event_start": "10:00",
                "event_place": payload,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        post_url = response.headers["Location"]
        post_id = int(post_url.rsplit("/", 1)[1])
        post_form(admin, f"{post_url}/replies", {"body": payload}, page_url=post_url)
        post_form(admin, f"{post_url}/report", {"reason": payload})
        post_form(admin, f"/board/moderation/posts/{post_id}/hide", {"reason": payload})
        post_form(admin, f"/board/moderation/posts/{post_id}/restore", {"reason": payload})
        post_form(
            admin,
            "/board/me/filters",
            {"name": payload, "frequency": "daily", "query": f"q={payload}"},
            page_url="/board/",
        )
        for url in (
            post_url,
            f"/board/organisations/{slug}",
            "/board/organisations/",
            "/board/",
            "/board/moderation/",
            "/board/moderation/log",
            "/board/me/filters",
            f"/board/?q={payload}",
            f"/board/?tag={payload}",
            f"/board/moderation/posts/{post_id}/hide",
            f"/board/organisations/{slug}/edit",
            f"{post_url}/edit",
        ):
            assert_inert(admin.get(url).get_data(as_text=True), url)
            assert_inert(app.test_client().get(url).get_data(as_text=True), "anonymous " + url)
        feed = admin.get("/board/feed.atom").get_data(as_text=True)
        parsed = feedparser.parse(feed)
        assert not parsed.bozo
        for entry in parsed.entries:  # entry HTML, once unescaped by a reader, is the sanitised body
            assert_inert(entry.content[0].value, "feed entry")
            assert entry.title_detail.type == "text/plain"  # the title is text: a reader shows it literally
        assert "<script" not in feed and "<img" not in feed  # the XML itself carries only escaped markup
        calendar = admin.get("/board/events.ics").get_data(as_text=True)
        assert "BEGIN:VEVENT" in calendar and "\nBEGIN:VALARM" not in calendar  # a payload cannot add components

    # a message through the relay: the page shows it escaped
    reader = client_for(app, people["reader"])
    post_form(reader, f"/board/posts/{post_id}/contact", {"body": PAYLOADS[0] + " and more text"})
    link = re.search(
        r"http://localhost(/board/messages/\d+)", mailbox.last_to(people["admin"]).get_body(("plain",)).get_content()
    ).group(1)
    assert_inert(admin.get(link).get_data(as_text=True), "message")
