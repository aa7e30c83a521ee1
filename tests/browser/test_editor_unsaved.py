"""The translation editor asks before a translator leaves text they have not saved (editor.js).

Chromium shows its own "Leave site?" dialog (``beforeunload``); Playwright sees it as a dialog
of that type, which the test dismisses (stay) or accepts (leave).
"""

from __future__ import annotations

from tests.browser.conftest import COURSE, new_context, sign_in

EDITOR = f"/localise/{COURSE}/sl-SI/legal-forms/overview/"  # no other browser test edits sl-SI


def test_leaving_the_editor_with_unsaved_text_asks_first_and_saving_does_not(browser, live_server):
    email = "maja@example.org"
    live_server.make_user(email, roles=("partner_admin",), scope="sl-SI")
    context = new_context(browser, live_server)
    page = context.new_page()
    sign_in(page, email)
    page.goto(EDITOR)
    history = page.get_by_role("link", name="History")

    dialogs: list[str] = []

    def stay(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    history.click()  # nothing typed yet: no question
    page.wait_for_url("**/history")
    assert dialogs == []
    page.goto(EDITOR)

    text = page.get_by_label("Text (markdown)")
    text.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Dodano besedilo.")
    history.click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(EDITOR)  # the translator stayed
    assert text.input_value().endswith(" Dodano besedilo.")  # and the text with them

    page.get_by_role("button", name="Save").click()  # sending the form is not leaving it
    page.get_by_text("The translation is saved.").wait_for()
    assert dialogs == ["beforeunload"]
    history.click()
    page.wait_for_url("**/history")
    assert dialogs == ["beforeunload"]
    page.remove_listener("dialog", stay)
    context.close()
    assert not context.requests.foreign, context.requests.foreign
