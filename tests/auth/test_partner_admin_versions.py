"""A partner admin's course versions are chosen from the versions that exist (#28).

``lv``, ``lv_LV``, ``LV-lv`` and ``zz-ZZ`` were all accepted with "Role given", after which
/localise/ told the partner admin that no version was assigned. The admin form now offers
the existing versions as checkboxes, and it and ``flask users create`` refuse anything else.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from elearn.auth.models import RoleGrant, User
from elearn.auth.services import grant_role
from elearn.extensions import db
from tests.conftest import PASSWORD, csrf_from, post_form, sign_in
from tests.factories import import_course, user_by, valid_course

# Versions lv-LV and ru-LV, and no language-only "lv": the "lv" names no version here.
FILES = valid_course(
    **{
        "locales/lv-LV/course.md": "---\ntitle: Demo kurss\n---\nApraksts.\n",
        "locales/ru-LV/course.md": "---\ntitle: Демо курс\n---\nОписание.\n",
    }
)
BAD = ["lv", "lv_LV", "LV-lv", "zz-ZZ"]


@pytest.fixture
def versions(app, write_course):
    """The course "demo" with the versions lv-LV and ru-LV, imported."""
    import_course(app, write_course, FILES)


@pytest.fixture
def admin(client, make_user):
    """A signed-in admin and the page of the account they give roles to: its URL."""
    make_user("admin@example.org", roles=("admin",))
    target = make_user("partner@example.org")
    sign_in(client, "admin@example.org")
    return f"/admin/users/{target}"


def give(client, url: str, role: str, *variants: str):
    return post_form(client, f"{url}/roles", {"role": role, "variants": list(variants)}, page_url=url)


def grants(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        user = user_by("partner@example.org")
        return sorted((g.role, g.scope) for g in user.grants)


def html(response) -> str:
    return response.get_data(as_text=True)


def checked(page: str) -> set[str]:
    """The values of the ticked version checkboxes."""
    boxes = re.findall(r'<input[^>]*name="variants"[^>]*>', page)
    return {re.search(r'value="([^"]*)"', box).group(1) for box in boxes if " checked" in box}


# ---------------------------------------------------------------- the admin form


def test_the_form_offers_the_existing_versions_as_labelled_checkboxes(client, versions, admin):
    page = html(client.get(admin))

    assert 'name="scope"' not in page  # nothing to type
    fieldset = re.search(r'<fieldset id="variants".*?</fieldset>', page, re.S).group(0)
    assert "<legend>Course versions (partner admins only)</legend>" in fieldset
    for number, (tag, name) in enumerate([("lv-LV", "Latvian (Latvia)"), ("ru-LV", "Russian (Latvia)")]):
        assert f'<input id="variants-{number}" name="variants" type="checkbox" value="{tag}">' in fieldset
        assert f'<label for="variants-{number}">{tag} — {name}</label>' in fieldset
    assert csrf_from(page)


def test_version_names_are_in_the_admins_language(client, versions, make_user):
    make_user("admin@example.org", roles=("admin",), language="lv")
    target = make_user("partner@example.org")
    sign_in(client, "admin@example.org")

    page = html(client.get(f"/admin/users/{target}"))

    assert "lv-LV — latviešu (Latvija)" in page and "ru-LV — krievu (Latvija)" in page


@pytest.mark.parametrize("typed", BAD)
def test_a_version_that_does_not_exist_is_refused_and_the_choice_kept(client, app, versions, admin, typed):
    refused = give(client, admin, "partner_admin", "ru-LV", typed)

    page = html(refused)
    assert refused.status_code == 400 and "Role given" not in page
    assert f"Not a course version on this site: {typed}. Choose from the list." in page
    assert '<option selected value="partner_admin">' in page and checked(page) == {"ru-LV"}
    assert 'aria-describedby="variants-hint variants-error"' in page
    assert grants(app) == []  # not even ru-LV: one choice, given whole or not at all


def test_a_partner_admin_without_a_version_is_refused(client, app, versions, admin):
    refused = give(client, admin, "partner_admin")

    assert refused.status_code == 400
    assert "Choose at least one course version for a partner admin." in html(refused)
    assert grants(app) == []


def test_versions_are_only_for_partner_admins(client, app, versions, admin):
    refused = give(client, admin, "trainer", "lv-LV")

    page = html(refused)
    assert refused.status_code == 400 and "Course versions are only for the partner admin role." in page
    assert '<option selected value="trainer">' in page and checked(page) == {"lv-LV"}
    assert grants(app) == []


def test_the_form_needs_its_csrf_token(client, app, versions, admin):
    refused = client.post(f"{admin}/roles", data={"role": "partner_admin", "variants": ["lv-LV"]})

    assert refused.status_code == 400 and grants(app) == []


def test_chosen_versions_reach_the_partner_admin_end_to_end(client, app, versions, admin):
    given = give(client, admin, "partner_admin", "lv-LV", "ru-LV")

    assert given.status_code == 302
    page = html(client.get(given.headers["Location"]))
    assert "Role given." in page
    assert "Partner admin (lv-LV — Latvian (Latvia))" in page and "Partner admin (ru-LV — Russian (Latvia))" in page
    assert grants(app) == [("partner_admin", "lv-LV"), ("partner_admin", "ru-LV")]

    partner = app.test_client()
    sign_in(partner, "partner@example.org")
    overview = html(partner.get("/localise/"))
    assert "No course version is assigned to you yet" not in overview
    assert "Demo · Latvian (Latvia)" in overview and "Demo · Russian (Latvia)" in overview
    assert partner.get("/localise/demo/lv-LV/").status_code == 200


def test_with_no_versions_yet_the_form_says_so_and_gives_no_partner_admin(client, app, admin):
    page = html(client.get(admin))
    assert "No course has a version yet" in page and 'name="variants"' not in page

    refused = give(client, admin, "partner_admin", "lv-LV")

    assert refused.status_code == 400 and "Not a course version on this site: lv-LV." in html(refused)
    assert grants(app) == []


def test_a_grant_for_a_version_that_no_longer_exists_is_pointed_out(client, app, versions, admin):
    """Grants made before versions were chosen from the list may name none: the admin sees which."""
    with app.app_context():
        grant_role(user_by("partner@example.org"), "partner_admin", "LV-lv", None)
        db.session.commit()

    page = html(client.get(admin))

    assert "Partner admin (LV-lv — not a course version on this site)" in page


# ---------------------------------------------------------------- flask users create


def create(runner, *args: str):
    return runner.invoke(args=["users", "create", "--email", "partner@example.org", "--password", PASSWORD, *args])


def accounts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("typed", BAD)
def test_the_cli_refuses_a_version_that_does_not_exist(runner, app, versions, typed):
    result = create(runner, "--role", "partner_admin", "--variant", "lv-LV", "--variant", typed)

    assert result.exit_code == 2, result.output
    assert f"{typed!r} is not a course version on this site" in result.output
    assert "The course versions are: lv-LV, ru-LV." in result.output
    assert accounts(app) == 0


def test_the_cli_says_when_no_course_has_a_version_yet(runner, app):
    result = create(runner, "--role", "partner_admin", "--variant", "lv-LV")

    assert result.exit_code == 2 and "No course has a version yet" in result.output
    assert accounts(app) == 0


def test_the_cli_gives_every_version_named(runner, app, versions):
    result = create(runner, "--role", "partner_admin", "--role", "trainer", "--variant", "ru-LV", "--variant", "lv-LV")

    assert result.exit_code == 0, result.output
    assert "(versions lv-LV, ru-LV)" in result.output
    with app.app_context():
        user = user_by("partner@example.org")
        assert user.variants_administered() == {"lv-LV", "ru-LV"} and user.has_role("trainer")
        assert db.session.scalar(select(func.count()).select_from(RoleGrant)) == 3


def test_role_names_follow_each_readers_language_on_the_same_server(app, client, make_user):
    """Jinja folds a filter on a constant ("learner" | role_name) into the compiled template:
    the first reader's language stayed for everyone until the filter asked for the context."""
    make_user("admin@example.org", roles=("admin",))
    make_user("lv-admin@example.org", roles=("admin",), language="lv")
    target = make_user("partner@example.org")
    sign_in(client, "admin@example.org")
    assert "<li>Learner</li>" in html(client.get(f"/admin/users/{target}"))

    latvian = app.test_client()
    sign_in(latvian, "lv-admin@example.org")

    assert "<li>Dalībnieks</li>" in html(latvian.get(f"/admin/users/{target}"))
