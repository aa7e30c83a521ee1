"""Files and browser work meet on import: nothing a partner wrote is lost (issue #28).

Each test imports the course files, works in the browser (through the services the
editor calls), edits the files, and imports again — on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.courses.importer import sync_tree
from elearn.courses.models import TranslationRevision, Unit
from elearn.extensions import db
from elearn.localisation import local_units, services
from tests.conftest import sign_in
from tests.factories import LESSON, LOCALISED_FILES, import_course, variant

LV_LESSON = "demo/locales/lv/01-one/01-lesson.md"


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, LOCALISED_FILES)


@pytest.fixture
def editor(app, make_user):
    make_user("editor@example.org", roles=("admin",))
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "editor@example.org"))


def browser_save(app, user_id, tag, unit_slug, title, body):
    with app.app_context():
        user = db.session.get(User, user_id)
        v = variant(tag)
        services.save(user, v, services.get_unit(v, "one", unit_slug), title, body)
        db.session.commit()


def translation(tag, unit_slug):
    v = variant(tag)
    return services.own_translation(v, services.get_unit(v, "one", unit_slug))


def state(tag, unit_slug):
    return {u.unit.slug: u.state for row in services.status(variant(tag)) for u in row.units}[unit_slug]


def edit_source(course, text="Text, changed in the files."):
    (course / "demo/01-one/01-lesson.md").write_text(LESSON.replace("Text.", text), encoding="utf-8")


def import_again(app, course, **options):
    with app.app_context():
        report = sync_tree(course, **options)
        db.session.commit()
    return report


def test_a_source_change_keeps_the_browser_translation_and_marks_it_outdated(app, client, course, editor):
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Tulkots pārlūkā.")
    edit_source(course)
    report = import_again(app, course)
    assert report.ok, report.problems
    with app.app_context():
        assert translation("lv", "lesson").body_source == "Tulkots pārlūkā."
        assert state("lv", "lesson") == "outdated"
    sign_in(client, "editor@example.org")
    page = client.get("/localise/demo/lv/").get_data(as_text=True)
    assert "outdated" in page.lower()


def test_an_unchanged_file_never_overwrites_browser_work(app, course, editor):
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Tulkots pārlūkā.")
    (course / "demo/01-one/02-other.md").write_text(LESSON.replace("Text.", "Other text."), encoding="utf-8")
    assert import_again(app, course).ok
    assert import_again(app, course, force=True).ok
    with app.app_context():
        assert translation("lv", "lesson").body_source == "Tulkots pārlūkā."
        assert state("lv", "lesson") == "up-to-date"  # its source did not change


def test_a_file_edit_without_browser_work_is_taken(app, course):
    (course / LV_LESSON).write_text("---\ntitle: Nodarbība\n---\nJauns teksts.\n", encoding="utf-8")
    assert import_again(app, course).ok
    with app.app_context():
        assert translation("lv", "lesson").body_source == "Jauns teksts.\n"
        origins = db.session.scalars(select(TranslationRevision.origin).order_by(TranslationRevision.number))
        assert "file" in list(origins)


@pytest.mark.parametrize("order", ["browser first", "file first"])
def test_both_edited_is_a_conflict_that_stops_the_import_with_file_and_line(app, course, editor, order):
    file_text = "---\ntitle: Nodarbība\n---\nLabots failā.\n"
    if order == "file first":
        (course / LV_LESSON).write_text(file_text, encoding="utf-8")
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Labots pārlūkā.")
    if order == "browser first":
        (course / LV_LESSON).write_text(file_text, encoding="utf-8")
    edit_source(course, "A source change in the same import.")
    report = import_again(app, course)
    assert not report.ok and report.failed == ["demo"]
    assert [str(p).split(": ")[0] for p in report.problems] == [f"{LV_LESSON}:1"]
    assert "--ours" in str(report.problems[0]) and "--theirs" in str(report.problems[0])
    with app.app_context():
        assert translation("lv", "lesson").body_source == "Labots pārlūkā."
        source = db.session.scalar(select(Unit).where(Unit.slug == "lesson", Unit.variant_id.is_(None)))
        assert "A source change" not in source.body_source  # nothing of the course was written


def test_ours_keeps_the_browser_text_and_the_file_text_joins_the_history(app, course, editor):
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Labots pārlūkā.")
    (course / LV_LESSON).write_text("---\ntitle: Nodarbība\n---\nLabots failā.\n", encoding="utf-8")
    assert import_again(app, course, prefer="ours").ok
    assert import_again(app, course, force=True).ok  # settled: the same files are no conflict any more
    with app.app_context():
        row = translation("lv", "lesson")
        assert row.body_source == "Labots pārlūkā." and row.content_hash != row.synced_hash  # still to export
        texts = db.session.scalars(select(TranslationRevision.body_source).filter_by(unit_id=row.unit_id))
        assert "Labots failā.\n" in list(texts)


def test_theirs_takes_the_file_and_the_browser_text_stays_in_the_history(app, course, editor):
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Labots pārlūkā.")
    (course / LV_LESSON).write_text("---\ntitle: Nodarbība\n---\nLabots failā.\n", encoding="utf-8")
    assert import_again(app, course, prefer="theirs").ok
    with app.app_context():
        row = translation("lv", "lesson")
        assert row.body_source == "Labots failā.\n" and row.content_hash == row.synced_hash
        history = services.history(variant("lv"), services.get_unit(variant("lv"), "one", "lesson"))
        assert "Labots pārlūkā." in [entry.revision.body_source for entry in history]


def test_a_browser_translation_without_a_file_survives_and_a_deleted_file_removes_a_file_translation(
    app, course, editor
):
    browser_save(app, editor, "lv-LV", "other", "Cita", "Tikai pārlūkā.")
    (course / LV_LESSON).unlink()
    assert import_again(app, course).ok
    with app.app_context():
        assert translation("lv-LV", "other").body_source == "Tikai pārlūkā."
        assert translation("lv", "lesson") is None


def test_a_deleted_file_with_browser_work_since_is_a_conflict(app, course, editor):
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Labots pārlūkā.")
    (course / LV_LESSON).unlink()
    report = import_again(app, course)
    assert [p.path for p in report.problems] == ["demo/locales/lv/one/lesson"]
    assert import_again(app, course, prefer="ours").ok
    assert import_again(app, course, force=True).ok
    with app.app_context():
        assert translation("lv", "lesson").body_source == "Labots pārlūkā."


def test_hiding_and_country_only_units_made_in_the_browser_survive_imports(app, course):
    with app.app_context():
        v = variant("lv-LV")
        services.set_hidden(v, "one", "other", True)
        services.set_hidden(v, "one", "extra", False)
        local_units.create_local_unit(v, "one", kind="lesson", title="Pārlūkā", body="Vietējs.", meta={})
        db.session.commit()
    edit_source(course)
    (course / "demo/locales/lv-LV/variant.yml").write_text("hide:\n  - one/extra\n  - one/quiz\n", encoding="utf-8")
    assert import_again(app, course).ok
    assert import_again(app, course, force=True).ok
    with app.app_context():
        # the browser hid "other" and showed "extra"; the files hid "quiz" since: all three hold
        assert variant("lv-LV").hidden == ["one/other", "one/quiz"]
        local = db.session.scalars(select(Unit.slug).where(Unit.variant_id == variant("lv-LV").id))
        assert sorted(local) == ["latvia", "parluka"]


def test_a_file_removed_from_the_hidden_list_shows_the_unit_again(app, course):
    (course / "demo/locales/lv-LV/variant.yml").write_text("hide: []\n", encoding="utf-8")
    assert import_again(app, course).ok
    with app.app_context():
        assert variant("lv-LV").hidden == []


def test_a_country_only_file_unit_edited_in_the_browser_and_in_the_file_is_a_conflict(app, course):
    path = "demo/locales/lv-LV/01-one/05-latvia.md"
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "latvia"))
        unit.body_source, unit.content_hash = "Labots pārlūkā.", "edited-in-the-browser"
        db.session.commit()
    (course / path).write_text("---\nkind: lesson\ntitle: Latvijā\n---\nLabots failā.\n", encoding="utf-8")
    report = import_again(app, course)
    assert [f"{p.path}:{p.line}" for p in report.problems] == [f"{path}:1"]
    assert import_again(app, course, prefer="theirs").ok
    with app.app_context():
        assert db.session.scalar(select(Unit.body_source).where(Unit.slug == "latvia")) == "Labots failā.\n"


def test_a_removed_variant_folder_with_browser_work_is_kept_until_told(app, course, editor):
    browser_save(app, editor, "pl-PL", "lesson", "Lekcja", "Przetłumaczone w przeglądarce.")
    for path in sorted((course / "demo/locales/pl-PL").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (course / "demo/locales/pl-PL").rmdir()
    report = import_again(app, course)
    assert [p.path for p in report.problems] == ["locales/pl-PL"]
    with app.app_context():
        assert variant("pl-PL") is not None
    assert import_again(app, course, prefer="theirs").ok
    with app.app_context():
        assert variant("pl-PL") is None


def test_the_import_command_lists_conflicts_and_takes_ours_or_theirs(app, course, editor):
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Labots pārlūkā.")
    (course / LV_LESSON).write_text("---\ntitle: Nodarbība\n---\nLabots failā.\n", encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["courses", "import", str(course)])
    assert refused.exit_code == 1
    assert f"{LV_LESSON}:1: unit one/lesson was edited in the browser and in this file" in refused.output
    taken = runner.invoke(args=["courses", "import", str(course), "--theirs"])
    assert taken.exit_code == 0, taken.output
    with app.app_context():
        assert translation("lv", "lesson").body_source == "Labots failā.\n"


def test_every_text_numbers_its_revisions_one_by_one_whichever_way_they_came(app, course, editor):
    (course / LV_LESSON).write_text("---\ntitle: Nodarbība\n---\nOtrais.\n", encoding="utf-8")
    assert import_again(app, course).ok
    browser_save(app, editor, "lv", "lesson", "Nodarbība", "Trešais.")
    (course / "demo/locales/pl-PL/course.md").write_text("---\ntitle: Kurs\n---\nNowy opis.\n", encoding="utf-8")
    assert import_again(app, course).ok
    with app.app_context():
        unit_id = translation("lv", "lesson").unit_id
        numbers = db.session.scalars(
            TranslationRevision.of(variant("lv").id, unit_id=unit_id).with_only_columns(TranslationRevision.number)
        )
        assert sorted(numbers) == [1, 2, 3]  # the first file, the changed file, the browser's
        course_text = TranslationRevision.of(variant("pl-PL").id).order_by(TranslationRevision.number)
        assert [r.number for r in db.session.scalars(course_text)] == [1, 2]
