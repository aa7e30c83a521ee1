"""The Arabic interface in Chromium: right to left from the locale, no WCAG violation (axe-core),
no sideways scrolling, and the English course text inside it left to right (issue #23).

Screenshots at both widths are kept for people to look at: in the folder RTL_SCREENSHOTS names,
else in a temporary one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import (
    COURSE,
    FIRST_MODULE,
    NARROW,
    WIDE,
    axe_violations,
    complete_modules,
    new_context,
    sign_in,
)

ARABIC_LEARNER = "layla@example.org"
UNIT = f"/courses/{COURSE}/{FIRST_MODULE}/definitions/"
VIDEO = f"/courses/{COURSE}/business-models-and-social-activation/interview-social-worker/"


@pytest.fixture(scope="module")
def arabic_learner(live_server, browser):
    """A learner whose interface language is Arabic, who completed the demo course (a certificate)."""
    user_id = live_server.make_user(ARABIC_LEARNER, name="ليلى حداد", language="ar")
    complete_modules(live_server.app, user_id, COURSE)
    context = new_context(browser, live_server)
    page = context.new_page()
    sign_in(page, ARABIC_LEARNER)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("RTL_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("rtl-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check(page, axe, shot: Path) -> tuple[list[str], list[str], int]:
    """axe-core's violations at 1280 and at 360 px, and how wide the page is at 360 px."""
    page.set_viewport_size(WIDE)
    wide = axe_violations(axe, page)
    page.screenshot(path=f"{shot}-1280.png", full_page=True)
    page.set_viewport_size(NARROW)
    narrow = axe_violations(axe, page)
    page.screenshot(path=f"{shot}-360.png", full_page=True)
    return wide, narrow, page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(
    ("path", "heading"),
    [(UNIT, None), (VIDEO, None), ("/me/", "تعلّمي"), ("/accessibility", "بيان إمكانية الوصول")],
    ids=["unit page", "interview with captioned video", "my learning", "accessibility statement"],
)
def test_arabic_pages_are_right_to_left_and_pass_axe(browser, live_server, arabic_learner, axe, shots, path, heading):
    context = new_context(browser, live_server, storage_state=arabic_learner)
    try:
        page = context.new_page()
        assert page.goto(path).status == 200
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        if heading:
            assert page.locator("main h1").inner_text() == heading
        if path == "/me/":  # the certificate's English title and its address keep their own direction
            assert page.locator("main h3[lang=en]").first.get_attribute("dir") == "ltr"
            assert page.locator("input.copy-text").first.get_attribute("dir") == "ltr"
        if heading is None:  # the course is English: its text is marked and set left to right inside the Arabic page
            article = page.locator("main article")
            assert (article.get_attribute("lang"), article.get_attribute("dir")) == ("en", "ltr")
            assert page.evaluate("getComputedStyle(document.querySelector('main article')).direction") == "ltr"
        # The start side is the right: the skip link is placed from the right edge.
        assert page.locator(".skip-link").evaluate("el => getComputedStyle(el).right") != "auto"
        wide, narrow, width = _check(page, axe, shots / path.strip("/").replace("/", "-"))
    finally:
        context.close()
    assert not wide, "at 1280 px:\n" + "\n".join(wide)
    assert not narrow, "at 360 px:\n" + "\n".join(narrow)
    assert width <= NARROW["width"], f"{width} px wide at 360 px"
    assert not context.requests.foreign, f"requests to other hosts: {context.requests.foreign}"
