"""People's journeys through the real app in Chromium, by keyboard where a person would use it.

"By keyboard" means what the test sends: Tab to move, Enter to follow a link or press a
button, Space to tick a box, the arrow keys to choose a radio button or a list option,
and typing into fields. No mouse click is sent in those parts.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    COURSE,
    FIRST_MODULE,
    QUIZ,
    complete_modules,
    focus_outline,
    new_context,
    press_until_focused,
    sign_in,
)


def tab_and_press(page, locator, key: str = "Enter") -> None:
    """Tab to ``locator`` (its focus must be visible), then press ``key``."""
    press_until_focused(page, locator)
    assert focus_outline(page) != "none", f"no visible focus on {locator}"
    page.keyboard.press(key)


def choose_radio(page, group: str, label: str) -> None:
    """Tab into a radio group, then the arrow keys until the wanted answer is checked."""
    target = page.get_by_label(label, exact=True)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.name === {group!r}"):
            break
    for _ in range(10):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {label!r} by keyboard")


def choose_option(page, select, value: str) -> None:
    """Tab to a list, then ArrowDown until the wanted option is chosen (the list stays closed)."""
    press_until_focused(page, select)
    for _ in range(10):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value!r} by keyboard")


def test_a_learner_registers_learns_a_module_by_keyboard_passes_the_quiz_and_gets_a_certificate(browser, live_server):
    email = "kristaps@example.org"
    context = new_context(browser, live_server)
    page = context.new_page()

    # register: the form, then the link in the confirmation mail
    page.goto("/register")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Name").fill("Kristaps Kalniņš")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("amber coast at dawn")
    choose_option(page, page.get_by_label("Country"), "LV")
    page.get_by_role("button", name="Create account").press("Enter")
    page.wait_for_load_state()
    page.goto(live_server.mailbox.link_in(email))
    sign_in(page, email, "amber coast at dawn")

    # enrol from the course page
    page.goto(f"/courses/{COURSE}/")
    tab_and_press(page, page.get_by_role("button", name="Enrol in this course"))
    page.wait_for_load_state()
    # the other modules are done through the services, to keep the journey short
    complete_modules(live_server.app, live_server.user_id(email), COURSE, skip=(FIRST_MODULE,))

    # the first module, unit by unit: open, mark done, next
    tab_and_press(
        page, page.get_by_role("region", name="Modules").get_by_role("link", name="What is a social enterprise?")
    )
    page.wait_for_url(f"**/{FIRST_MODULE}/")
    tab_and_press(page, page.locator(".unit-list a").first)
    for _ in range(3):
        page.wait_for_load_state()
        tab_and_press(page, page.get_by_role("button", name="Mark as done"), key="Space")
        page.get_by_text("You marked this as done.").wait_for()
        tab_and_press(page, page.locator("a[rel=next]"))
    page.wait_for_url(f"**/{QUIZ}/")

    # the quiz, answered by keyboard
    tab_and_press(page, page.get_by_role("button", name="Start an attempt"))
    page.wait_for_url("**/attempts/1/")
    choose_radio(page, "q0", "To reach a social or environmental goal by selling goods or services")
    for label in (
        "A social objective is the reason for the business activity",
        "Profits are mainly reinvested to reach the social objective",
        "Ownership and decision-making reflect the mission, for example in a participatory way",
    ):
        tab_and_press(page, page.get_by_label(label, exact=True), key="Space")
    choose_radio(page, "q2", "False")
    press_until_focused(page, page.locator("#q3"))
    page.keyboard.type("social economy")
    for left, right in (
        ("Charity", "Mainly donations and grants, for a social aim"),
        ("Social enterprise", "Mainly sales, for a social aim"),
        ("Ordinary business", "Mainly sales, for profit for its owners"),
    ):
        choose_option(page, page.get_by_label(left, exact=True), right)
    press_until_focused(page, page.locator("#q5"))
    page.keyboard.type("75")
    tab_and_press(page, page.get_by_role("button", name="Submit answers"))
    page.get_by_text("You passed.").wait_for()
    assert "Your score: 100%" in page.locator("main").inner_text()

    # the result page's next step: the module's exercise, the last unit of the course left
    tab_and_press(page, page.get_by_role("link", name=re.compile(r"^Continue")))
    page.wait_for_load_state()
    tab_and_press(page, page.get_by_role("button", name="Mark as done"), key="Space")
    page.get_by_text("You marked this as done.").wait_for()

    # the course is complete: the certificate is on /me/, and its public page verifies it
    tab_and_press(page, page.get_by_role("link", name="My learning"))
    page.wait_for_url("**/me/")
    assert "Completed on" in page.locator("main").inner_text()
    tab_and_press(page, page.get_by_role("link", name="Show and share"))
    page.wait_for_url(re.compile(r"/certificates/[\w-]+$"))
    main = page.locator("main").inner_text()
    assert "This certificate is valid" in main and "Kristaps Kalniņš" in main
    context.close()
    assert not context.requests.foreign, context.requests.foreign


def edit_translation(page, text: str) -> None:
    """In the editor: Tab to the title, type it, Tab to the text, replace it."""
    press_until_focused(page, page.get_by_label("Title"))
    page.keyboard.press("Control+A")
    page.keyboard.type("Definīcijas")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_a_partner_admin_edits_a_translation_previews_and_saves_it_by_keyboard(browser, live_server):
    email = "ilze@example.org"
    live_server.make_user(email, roles=("partner_admin",), scope="lv-LV")
    context = new_context(browser, live_server)
    page = context.new_page()
    sign_in(page, email)
    tab_and_press(page, page.get_by_role("link", name="Translations"))
    page.wait_for_url("**/localise/")
    tab_and_press(page, page.locator("table a").first)
    page.wait_for_url(f"**/localise/{COURSE}/lv-LV/")
    tab_and_press(page, page.locator(f'a[href$="/{FIRST_MODULE}/definitions/"]'))
    page.wait_for_url("**/definitions/")

    edit_translation(page, "Sociālais uzņēmums ir **uzņēmums** ar sociālu mērķi.")
    # with JavaScript the preview follows the typing (editor.js asks the server to render it)
    page.locator("#live-preview strong").get_by_text("uzņēmums").wait_for()
    tab_and_press(page, page.get_by_role("button", name="Preview"))
    page.wait_for_load_state()
    assert page.locator("#live-preview strong").inner_text() == "uzņēmums"
    assert page.get_by_label("Text (markdown)").input_value().startswith("Sociālais uzņēmums")  # kept
    tab_and_press(page, page.get_by_role("button", name="Save"))
    page.get_by_text("The translation is saved.").wait_for()

    page.goto(f"/courses/{COURSE}/{FIRST_MODULE}/definitions/?variant=lv-LV")
    assert page.locator("main h1").inner_text() == "Definīcijas"
    assert "ar sociālu mērķi" in page.locator("main").inner_text()
    context.close()
    assert not context.requests.foreign, context.requests.foreign


def test_without_javascript_the_editor_previews_and_saves_with_its_buttons(browser, live_server):
    email = "juris@example.org"
    live_server.make_user(email, roles=("partner_admin",), scope="lv-LV")
    context = new_context(browser, live_server, javascript=False)
    page = context.new_page()
    sign_in(page, email)
    page.goto(f"/localise/{COURSE}/lv-LV/{FIRST_MODULE}/social-economy/")
    assert page.locator("#live-preview").is_hidden()
    edit_translation(page, "Sociālā ekonomika: _kooperatīvi_ un biedrības.")
    tab_and_press(page, page.get_by_role("button", name="Preview"))
    page.locator("#live-preview em").wait_for()
    assert page.locator("#live-preview em").inner_text() == "kooperatīvi"
    tab_and_press(page, page.get_by_role("button", name="Save"))
    page.get_by_text("The translation is saved.").wait_for()
    context.close()
    assert not context.requests.foreign, context.requests.foreign


def test_a_cohort_lead_opens_the_dashboard_and_reaches_the_learners_table_by_keyboard(browser, live_server, scenery):
    context = new_context(browser, live_server, storage_state=scenery.state(scenery.lead))
    page = context.new_page()
    page.goto("/cohorts/")
    tab_and_press(page, page.get_by_role("link", name="Riga spring cohort"))
    page.wait_for_url(f"**/cohorts/{scenery.cohort_id}/")
    region = page.get_by_role("region", name="Learners")
    press_until_focused(page, region)  # the wide table scrolls inside a region the keyboard reaches
    assert focus_outline(page) != "none"
    page.keyboard.press("ArrowRight")
    assert "Līga Bērziņa" in region.inner_text()
    context.close()
    assert not context.requests.foreign, context.requests.foreign


# TO ADD when elearn/board exists (issue #8): "a member writes a board post", by keyboard.


def test_a_member_writes_a_board_post_by_keyboard(browser, live_server):
    if "board.index" not in live_server.app.view_functions:
        pytest.skip("the board (elearn/board) is not registered in elearn/__init__.py yet")
    email = "agnese@example.org"
    live_server.make_user(email)
    context = new_context(browser, live_server)
    page = context.new_page()
    sign_in(page, email)
    page.goto("/board/")
    tab_and_press(page, page.get_by_role("link", name="Write a post"))
    page.wait_for_url("**/board/posts/new")
    press_until_focused(page, page.get_by_label("Title", exact=True))
    page.keyboard.type("Looking for a catering partner in Riga")
    press_until_focused(page, page.get_by_label("Text", exact=True))
    page.keyboard.type("We cook lunches with people returning to work and look for a *partner*.")
    tab_and_press(page, page.get_by_role("button", name="Publish"))
    page.wait_for_url(re.compile(r"/board/posts/\d+$"))
    main = page.locator("main").inner_text()
    assert "Looking for a catering partner in Riga" in main
    assert "Your post is published." in main or "a moderator will look at it" in main
    context.close()
    assert not context.requests.foreign, context.requests.foreign
