"""The design's promises, measured in Chromium: what a phone shows first, touch targets, what stays in view.

Measured with the elements' boxes (``getBoundingClientRect``) at 360 × 740 px, a small phone,
and at 1280 px.
"""

from __future__ import annotations

from tests.browser.conftest import COURSE, FIRST_MODULE, NARROW, WIDE, axe_violations, new_context

LESSON = f"/courses/{COURSE}/{FIRST_MODULE}/definitions/"

BOX = "selector => document.querySelector(selector).getBoundingClientRect().toJSON()"


def test_on_a_phone_a_units_heading_and_first_paragraph_are_in_the_first_screen(browser, live_server, scenery, axe):
    context = new_context(browser, live_server, viewport=NARROW, storage_state=scenery.state(scenery.learner))
    page = context.new_page()
    page.goto(LESSON)
    heading, paragraph = page.evaluate(BOX, "main h1"), page.evaluate(BOX, "main .prose p")
    header = page.evaluate(BOX, ".site-header")
    assert header["height"] <= 60, header  # one row: the site's name, "Menu", the language
    assert heading["top"] > 0 and heading["bottom"] < paragraph["top"]
    assert paragraph["bottom"] <= NARROW["height"], f"the first paragraph ends at {paragraph['bottom']} px"
    # The links are behind "Menu", which opens without JavaScript's help (a <details>)
    assert not page.get_by_role("link", name="My learning").is_visible()
    page.get_by_text("Menu", exact=True).click()
    assert page.get_by_role("link", name="My learning").is_visible()
    page.locator(".language-menu summary").click()
    assert page.get_by_label("Language", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert axe_violations(axe, page) == []  # with both menus open
    context.close()


def test_the_language_menu_folds_into_the_header_and_changes_the_language(browser, live_server):
    for viewport in (NARROW, WIDE):
        context = new_context(browser, live_server, viewport=viewport, javascript=False)
        page = context.new_page()
        page.goto(LESSON)
        select = page.get_by_label("Language", exact=True)
        assert not select.is_visible()
        page.locator(".language-menu summary").click()
        select.select_option("lv")
        page.get_by_role("button", name="Change").click()
        assert page.locator("html").get_attribute("lang") == "lv"
        assert page.url.endswith(f"{LESSON}?lang=lv")
        assert page.locator(".language-menu summary").inner_text().split() == ["Valoda:", "Latviešu"]
        context.close()


def test_on_a_wide_screen_the_links_are_in_view_without_a_menu(browser, live_server, scenery):
    context = new_context(browser, live_server, viewport=WIDE, storage_state=scenery.state(scenery.learner))
    page = context.new_page()
    page.goto(LESSON)
    assert not page.get_by_text("Menu", exact=True).is_visible()
    assert page.get_by_role("link", name="My learning").is_visible()
    assert page.evaluate(BOX, ".site-header")["height"] <= 60
    context.close()


ATTEMPT = f"/me/courses/{COURSE}/{FIRST_MODULE}/check-your-understanding/attempts/3/"  # the scenery's open attempt


def test_quiz_answers_are_44_px_targets_chosen_by_a_tap_anywhere_on_their_row(browser, live_server, scenery):
    context = new_context(browser, live_server, viewport=NARROW, storage_state=scenery.state(scenery.learner))
    page = context.new_page()
    page.goto(ATTEMPT)
    choices = page.locator("fieldset .choice")
    assert choices.count() >= 4
    boxes = [choices.nth(k).bounding_box() for k in range(choices.count())]
    assert all(box["height"] >= 44 and box["width"] >= 44 for box in boxes), boxes
    for k in (0, choices.count() - 1):  # a radio button and a checkbox, tapped at the row's far end
        choices.nth(k).scroll_into_view_if_needed()
        box = choices.nth(k).bounding_box()
        page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] - 4)
        assert choices.nth(k).locator("input").is_checked()
    button = page.get_by_role("button", name="Submit answers").bounding_box()
    assert button["height"] >= 44 and button["width"] >= 44
    context.close()


CHART_TEXT_SIZES = """() => [...document.querySelectorAll('.chart svg text')].map(text =>
    parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""


def test_the_cohort_dashboard_uses_the_screen_and_keeps_names_in_view(browser, live_server, scenery):
    path = f"/cohorts/{scenery.cohort_id}/"
    context = new_context(browser, live_server, viewport=WIDE, storage_state=scenery.state(scenery.lead))
    page = context.new_page()
    page.goto(path)
    region = page.get_by_role("region", name="Learners")
    width, scroll_width = region.evaluate("el => [el.clientWidth, el.scrollWidth]")
    assert width >= WIDE["width"] - 80, f"the learners' table is {width} px wide at {WIDE['width']} px"
    assert scroll_width <= width, "at 1280 px every column of an eight-module course is in view"
    assert page.locator(".charts figure").nth(1).bounding_box()["x"] > WIDE["width"] / 2  # the charts side by side

    page.set_viewport_size(NARROW)
    assert min(page.evaluate(CHART_TEXT_SIZES)) >= 12
    assert region.get_attribute("tabindex") == "0"  # keyboard users scroll it with the arrow keys
    name_cell = page.locator(".progress-table tbody th").first
    before = name_cell.bounding_box()["x"]
    region.focus()
    end = region.evaluate("el => el.scrollWidth - el.clientWidth")
    assert end > 0, "at 360 px the table scrolls sideways"
    for _ in range(40):
        page.keyboard.press("ArrowRight")
        if region.evaluate("el => el.scrollLeft") >= end - 1:
            break
    else:
        raise AssertionError("the arrow keys do not scroll the table to its end")
    assert abs(name_cell.bounding_box()["x"] - before) < 1, "the learners' names stay in view"
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    context.close()


def test_the_invitation_link_is_copied_by_a_button_or_selected_by_hand(browser, live_server, scenery):
    path = f"/cohorts/{scenery.cohort_id}/"
    with_script = new_context(browser, live_server, viewport=NARROW, storage_state=scenery.state(scenery.lead))
    with_script.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = with_script.new_page()
    page.goto(path)
    field = page.get_by_role("textbox", name="Invitation link")
    link = field.input_value()
    assert link.startswith(live_server.url + "/cohorts/join/") and field.get_attribute("readonly") is not None
    button = page.get_by_role("button", name="Copy Invitation link")
    assert button.bounding_box()["height"] >= 44
    button.click()
    page.get_by_role("status").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    with_script.close()

    without_script = new_context(
        browser, live_server, viewport=NARROW, javascript=False, storage_state=scenery.state(scenery.lead)
    )
    page = without_script.new_page()
    page.goto(path)
    field = page.get_by_role("textbox", name="Invitation link")
    assert field.is_visible() and field.input_value() == link
    assert not page.get_by_role("button", name="Copy Invitation link").is_visible()
    field.select_text()  # the text can be selected (and copied) by hand
    assert field.evaluate("el => [el.selectionStart, el.selectionEnd]") == [0, len(link)]
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    without_script.close()


ICONS = """() => [...document.querySelectorAll('.kind')].map(kind => {
    const icon = kind.querySelector('svg.icon'), use = icon && icon.querySelector('use');
    const symbol = use && document.querySelector(use.getAttribute('href'));
    return {kind: kind.className, hidden: icon && icon.getAttribute('aria-hidden'), symbol: symbol && symbol.tagName,
            width: icon && icon.getBoundingClientRect().width, text: kind.textContent.trim()}; })"""


def test_unit_kinds_have_icons_from_one_sprite_and_keep_their_names(browser, live_server):
    context = new_context(browser, live_server, viewport=NARROW)
    page = context.new_page()
    page.goto(f"/courses/{COURSE}/{FIRST_MODULE}/")
    kinds = page.evaluate(ICONS)
    assert {k["kind"] for k in kinds} >= {"kind kind-lesson", "kind kind-interview", "kind kind-quiz"}
    for kind in kinds:
        assert kind["hidden"] == "true" and kind["symbol"] == "symbol" and kind["width"] >= 16, kind
        assert kind["text"] in {"Lesson", "Interview", "Case story", "Quiz"}  # the name, for screen readers too
    assert page.locator("svg.sprite").count() == 1
    page.goto(LESSON)
    [kind] = page.evaluate(ICONS)
    assert kind["symbol"] == "symbol" and kind["text"].startswith("Lesson")
    context.close()
