"""The learner's whole path in Chromium, guided by "Next" alone (issue #22), at 1280 and at 360 px.

Register, confirm by mail, enrol in the Latvian version of a course that adds a unit of its
own, read every unit by pressing "Next", fail a quiz and try again, pass it, finish the course
and open the certificate. Every page on the way shows the same figures, counted from the
learner's version (4 units, where the original has 3), and has no WCAG violation (axe-core)
and no sideways scrolling at the width of the run.
"""

from __future__ import annotations

import re

import pytest

from elearn.core.transaction import unit_of_work
from tests.browser.conftest import NARROW, WIDE, axe_violations, new_context, sign_in

SLUG = "guided-path"
QUIZ = """\
---
kind: quiz
title: Check
pass_mark: 100
attempts: 2
---
## Purpose

What comes first in a social enterprise?

- [x] The social aim
  > It is why the enterprise exists.
- [ ] Profit for shareholders
  > Think again about why it exists.
"""
FILES = {
    "course.md": "---\ntitle: Guided path\nsummary: A short course.\nlanguage: en\n---\nWelcome.\n",
    "01-start/module.md": "---\ntitle: Getting started\n---\nThe start.\n",
    "01-start/01-idea.md": "---\nkind: lesson\ntitle: The idea\n---\nAn idea.\n",
    "01-start/03-check.md": QUIZ,
    "02-next/module.md": "---\ntitle: Going on\n---\nThe rest.\n",
    "02-next/01-people.md": "---\nkind: lesson\ntitle: People\n---\nPeople.\n",
    # the Latvian version adds a unit of its own to the first module: 4 units, the original has 3
    "locales/lv-LV/course.md": "---\ntitle: Ceļš\n---\nLaipni lūdzam.\n",
    "locales/lv-LV/01-start/02-riga.md": "---\nkind: lesson\ntitle: Rīgā\n---\nTikai Latvijā.\n",
}


@pytest.fixture(scope="module")
def course(live_server, tmp_path_factory):
    from elearn.courses.importer import sync_tree

    root = tmp_path_factory.mktemp("guided") / SLUG
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    with live_server.app.app_context(), unit_of_work():
        report = sync_tree(root)
        assert report.ok, report.problems
    return SLUG


class Walk:
    """One learner's page: every page reached is checked with axe-core at the run's width."""

    def __init__(self, page, axe, width: int):
        self.page, self.axe, self.width = page, axe, width

    def main(self) -> str:
        self.page.wait_for_load_state()
        violations = axe_violations(self.axe, self.page)
        assert not violations, f"{self.page.url} at {self.width} px:\n" + "\n".join(violations)
        overflow = self.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= self.width, f"{self.page.url}: {overflow} px wide at {self.width} px"
        return " ".join(self.page.locator("main").inner_text().split())

    def press(self, role: str, name: str) -> str:
        self.page.get_by_role(role, name=name).first.click()
        return self.main()

    def units(self) -> dict[str, str]:
        """The module page's list: each unit's title and its state."""
        items = self.page.locator(".unit-list li")
        return {
            items.nth(i).locator("a").inner_text(): items.nth(i).locator(".unit-state").inner_text()
            for i in range(items.count())
        }


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "360px"])
def test_register_read_by_next_alone_fail_retry_pass_and_get_the_certificate(
    browser, live_server, axe, course, viewport
):
    email = f"guided-{viewport['width']}@example.org"
    context = new_context(browser, live_server, viewport=viewport)
    walk = Walk(context.new_page(), axe, viewport["width"])
    page = walk.page

    # register, confirm with the link in the mail, sign in
    page.goto("/register")
    page.get_by_label("Name").fill("Ilze Kalna")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("amber coast at dawn")
    page.get_by_label("Country").select_option("LV")
    page.get_by_role("button", name="Create account").click()
    walk.main()
    page.goto(live_server.mailbox.link_in(email))
    sign_in(page, email, "amber coast at dawn")

    # enrol in the Latvian version: 4 units
    page.goto(f"/courses/{course}/?variant=lv-LV")
    walk.main()
    text = walk.press("button", "Enrol in this course")
    assert "0 of 4 units done" in text and "0 of 3 units done" in text and "0 of 1 unit done" in text

    # the first module: three units, none done
    page.get_by_role("link", name="Getting started").click()
    text = walk.main()
    assert "0 of 3 units done" in text
    assert walk.units() == {"The idea": "not done yet", "Rīgā": "not done yet", "Check": "not done yet"}

    # read by "Next" alone
    page.get_by_role("link", name="The idea").click()
    assert "unit 1 of 3" in walk.main().casefold()  # the kind's line is in capitals on screen
    text = walk.press("button", "Next: Rīgā")
    assert "unit 2 of 3" in text.casefold() and "Rīgā" in text
    text = walk.press("button", "Next: Check")
    assert "unit 3 of 3" in text.casefold() and "You have 2 attempts left." in text
    page.goto("/me/")
    assert "2 of 4 units done" in walk.main()
    page.goto(f"/courses/{course}/start/")
    assert "2 of 3 units done" in walk.main()
    assert walk.units() == {"The idea": "done", "Rīgā": "done", "Check": "not done yet"}

    # fail the quiz: feedback, no right answer, one attempt left, try again
    page.get_by_role("link", name="Check").click()
    walk.main()
    walk.press("button", "Start an attempt")
    page.locator("label", has_text="Profit for shareholders").click()  # the answer's label is its target
    text = walk.press("button", "Submit answers")
    assert "Your score: 0%" in text and "Think again about why it exists." in text
    assert "Right answer:" not in text and "You have 1 attempt left." in text
    assert "Continue:" not in text
    walk.press("button", "Try again")
    page.locator("label", has_text="The social aim").click()
    text = walk.press("button", "Submit answers")
    assert "You passed." in text and "Right answer:" in text and "You have used all your attempts" in text

    # go on to the second module and finish the course by "Next"
    text = walk.press("link", "Continue: Going on")
    assert "0 of 1 unit done" in text
    page.get_by_role("link", name="People").click()
    assert "unit 1 of 1" in walk.main().casefold()
    text = walk.press("button", "Finish: back to the course")
    assert "Congratulations: you have completed the course!" in text
    assert "4 of 4 units done" in text and text.count("Module complete") == 2

    # /me/: the certificate first, the course complete, no "continue"
    page.goto("/me/")
    text = walk.main()
    assert "4 of 4 units done" in text and "Completed on" in text
    assert "Continue where you left off" not in text
    dates = re.findall(r"Completed on (\w{3} \d{1,2}, \d{4})", text)  # one format: the certificate's, the course's
    assert text.index("My certificates") < text.index("4 of 4 units done") and len(set(dates)) == 1 == len(dates) - 1
    text = walk.press("link", "Show and share")
    assert "This certificate is valid" in text and "Ilze Kalna" in text
    context.close()
    assert not context.requests.foreign, context.requests.foreign
