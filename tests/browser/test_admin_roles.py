"""Giving the partner admin role in Chromium: versions ticked from a list, with and without JavaScript (#28)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import NARROW, axe_violations, new_context, sign_in

ADMIN, PERSON = "roles-admin@example.org", "roles-partner@example.org"


@pytest.fixture(scope="module")
def person_page(live_server) -> str:
    """The admin's page of a person with no role yet: its path."""
    live_server.make_user(ADMIN, roles=("admin",), name="Roles Admin")
    return f"/admin/users/{live_server.make_user(PERSON, name='Pēteris Partner')}"


def test_the_form_with_a_mistake_passes_axe_and_fits_360_px(browser, live_server, axe, person_page):
    context = new_context(browser, live_server)
    try:
        page = context.new_page()
        sign_in(page, ADMIN)
        page.goto(person_page)
        page.get_by_label("Role", exact=True).select_option("partner_admin")
        page.get_by_role("button", name="Give role").click()
        page.get_by_role("alert").wait_for()
        group = page.get_by_role("group", name="Course versions (partner admins only)")
        assert "Choose at least one course version for a partner admin." in group.inner_text()
        wide = axe_violations(axe, page)
        page.set_viewport_size(NARROW)
        narrow = axe_violations(axe, page)
        overflow = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert not wide, "at 1280 px:\n" + "\n".join(wide)
    assert not narrow, "at 360 px:\n" + "\n".join(narrow)
    assert overflow <= NARROW["width"]
    assert not context.requests.foreign


def test_versions_are_ticked_by_their_names_without_javascript(browser, live_server, person_page):
    context = new_context(browser, live_server, javascript=False)
    try:
        page = context.new_page()
        sign_in(page, ADMIN)
        page.goto(person_page)
        page.get_by_label("Role", exact=True).select_option("partner_admin")
        page.get_by_label("lv-LV — Latvian (Latvia)").check()
        page.get_by_label("ru-LV — Russian (Latvia)").check()
        page.get_by_role("button", name="Give role").click()
        page.get_by_text("Role given.").wait_for()
        roles = page.locator("main ul").first.inner_text()
    finally:
        context.close()
    assert "Partner admin (lv-LV — Latvian (Latvia))" in roles and "Partner admin (ru-LV — Russian (Latvia))" in roles

    partner = new_context(browser, live_server)
    try:
        page = partner.new_page()
        sign_in(page, PERSON)
        page.goto("/localise/")
        versions = page.get_by_role("table").inner_text()
    finally:
        partner.close()
    assert "Latvian (Latvia)" in versions and "Russian (Latvia)" in versions and "Polish" not in versions
