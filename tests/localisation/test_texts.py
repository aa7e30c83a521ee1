"""A variant's course text and module texts, translated in the browser and read by its learners."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.auth.models import RoleGrant, User
from elearn.courses.models import CourseTranslation, ModuleTranslation, TranslationRevision
from elearn.extensions import db
from tests.conftest import csrf_from, post_form, sign_in
from tests.factories import LOCALISED_FILES, import_course, variant

STATUS = "/localise/demo/lv-LV/"
COURSE_TEXT = "/localise/demo/lv-LV/course-text"
MODULE_TEXT = "/localise/demo/lv-LV/one/module-text"


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, LOCALISED_FILES)


@pytest.fixture
def partner(app, client, make_user):
    """A partner admin of lv-LV, signed in, who reads the interface in Latvian."""
    make_user("lv@example.org", roles=("partner_admin",), language="lv")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lv@example.org"))
        user.grants = [RoleGrant(role="partner_admin", scope="lv-LV")]
        db.session.commit()
    sign_in(client, "lv@example.org")
    return client


def page(response) -> str:
    return response.get_data(as_text=True)


def revisions(app, module_id=None, tag="lv-LV") -> list[tuple]:
    """The versions of the variant's course text (``module_id`` None) or module text."""
    with app.app_context():
        return [
            (r.number, r.origin, r.title, r.author_id is not None)
            for r in db.session.scalars(
                select(TranslationRevision)
                .where(
                    TranslationRevision.variant_id == variant(tag).id,
                    TranslationRevision.unit_id.is_(None),
                    TranslationRevision.module_id == module_id
                    if module_id
                    else TranslationRevision.module_id.is_(None),
                )
                .order_by(TranslationRevision.number)
            )
        ]


def test_the_status_page_links_the_course_and_module_texts_with_whose_text_learners_read(course, partner):
    status = page(partner.get(STATUS))
    assert f'href="{COURSE_TEXT}"' in status and f'href="{MODULE_TEXT}"' in status
    editor = page(partner.get(COURSE_TEXT))
    assert "Demo" in editor and "A demo course." in editor and "<p>Description.</p>" in editor  # the original
    assert 'name="csrf_token"' in editor and 'src="/static/editor.js"' in editor


def test_a_course_text_saved_in_the_browser_is_what_learners_of_the_variant_read(app, course, partner):
    response = post_form(
        partner,
        COURSE_TEXT,
        {
            "title": "Demo kurss",
            "summary": "Kursa kopsavilkums.",
            "body": "**Apraksts** ar [moduli](01-one/module.md). <script>alert(1)</script>",
            "action": "save",
        },
    )
    assert response.status_code == 302
    reader = app.test_client()
    learner_page = page(reader.get("/courses/demo/?variant=lv-LV"))
    assert "<h1>Demo kurss</h1>" in learner_page and "Kursa kopsavilkums." in learner_page
    assert '<strong>Apraksts</strong> ar <a href="/courses/demo/one/">moduli</a>' in learner_page
    assert "<script>alert" not in learner_page
    assert "<h1>Demo</h1>" in page(reader.get("/courses/demo/?variant="))  # the original is untouched
    with app.app_context():
        saved = db.session.scalar(select(CourseTranslation).where(CourseTranslation.variant_id == variant("lv-LV").id))
        assert saved.content_hash and saved.content_hash != saved.synced_hash  # browser work, not exported yet
    assert revisions(app) == [(1, "browser", "Demo kurss", True)]


def test_module_text_with_objectives_one_per_line_and_learners_see_it(app, course, partner):
    saved = post_form(
        partner,
        MODULE_TEXT,
        {
            "title": "Pirmais modulis",
            "summary": "Īsumā.",
            "objectives": "Izskaidrot definīciju\n\n  Nosaukt grupas  \n",
            "body": "Šis modulis aizņem **stundu**.",
            "action": "save",
        },
    )
    assert saved.status_code == 302
    learner_page = page(app.test_client().get("/courses/demo/one/?variant=lv-LV"))
    assert "<h1>Pirmais modulis</h1>" in learner_page and "Īsumā." in learner_page
    assert "<li>Izskaidrot definīciju</li><li>Nosaukt grupas</li>" in learner_page
    assert "Šis modulis aizņem <strong>stundu</strong>." in learner_page
    editor = page(partner.get(MODULE_TEXT))
    assert "Izskaidrot definīciju\nNosaukt grupas</textarea>" in editor
    with app.app_context():
        row = db.session.scalar(select(ModuleTranslation).where(ModuleTranslation.variant_id == variant("lv-LV").id))
        assert row.objectives == ["Izskaidrot definīciju", "Nosaukt grupas"] and row.synced_hash == ""
        module_id = row.module_id
    # saving the same text again makes no new version; a changed one does
    same = {"title": "Pirmais modulis", "summary": "Īsumā.", "objectives": "Izskaidrot definīciju\nNosaukt grupas"}
    post_form(partner, MODULE_TEXT, {**same, "body": "Šis modulis aizņem **stundu**.", "action": "save"})
    post_form(partner, MODULE_TEXT, {**same, "body": "Divas stundas.", "action": "save"})
    assert [number for number, *_ in revisions(app, module_id)] == [1, 2]
    assert page(partner.get(MODULE_TEXT)).count("<time datetime=") == 2  # the versions, with their time


def test_a_text_from_the_files_goes_into_the_history_before_the_first_browser_save(app, client, course, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    editor = page(client.get("/localise/demo/pl-PL/course-text"))
    assert 'value="Kurs"' in editor and "Opis.\n</textarea>" in editor  # locales/pl-PL/course.md
    post_form(client, "/localise/demo/pl-PL/course-text", {"title": "Kurs demo", "body": "Opis.", "action": "save"})
    with app.app_context():
        rows = db.session.scalars(
            select(TranslationRevision)
            .where(TranslationRevision.variant_id == variant("pl-PL").id)
            .order_by(TranslationRevision.number)
        ).all()
        assert [(r.number, r.origin, r.title) for r in rows] == [(1, "file", "Kurs"), (2, "browser", "Kurs demo")]
    assert "<h1>Kurs demo</h1>" in page(app.test_client().get("/courses/demo/?variant=pl-PL"))


def test_a_refused_save_keeps_what_was_typed_and_says_why_in_the_editors_language(app, course, partner):
    refused = post_form(
        partner, MODULE_TEXT, {"title": "  ", "summary": "Mans kopsavilkums", "body": "Mans teksts", "action": "save"}
    )
    assert refused.status_code == 400
    text = page(refused)
    assert "Lūdzu, norādiet tulkoto nosaukumu." in text  # "Please give the translated title." in Latvian
    assert ">Mans kopsavilkums</textarea>" in text and ">Mans teksts</textarea>" in text
    assert 'aria-invalid="true"' in text
    too_long = post_form(partner, COURSE_TEXT, {"title": "x" * 301, "body": "Teksts", "action": "save"})
    assert too_long.status_code == 400 and "300" in page(too_long)
    with app.app_context():
        assert db.session.scalar(select(ModuleTranslation)) is None


def test_preview_renders_the_markdown_without_saving(app, course, partner):
    preview = post_form(partner, COURSE_TEXT, {"title": "T", "body": "*a* <img src=x onerror=1>", "action": "preview"})
    assert preview.status_code == 200
    assert "<p><em>a</em> </p>" in page(preview) and "*a* &lt;img src=x onerror=1&gt;</textarea>" in page(preview)
    fragment = partner.post(
        COURSE_TEXT,
        data={"csrf_token": csrf_from(page(partner.get(COURSE_TEXT))), "body": "**b**", "action": "preview"},
        headers={"X-Live-Preview": "1"},
    )
    assert page(fragment) == "<p><strong>b</strong></p>"
    assert revisions(app) == []


def test_a_post_without_the_csrf_token_is_refused(course, partner):
    assert partner.post(COURSE_TEXT, data={"title": "T", "action": "save"}).status_code == 400
    assert partner.post(MODULE_TEXT, data={"title": "T", "action": "save"}).status_code == 400


def test_only_admins_and_the_variants_partner_admins_edit_its_texts(app, client, course, partner, make_user):
    assert partner.get("/localise/demo/pl-PL/course-text").status_code == 403
    assert partner.get("/localise/demo/pl-PL/one/module-text").status_code == 403
    assert partner.get("/localise/demo/lv-LV/no-such-module/module-text").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(COURSE_TEXT).headers["Location"].startswith("/login")
    make_user("ana@example.org")
    learner = app.test_client()
    sign_in(learner, "ana@example.org")
    assert learner.get(COURSE_TEXT).status_code == 403
    assert learner.get(MODULE_TEXT).status_code == 403


def test_a_country_variant_starts_from_its_languages_text(app, client, course, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    post_form(client, "/localise/demo/lv/course-text", {"title": "Demo (lv)", "body": "Apraksts lv.", "action": "save"})
    status = page(client.get(STATUS))
    assert "Course text: title, summary and description</a>\n     — Learners read the lv text" in status
    assert "— Not translated: learners read the original" in status  # the module text
    editor = page(client.get(COURSE_TEXT))
    assert 'value="Demo (lv)"' in editor and "the form starts with the lv text" in editor
