"""Notifications in a real browser: declaration → notification → approval, and report → notification
→ hide, with axe-core and no sideways scrolling at 1280 and 360 px on every page of the way."""

from __future__ import annotations

import re

from elearn.core.transaction import unit_of_work
from tests.browser.conftest import NARROW, WIDE, axe_violations, new_context, sign_in
from tests.browser.test_pages import WIDEST_ELEMENTS


def _checked(page, axe, what: str) -> None:
    """axe-core finds nothing and nothing scrolls sideways, at 1280 px and at 360 px."""
    problems = []
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        problems += [f"{what} at {size['width']} px: {line}" for line in axe_violations(axe, page)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > size["width"]:
            problems.append(
                f"{what}: {width} px wide at {size['width']} px: {page.evaluate(WIDEST_ELEMENTS, size['width'])}"
            )
    page.set_viewport_size(WIDE)
    assert not problems, "\n".join(problems)


def _header_count(page) -> str:
    link = page.locator("header").get_by_role("link", name=re.compile(r"^Notifications"))
    return " ".join(link.inner_text().split())


def _signed_in(browser, live_server, email: str):
    context = new_context(browser, live_server)
    page = context.new_page()
    sign_in(page, email)
    return context, page


def test_a_declaration_reaches_the_moderator_who_approves_it_from_the_notification(browser, live_server, axe):
    live_server.make_user("founder.notify@example.org", name="Anna Founder", country="LV")
    live_server.make_user("moderator.notify@example.org", roles=("partner_admin",), scope="lv-LV")
    founder_context, founder = _signed_in(browser, live_server, "founder.notify@example.org")
    founder.goto("/board/organisations/join")
    founder.fill("#name", "Zaļā darbnīca SIA")
    founder.select_option("#legal_form", "social_enterprise")
    founder.select_option("#country", "LV")
    founder.locator("label[for=areas-0]").click()
    founder.fill("#address", "Rīgas iela 1, Līvāni")
    founder.fill("#responsible_person", "Anna Founder")
    founder.locator("label[for=agree]").click()
    founder.get_by_role("button", name="Send the declaration").click()
    founder.wait_for_url(re.compile(r"/board/organisations/zala-darbnica-sia"))

    context, page = _signed_in(browser, live_server, "moderator.notify@example.org")
    page.goto("/board/")
    assert _header_count(page) == "Notifications 1 (1 unread)"
    page.locator("header").get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.wait_for_url("**/notifications/")
    _checked(page, axe, "notification list")
    page.get_by_role("link", name="Zaļā darbnīca SIA asks to join the network").click()
    page.wait_for_url(re.compile(r"/board/moderation/organisations/\d+$"))
    _checked(page, axe, "join declaration")
    page.get_by_label("Message to the organisation").fill("Welcome to the network!")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/board/moderation/")
    assert "The organisation is approved." in page.locator("main").inner_text()

    page.goto("/notifications/")
    page.get_by_role("button", name=re.compile("^Mark as read")).click()
    assert _header_count(page) == "Notifications"
    page.goto("/notifications/settings")
    _checked(page, axe, "notification settings")
    group = page.get_by_role("group", name="An organisation asks to join the network (moderators)")
    group.get_by_text("In a daily digest").click()  # the label: the whole row is its target
    assert group.get_by_label("In a daily digest").is_checked()
    page.get_by_role("button", name="Save").click()
    assert "Your notification settings are saved." in page.locator("main").inner_text()

    decision = live_server.mailbox.last_to("founder.notify@example.org")
    assert decision["Subject"] == "Zaļā darbnīca SIA is now in the network"

    notice = live_server.mailbox.last_to("moderator.notify@example.org")
    unsubscribe = re.fullmatch(r"<https?://[^/]+(/\S+)>", notice["List-Unsubscribe"]).group(1)
    anonymous = new_context(browser, live_server)  # the link works without signing in
    visitor = anonymous.new_page()
    visitor.goto(unsubscribe)
    _checked(visitor, axe, "unsubscribe")
    visitor.get_by_role("button", name="Unsubscribe").click()
    assert (
        "we no longer mail you about: An organisation asks to join the network" in visitor.locator("main").inner_text()
    )
    page.goto("/notifications/settings")
    group = page.get_by_role("group", name="An organisation asks to join the network (moderators)")
    assert group.get_by_label("No mail").is_checked()
    for open_context in (context, founder_context, anonymous):
        open_context.close()
        assert not open_context.requests.foreign, open_context.requests.foreign


def test_a_report_reaches_the_moderator_who_hides_the_post_and_both_others_hear_of_it(browser, live_server, axe):
    from elearn.auth.services import find_user
    from elearn.board import posts

    live_server.make_user("author.notify@example.org", name="Kārlis Author")
    live_server.make_user("reader.notify@example.org", name="Rita Reader")
    live_server.make_user("moderator2.notify@example.org", roles=("partner_admin",), scope="lv-LV")
    with live_server.app.app_context(), unit_of_work():
        fields = posts.PostFields(
            kind="offer",
            title="Quick loans, no questions",
            body="Call us.",
            country="LV",
            region="",
            language="en",
            tags="",
        )
        post = posts.create_post(find_user("author.notify@example.org"), fields)
        post.status = "published"  # as a moderator's approval would; its notice is not this test's
        post_id = post.id

    reader_context, reader = _signed_in(browser, live_server, "reader.notify@example.org")
    reader.goto(f"/board/posts/{post_id}")
    reader.get_by_role("link", name=re.compile("^Report")).first.click()
    reader.get_by_label("What is wrong with it?").fill("Looks like a scam.")
    reader.get_by_role("button", name="Report to the moderators").click()
    reader.wait_for_url(f"**/board/posts/{post_id}")

    context, page = _signed_in(browser, live_server, "moderator2.notify@example.org")
    page.goto("/notifications/")
    notification = page.get_by_role("link", name="A report on “Quick loans, no questions”")
    assert "Looks like a scam." in page.locator(".notification-list").inner_text()
    notification.click()
    page.wait_for_url("**/board/moderation/")
    assert re.search(r"Reported by Rita Reader on \w+ \d", page.locator("main").inner_text())
    _checked(page, axe, "moderation queue with a report")
    page.get_by_role("link", name="Hide", exact=True).first.click()
    _checked(page, axe, "hide form")
    page.get_by_label("Reason").fill("Unlicensed lending.")
    page.get_by_role("button", name="Hide").click()
    page.wait_for_url("**/board/moderation/")

    mail = live_server.mailbox.last_to("author.notify@example.org")
    assert mail["Subject"] == "The moderators hid your post “Quick loans, no questions”"
    author_context, author = _signed_in(browser, live_server, "author.notify@example.org")
    author.goto("/notifications/")
    assert "Unlicensed lending." in author.locator(".notification-list").inner_text()

    reader.goto(f"/board/posts/{post_id}")
    assert reader.locator("main h1").inner_text() == "Hidden by the moderators"
    _checked(reader, axe, "hidden post, as its reporter")
    for open_context in (context, reader_context, author_context):
        open_context.close()
        assert not open_context.requests.foreign, open_context.requests.foreign
