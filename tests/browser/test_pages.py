"""Every main page, as a person would see it, checked by axe-core at 1280 px and at 360 px wide.

axe-core (the copy shipped by the ``axe-playwright-python`` package) runs with the rules
tagged wcag2a, wcag2aa, wcag21a and wcag21aa: no violation is allowed, and no rule is
switched off. At 360 px the page must not scroll sideways. The ``context`` helpers fail
a test whose page asked any other host than the live server for anything.

A page is a path, or a function that brings the page to the state to check (a form
sent with mistakes, a preview shown), opened by the user named in ``who``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.browser.conftest import (
    COURSE,
    FIRST_MODULE,
    NARROW,
    QUIZ,
    axe_violations,
    new_context,
)

UNIT = f"/courses/{COURSE}/{FIRST_MODULE}"
VIDEO = f"/courses/{COURSE}/business-models-and-social-activation/interview-social-worker/"


@dataclass
class Page:
    name: str
    who: str | None  # Scenery attribute of the signed-in user, or None for a visitor
    open: str | Callable  # a path (may use {certificate_id}, {cohort_id}) or open(page, scenery)
    needs: str | None = None  # a Scenery attribute that must be set (a domain that may not exist yet)


def register_with_mistakes(page, _scenery):
    page.goto("/register")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("alert").wait_for()


def login_with_mistakes(page, _scenery):
    page.goto("/login")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()


def profile_with_mistakes(page, _scenery):
    page.goto("/me/profile")
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_role("alert").wait_for()


EDITOR = f"/localise/{COURSE}/lv-LV/{FIRST_MODULE}/definitions/"


def editor_preview(page, _scenery):
    page.goto(EDITOR)
    page.get_by_label("Text (markdown)").fill("## Definīcijas\n\nSociālais uzņēmums ir *uzņēmums*.")
    page.get_by_role("button", name="Preview").click()
    page.locator("#live-preview em").wait_for()


def editor_with_mistakes(page, _scenery):
    page.goto(EDITOR)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("alert").wait_for()


def board_post_with_mistakes(page, _scenery):
    page.goto("/board/posts/new")
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("alert").wait_for()


PAGES = [
    Page("catalogue", None, "/courses/"),
    Page("course", None, f"/courses/{COURSE}/"),
    Page("course, Latvian version, enrolled", "learner", f"/courses/{COURSE}/?variant=lv-LV"),
    Page("module", None, f"{UNIT}/"),
    Page("unit: lesson", "learner", f"{UNIT}/definitions/"),
    Page("unit: interview", None, f"{UNIT}/interview-information-point/"),
    Page("unit: interview with captioned video", None, VIDEO),
    Page("unit: interview with captioned video, Latvian", None, f"{VIDEO}?variant=lv-LV&lang=lv"),
    Page(
        "unit: case story with figures", None, f"/courses/{COURSE}/business-models-and-social-activation/case-2sokrog/"
    ),
    Page("unit: quiz with attempts", "learner", f"{UNIT}/{QUIZ}/"),
    Page("quiz attempt form", "learner", f"/me/courses/{COURSE}/{FIRST_MODULE}/{QUIZ}/attempts/3/"),
    Page("quiz result, passed", "learner", f"/me/courses/{COURSE}/{FIRST_MODULE}/{QUIZ}/attempts/1/"),
    Page("quiz result, failed", "learner", f"/me/courses/{COURSE}/{FIRST_MODULE}/{QUIZ}/attempts/2/"),
    Page("/me/ with a certificate", "learner", "/me/"),
    Page("certificate verification", None, "/certificates/{certificate_id}"),
    Page("profile", "learner", "/me/profile"),
    Page("register with mistakes", None, register_with_mistakes),
    Page("login with mistakes", None, login_with_mistakes),
    Page("profile with mistakes", "learner", profile_with_mistakes),
    Page("localisation overview", "partner", "/localise/"),
    Page("localisation status", "partner", f"/localise/{COURSE}/lv-LV/"),
    Page("localisation editor with preview", "partner", editor_preview),
    Page("localisation editor with mistakes", "partner", editor_with_mistakes),
    Page("cohort list", "lead", "/cohorts/", needs="cohort_id"),
    Page("cohort dashboard", "lead", "/cohorts/{cohort_id}/", needs="cohort_id"),
    Page("cohort invitations", "lead", "/cohorts/{cohort_id}/invite", needs="cohort_id"),
    Page("board", None, "/board/", needs="board"),
    Page("board post form with mistakes", "learner", board_post_with_mistakes, needs="board"),
    Page("accessibility statement", None, "/accessibility"),
    Page("page not found", None, "/courses/no-such-course/"),
]


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_page_has_no_wcag_violation_at_1280_and_360_px(spec, browser, live_server, scenery, axe):
    if spec.needs == "board" and "board.index" not in live_server.app.view_functions:
        pytest.skip("the board (elearn/board) is not registered in elearn/__init__.py yet")
    elif spec.needs and spec.needs != "board" and getattr(scenery, spec.needs) is None:
        pytest.fail(f"{spec.name}: the scenery has no {spec.needs}")
    who = getattr(scenery, spec.who) if spec.who else None
    context = new_context(browser, live_server, storage_state=scenery.state(who))
    try:
        page = context.new_page()
        if callable(spec.open):
            spec.open(page, scenery)
        else:
            response = page.goto(spec.open.format(certificate_id=scenery.certificate_id, cohort_id=scenery.cohort_id))
            assert response.status == (404 if spec.name == "page not found" else 200), page.url
        assert page.locator("main h1").count() == 1, "one h1 in main"
        wide = axe_violations(axe, page)
        page.set_viewport_size(NARROW)
        narrow = axe_violations(axe, page)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        culprits = [] if overflow <= NARROW["width"] else page.evaluate(WIDEST_ELEMENTS, NARROW["width"])
    finally:
        context.close()
    assert not wide, "at 1280 px:\n" + "\n".join(wide)
    assert not narrow, "at 360 px:\n" + "\n".join(narrow)
    assert overflow <= NARROW["width"], f"{overflow} px wide at 360 px; too wide: {culprits}"
    assert not context.requests.foreign, f"requests to other hosts: {context.requests.foreign}"


# The elements that stick out at the right edge, to say what makes a page scroll sideways.
WIDEST_ELEMENTS = """width => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > width + 0.5)
  .slice(0, 8)
  .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
       (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
       ' → ' + Math.round(el.getBoundingClientRect().right))"""


def test_the_statement_names_the_axe_core_release_the_pages_are_checked_with(live_server, axe):
    import re

    from elearn.core.views import AXE_CORE_VERSION

    installed = re.match(r"/\*! axe v([\d.]+)", axe.axe_script).group(1)
    assert installed == AXE_CORE_VERSION, "update AXE_CORE_VERSION in elearn/core/views.py and docs/accessibility.md"
    with live_server.app.test_client() as client:
        page = client.get("/accessibility").get_data(as_text=True)
    assert f"axe-core {installed}" in page and "wcag21aa" in page and "360" in page
    assert 'href="/accessibility"' in client.get("/courses/").get_data(as_text=True)  # linked from every footer
