"""Translation status, the editor's permissions and history, and the round trip with the files."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.courses.importer import sync_tree
from elearn.courses.models import Course, TranslationRevision, Unit, UnitTranslation
from elearn.extensions import db
from elearn.localisation import services, texts
from elearn.localisation.export import export_tree
from tests.conftest import post_form, sign_in
from tests.factories import LESSON, LOCALISED_FILES, import_course, variant


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, LOCALISED_FILES)


def states(tag) -> dict[str, str]:
    return {u.unit.slug: u.state for row in services.status(variant(tag)) for u in row.units}


def test_status_of_every_unit(app, course):
    with app.app_context():
        assert states("lv-LV") == {
            "lesson": "up-to-date",
            "other": "missing",
            "extra": "hidden",
            "quiz": "missing",
            "latvia": "country-only",
        }
        totals = services.totals(services.status(variant("lv-LV")))
        assert (totals["up-to-date"], totals["missing"], totals["hidden"], totals["country-only"]) == (1, 2, 1, 1)
        assert totals["percent"] == pytest.approx(1 / 3)
        assert set(states("pl-PL").values()) == {"missing"}


def test_a_source_change_makes_translations_outdated_and_shows_what_changed(app, client, course, make_user):
    (course / "demo/01-one/01-lesson.md").write_text(LESSON.replace("Text.", "Text, now longer."), encoding="utf-8")
    with app.app_context():
        assert sync_tree(course).ok
        assert states("lv-LV")["lesson"] == "outdated"
        db.session.commit()
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    page = client.get("/localise/demo/lv/one/lesson/").get_data(as_text=True)
    assert "The original changed since this translation was made" in page
    assert 'Text<ins><span class="visually-hidden">[added: </span>, now longer<span' in page  # a word diff


def test_partner_admin_edits_only_their_variants_never_the_source(app, client, course, make_user):
    make_user("lv@example.org", roles=("partner_admin",))
    with app.app_context():
        from elearn.auth.models import RoleGrant, User

        user = db.session.scalar(select(User).where(User.email == "lv@example.org"))
        user.grants = [RoleGrant(role="partner_admin", scope="lv-LV")]
        db.session.commit()
    sign_in(client, "lv@example.org")
    overview = client.get("/localise/").get_data(as_text=True)
    assert "/localise/demo/lv-LV/" in overview and "/localise/demo/pl-PL/" not in overview
    assert client.get("/localise/demo/lv-LV/").status_code == 200
    assert client.get("/localise/demo/pl-PL/").status_code == 403
    assert client.get("/localise/demo/pl-PL/one/lesson/").status_code == 403
    response = post_form(
        client, "/localise/demo/lv-LV/one/other/", {"title": "Cita", "body": "Cits teksts.", "action": "save"}
    )
    assert response.status_code == 302
    with app.app_context():
        source = db.session.scalar(select(Unit).where(Unit.slug == "other"))
        assert (source.title, source.body_html, source.revision) == ("Another lesson", "<p>Text.</p>", 1)


def test_anonymous_and_learners_cannot_localise(app, client, course, make_user):
    assert client.get("/localise/").headers["Location"].startswith("/login")
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    assert client.get("/localise/demo/lv-LV/").status_code == 403


def test_preview_keeps_the_text_save_records_a_revision_and_learners_see_it(app, client, course, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    url = "/localise/demo/lv-LV/one/other/"
    preview = post_form(
        client, url, {"title": "Cita", "body": "**Treknrakstā** <script>x</script>", "action": "preview"}
    ).get_data(as_text=True)
    assert "<strong>Treknrakstā</strong>" in preview and "<script>x" not in preview
    assert "**Treknrakstā** &lt;script&gt;" in preview  # the textarea keeps what was typed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TranslationRevision).filter_by(origin="browser")) == 0
    post_form(client, url, {"title": "Cita nodarbība", "body": "Pirmā versija.", "action": "save"})
    post_form(client, url, {"title": "Cita nodarbība", "body": "Otrā versija.", "action": "save"})
    reader = app.test_client()
    assert "Otrā versija." in reader.get("/courses/demo/one/other/?variant=lv-LV").get_data(as_text=True)
    history = client.get(f"{url}history").get_data(as_text=True)
    assert "[removed: </span>Pirmā<span" in history and "[added: </span>Otrā<span" in history
    post_form(client, f"{url}revert/1", page_url=f"{url}history")
    assert "Pirmā versija." in reader.get("/courses/demo/one/other/?variant=lv-LV").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TranslationRevision).filter_by(origin="browser")) == 3


def test_a_translated_quiz_keeps_the_questions(app, client, course, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    url = "/localise/demo/lv-LV/one/quiz/"
    refused = post_form(
        client, url, {"title": "Tests", "body": "## Viens\n\nIzvēlies.\n\n- [ ] jā\n- [x] nē\n", "action": "save"}
    )
    assert refused.status_code == 400
    assert "Keep this question&#39;s answers as in the original" in refused.get_data(as_text=True)
    saved = post_form(
        client, url, {"title": "Tests", "body": "## Viens\n\nIzvēlies.\n\n- [x] jā\n- [ ] nē\n", "action": "save"}
    )
    assert saved.status_code == 302


def test_import_export_import_changes_nothing(app, client, course, make_user):
    with app.app_context():
        assert export_tree(course) == []  # nothing was edited in the browser
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    post_form(
        client, "/localise/demo/lv-LV/one/other/", {"title": "Cita", "body": "Teksts no pārlūka.\n", "action": "save"}
    )
    with app.app_context():
        written = export_tree(course)
        assert [p.relative_to(course).as_posix() for p in written] == ["demo/locales/lv-LV/01-one/02-other.md"]
        assert written[0].read_text(encoding="utf-8") == "---\ntitle: Cita\n---\n\nTeksts no pārlūka.\n"
        before = [
            (t.id, t.title, t.body_source, t.content_hash, t.source_revision)
            for t in db.session.scalars(select(UnitTranslation).order_by(UnitTranslation.id))
        ]
        report = sync_tree(course)
        assert report.ok and report.changed_units == 0
        db.session.expire_all()
        after = [
            (t.id, t.title, t.body_source, t.content_hash, t.source_revision)
            for t in db.session.scalars(select(UnitTranslation).order_by(UnitTranslation.id))
        ]
        assert after == before
        assert export_tree(course) == []
        assert sync_tree(course).unchanged == ["demo"]
    cli = app.test_cli_runner().invoke(args=["courses", "export", str(course)])
    assert cli.exit_code == 0 and "0 file(s) written." in cli.output


def test_status_page_runs_a_fixed_number_of_queries(app, client, course, make_user, count_queries):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    with count_queries() as counter:
        assert client.get("/localise/demo/lv-LV/").status_code == 200
    assert counter.count <= 10, counter.statements
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1


def test_partner_admin_hides_units_and_adds_a_local_case_story_which_export_writes(app, client, course, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    status_url = "/localise/demo/lv-LV/"
    post_form(client, "/localise/demo/lv-LV/one/other/visibility", {"hide": "1"}, page_url=status_url)
    post_form(client, "/localise/demo/lv-LV/one/extra/visibility", {"hide": "0"}, page_url=status_url)
    with app.app_context():
        assert variant("lv-LV").hidden == ["one/other"]
    refused = post_form(
        client,
        "/localise/demo/lv-LV/one/new",
        {"kind": "case-story", "title": "Stāsts", "body": "Teksts.", "organisation": "SIC"},
    )
    assert refused.status_code == 400 and "Stāsts" in refused.get_data(as_text=True)  # nothing typed is lost
    created = post_form(
        client,
        "/localise/demo/lv-LV/one/new",
        {
            "kind": "case-story",
            "title": "Sociālās inovācijas centrs",
            "body": "Stāsts par centru.",
            "organisation": "Sociālās inovācijas centrs",
            "country": "LV",
            "sector": "atbalsts",
            "year": "2017",
        },
    )
    assert created.status_code == 302
    reader = app.test_client()
    page = reader.get("/courses/demo/one/?variant=lv-LV").get_data(as_text=True)
    assert "Sociālās inovācijas centrs" in page and "/courses/demo/one/other/" not in page
    assert reader.get("/courses/demo/one/socialas-inovacijas-centrs/?variant=").status_code == 404
    with app.app_context():
        written = sorted(p.relative_to(course).as_posix() for p in export_tree(course))
        assert written == [
            "demo/locales/lv-LV/01-one/06-socialas-inovacijas-centrs.md",  # 03 and 04 are the original's, 05 Latvia's
            "demo/locales/lv-LV/variant.yml",
        ]
        report = sync_tree(course)
        assert report.ok and report.changed_units == 0
        assert export_tree(course) == []
        assert variant("lv-LV").hidden == ["one/other"]


def test_live_preview_returns_only_the_sanitised_fragment(client, course, make_user):
    make_user("admin@example.org", roles=("admin",))
    sign_in(client, "admin@example.org")
    from tests.conftest import csrf_from

    url = "/localise/demo/lv-LV/one/other/"
    page = client.get(url).get_data(as_text=True)
    assert 'src="/static/editor.js"' in page and 'data-live-preview="live-preview"' in page
    fragment = client.post(
        url,
        data={"csrf_token": csrf_from(page), "title": "x", "body": "*a* <img src=x onerror=1>", "action": "preview"},
        headers={"X-Live-Preview": "1"},
    ).get_data(as_text=True)
    assert fragment == "<p><em>a</em> </p>"  # an image without its address is dropped, not left empty


def test_the_demo_course_is_localised_for_latvia_and_slovenia(app, demo):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "social-entrepreneurship"))
        for tag in ("lv-LV", "sl-SI"):
            totals = services.totals(services.status(variant(tag)))
            assert (totals["missing"], totals["outdated"], totals["percent"]) == (0, 0, 1.0), tag
            # the course text and every module's text too, not only the units
            assert texts.course_translation(variant(tag)) is not None, tag
            assert [m.slug for m in course.modules if texts.module_translation(variant(tag), m) is None] == [], tag
            local = db.session.scalars(select(Unit).where(Unit.variant_id == variant(tag).id)).all()
            assert "case-story" in {u.kind for u in local}, tag
        for tag in ("ru-LV", "pl-PL"):
            totals = services.totals(services.status(variant(tag)))
            assert totals["up-to-date"] > 0 and totals["missing"] > 0, tag
