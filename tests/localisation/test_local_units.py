"""Country-only units made in the browser: every field, their place, editing and deleting them;
and the module page whose unit list is the one list of units a variant's learners see."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from elearn.auth.models import RoleGrant, User
from elearn.courses.models import TranslationRevision, Unit
from elearn.extensions import db
from elearn.localisation.export import export_tree
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import LOCALISED_FILES, import_course

STATUS = "/localise/demo/lv-LV/"
NEW = "/localise/demo/lv-LV/one/new"
INTERVIEW = {
    "kind": "interview",
    "title": "Saruna ar konsultantu",
    "interviewee": "Konsultants",
    "role": "Konsultants",
    "organisation": "Informācijas punkts",
    "country": "lv",
    "sector": "Sociālie pakalpojumi",
    "year": "2019",
    "body": "**Konsultants:** Cilvēki jautā par likumu.",
}


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, LOCALISED_FILES)


@pytest.fixture
def partner(app, client, make_user):
    """A partner admin of lv-LV, signed in."""
    make_user("lv@example.org", roles=("partner_admin",))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lv@example.org"))
        user.grants = [RoleGrant(role="partner_admin", scope="lv-LV")]
        db.session.commit()
    sign_in(client, "lv@example.org")
    return client


def page(response) -> str:
    return response.get_data(as_text=True)


def status_titles(client) -> list[str]:
    """The unit rows of the status page, in their order."""
    return re.findall(r'<th scope="row">\s*(?:<a [^>]*>)?([^<]+?)(?:</a>)?\s*</th>', page(client.get(STATUS)))


def outline_and_units(client, tag: str) -> tuple[str, str]:
    """The module page's outline (its prose) and its unit list."""
    html = page(client.get(f"/courses/demo/one/?variant={tag}"))
    return html.split('<div class="prose">')[1].split("</article>")[0], html.split('id="units-heading"')[1]


def learner_titles(client, tag="lv-LV") -> list[str]:
    units = page(client.get(f"/courses/demo/one/?variant={tag}")).split('class="unit-list"')[1].split("</ol>")[0]
    return re.findall(r'<a href="/courses/demo/one/[^"]+">([^<]+)</a>', units)


def unit(app, slug) -> Unit | None:
    with app.app_context():
        found = db.session.scalar(select(Unit).where(Unit.slug == slug))
        if found is not None:
            db.session.expunge(found)
        return found


def test_an_interviews_sector_and_year_are_stored_shown_to_learners_and_exported(app, course, partner):
    form = page(partner.get(NEW))
    assert 'name="sector"' in form and 'name="year"' in form and 'name="after"' in form
    created = post_form(partner, NEW, {**INTERVIEW, "after": "other"})
    assert created.status_code == 302
    saved = unit(app, "saruna-ar-konsultantu")
    assert saved.meta == {
        "interviewee": "Konsultants",
        "role": "Konsultants",
        "organisation": "Informācijas punkts",
        "country": "LV",
        "sector": "Sociālie pakalpojumi",
        "year": 2019,
    }
    learner_page = page(app.test_client().get("/courses/demo/one/saruna-ar-konsultantu/?variant=lv-LV"))
    assert "<dt>Sector</dt><dd>Sociālie pakalpojumi</dd>" in learner_page
    assert "<dt>Year</dt><dd>2019</dd>" in learner_page
    with app.app_context():
        written = [p for p in export_tree(course) if p.name.endswith("saruna-ar-konsultantu.md")]
        text = written[0].read_text(encoding="utf-8")
    assert "sector: Sociālie pakalpojumi\n" in text and "year: 2019\n" in text


def test_an_interview_file_with_sector_and_year_imports(app, write_course, client):
    files = {
        **LOCALISED_FILES,
        "locales/lv-LV/01-one/06-saruna.md": (
            "---\nkind: interview\ntitle: Saruna\ninterviewee: Vadītāja\nrole: Vadītāja\norganisation: Biedrība\n"
            "country: LV\nsector: Atkārtota izmantošana\nyear: 2021\n---\nTeksts.\n"
        ),
    }
    import_course(app, write_course, files)
    learner_page = page(client.get("/courses/demo/one/saruna/?variant=lv-LV"))
    assert "<dd>Atkārtota izmantošana</dd>" in learner_page and "<dd>2021</dd>" in learner_page


def test_a_country_only_unit_is_in_the_same_place_on_the_status_page_as_for_learners(app, course, partner):
    # Placed by default after the last unit that is not a quiz: "extra", numbered 3 (hidden in lv-LV).
    # Its id, "apmaciba", sorts before "extra": the status page used to list it before.
    post_form(partner, NEW, {"kind": "lesson", "title": "Apmācība", "body": "Teksts."})
    assert unit(app, "apmaciba").position == 3
    assert status_titles(partner) == ["A lesson", "Another lesson", "A Slovenian detail", "Apmācība", "Quiz", "Latvijā"]
    assert learner_titles(app.test_client()) == ["Nodarbība", "Another lesson", "Apmācība", "Quiz", "Latvijā"]
    # moved to the beginning: both lists agree again
    edit = "/localise/demo/lv-LV/one/apmaciba/edit"
    values = {"kind": "lesson", "title": "Apmācība", "body": "Teksts.", "after": ""}
    assert post_form(partner, edit, values).status_code == 302
    assert status_titles(partner)[:2] == ["Apmācība", "A lesson"]
    assert learner_titles(app.test_client())[:2] == ["Apmācība", "Nodarbība"]
    assert 'value="" selected' in page(partner.get(edit))  # the form shows where it is


def test_the_status_row_links_to_edit_and_delete(course, partner):
    post_form(partner, NEW, {**INTERVIEW, "after": "lesson"})
    status = page(partner.get(STATUS))
    assert 'href="/localise/demo/lv-LV/one/saruna-ar-konsultantu/edit"' in status
    assert 'href="/localise/demo/lv-LV/one/saruna-ar-konsultantu/delete"' in status
    assert 'href="/localise/demo/lv-LV/one/latvia/edit"' in status  # a unit that came from the files too


def test_editing_every_field_keeps_the_id_records_a_version_and_learners_see_it(app, course, partner):
    post_form(partner, NEW, {**INTERVIEW, "after": "lesson"})
    edit = "/localise/demo/lv-LV/one/saruna-ar-konsultantu/edit"
    form = page(partner.get(edit))
    for value in ("Konsultants", "Informācijas punkts", "LV", "Sociālie pakalpojumi", "2019"):
        assert f'value="{value}"' in form
    assert '<option value="lesson" selected>' in form
    changed = {
        **INTERVIEW,
        "title": "Saruna ar vadītāju",
        "interviewee": "Vadītāja",
        "year": "2020",
        "body": "Jauns teksts.",
        "after": "other",
    }
    assert post_form(partner, edit, changed).status_code == 302
    learner_page = page(app.test_client().get("/courses/demo/one/saruna-ar-konsultantu/?variant=lv-LV"))
    assert "<h1>Saruna ar vadītāju</h1>" in learner_page and "<dd>Vadītāja</dd>" in learner_page
    assert "<dd>2020</dd>" in learner_page and "Jauns teksts." in learner_page
    assert learner_titles(app.test_client()).index("Saruna ar vadītāju") == 2  # after "Another lesson"
    with app.app_context():
        saved = db.session.scalar(select(Unit).where(Unit.slug == "saruna-ar-konsultantu"))
        versions = db.session.scalars(
            select(TranslationRevision).where(TranslationRevision.unit_id == saved.id).order_by("number")
        ).all()
        assert [(v.number, v.origin, v.title) for v in versions] == [
            (1, "browser", "Saruna ar konsultantu"),
            (2, "browser", "Saruna ar vadītāju"),
        ]
        assert versions[1].author_id == db.session.scalar(select(User.id).where(User.email == "lv@example.org"))
        assert versions[1].fields["meta"]["year"] == 2020
        assert saved.content_hash != saved.synced_hash


def test_a_unit_from_the_files_is_edited_and_becomes_work_the_export_writes_back(app, course, partner):
    edit = "/localise/demo/lv-LV/one/latvia/edit"
    form = page(partner.get(edit))
    assert "locales/lv-LV/01-one/05-latvia.md" in form  # where it came from
    values = {"kind": "lesson", "title": "Latvijā šodien", "body": "Likums.\n", "after": "quiz"}
    response = post_form(partner, edit, values)
    assert response.status_code == 302
    assert "Latvijā šodien" in learner_titles(app.test_client())
    file_unit = unit(app, "latvia")
    assert file_unit.content_hash != file_unit.synced_hash
    with app.app_context():
        written = [p.relative_to(course).as_posix() for p in export_tree(course)]
    assert "demo/locales/lv-LV/01-one/05-latvia.md" in written
    text = (course / "demo/locales/lv-LV/01-one/05-latvia.md").read_text(encoding="utf-8")
    assert "title: Latvijā šodien" in text


def test_a_refused_edit_keeps_what_was_typed_and_says_why(app, course, partner):
    missing = post_form(partner, NEW, {**INTERVIEW, "interviewee": "", "after": "lesson"})
    assert missing.status_code == 400
    assert "Please fill in: Interviewee" in page(missing) and 'value="Sociālie pakalpojumi"' in page(missing)
    bad_year = post_form(partner, NEW, {**INTERVIEW, "year": "pērn", "after": "lesson"})
    assert bad_year.status_code == 400 and "Year: give a year such as 2012." in page(bad_year)
    not_for_lessons = post_form(partner, NEW, {"kind": "lesson", "title": "T", "sector": "x", "after": "lesson"})
    assert not_for_lessons.status_code == 400 and "Sector is not part of this kind of unit" in page(not_for_lessons)
    nowhere = post_form(partner, NEW, {"kind": "lesson", "title": "T", "after": "no-such-unit"})
    assert nowhere.status_code == 400 and "Choose where the unit goes in the module." in page(nowhere)
    post_form(partner, NEW, {**INTERVIEW, "after": "lesson"})
    edit = "/localise/demo/lv-LV/one/saruna-ar-konsultantu/edit"
    refused = post_form(partner, edit, {**INTERVIEW, "title": "", "body": "Mans jaunais teksts", "after": "lesson"})
    assert refused.status_code == 400 and "Please give the translated title." in page(refused)
    assert "Mans jaunais teksts</textarea>" in page(refused)
    assert unit(app, "saruna-ar-konsultantu").title == "Saruna ar konsultantu"


def test_a_browser_made_unit_is_deleted_after_confirmation(app, course, partner):
    post_form(partner, NEW, {**INTERVIEW, "after": "lesson"})
    unit_id = unit(app, "saruna-ar-konsultantu").id
    url = "/localise/demo/lv-LV/one/saruna-ar-konsultantu/delete"
    confirm = page(partner.get(url))
    assert "This cannot be undone." in confirm and "Delete the unit</button>" in confirm
    assert partner.post(url).status_code == 400  # no CSRF token
    assert unit(app, "saruna-ar-konsultantu") is not None
    deleted = partner.post(url, data={"csrf_token": csrf_from(confirm)})
    assert deleted.status_code == 302
    assert unit(app, "saruna-ar-konsultantu") is None
    assert "Saruna ar konsultantu" not in status_titles(partner)
    reader = app.test_client()
    assert reader.get("/courses/demo/one/saruna-ar-konsultantu/?variant=lv-LV").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(TranslationRevision).where(TranslationRevision.unit_id == unit_id)) is None


def test_a_unit_in_the_files_is_not_deleted_the_page_names_the_file_to_delete(app, course, partner):
    url = "/localise/demo/lv-LV/one/latvia/delete"
    refusal = page(partner.get(url))
    assert "locales/lv-LV/01-one/05-latvia.md" in refusal and "the next import would bring it back" in refusal
    assert "Delete the unit</button>" not in refusal
    token = csrf_from(page(partner.get(STATUS)))
    assert partner.post(url, data={"csrf_token": token}).status_code == 409
    assert unit(app, "latvia") is not None
    assert "Latvijā" in learner_titles(app.test_client())


def test_only_the_variants_own_units_and_only_its_partner_admins(app, client, course, partner, make_user):
    assert partner.get("/localise/demo/lv-LV/one/lesson/edit").status_code == 404  # a course unit
    assert partner.get("/localise/demo/lv-LV/one/lesson/delete").status_code == 404
    assert partner.get("/localise/demo/pl-PL/one/latvia/edit").status_code == 403
    make_user("pl@example.org", roles=("partner_admin",))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "pl@example.org"))
        user.grants = [RoleGrant(role="partner_admin", scope="pl-PL")]
        db.session.commit()
    polish = app.test_client()
    sign_in(polish, "pl@example.org")
    assert polish.get("/localise/demo/pl-PL/one/latvia/edit").status_code == 404  # lv-LV's, not pl-PL's
    assert polish.get("/localise/demo/lv-LV/one/latvia/delete").status_code == 403
    assert app.test_client().get("/localise/demo/lv-LV/one/latvia/edit").headers["Location"].startswith("/login")


# ---------------------------------------------------------------- the module outline and the unit list

OUTLINE = """\
---
title: Module one
---
This module takes about **an hour**.

1. **Lesson – A lesson.** Where it starts.
2. **Lesson – Another lesson.** What follows.
3. **Lesson – A Slovenian detail.** Only for Slovenia.
4. **Quiz – Quiz.** Two questions.

Take notes as you go.
"""


def test_the_module_outline_never_contradicts_the_unit_list(app, write_course, client):
    import_course(app, write_course, {**LOCALISED_FILES, "01-one/module.md": OUTLINE})
    outline, units = outline_and_units(client, "lv-LV")  # lv-LV hides "extra", adds "latvia"
    assert "an hour" in outline and "Take notes as you go." in outline
    assert "Slovenian" not in outline + units and "Only for Slovenia" not in outline + units  # the hidden unit
    assert "Latvijā" in units and "Where it starts." in units and "Two questions." in units
    assert learner_titles(client) == ["Nodarbība", "Another lesson", "Quiz", "Latvijā"]
    outline, units = outline_and_units(client, "")
    assert "<ol>" not in outline and "Only for Slovenia." in units and "A Slovenian detail" in units


def test_an_outline_without_a_list_of_the_units_is_shown_as_written(app, write_course, client):
    files = {**LOCALISED_FILES, "01-one/module.md": OUTLINE.replace("4. **Quiz – Quiz.** Two questions.\n", "")}
    import_course(app, write_course, files)
    outline, _units = outline_and_units(client, "")
    assert "<ol>" in outline and "Only for Slovenia." in outline  # three items, four units: not the unit list
