"""The worker's copy of a course's structure (elearn.courses.tree) is never stale.

Every way content changes (an import, the translation editor, hiding a unit, a
country-only unit, a course deleted and imported again) gives the course a new stamp in
the same transaction, and the next page shows the change; writes that are not content
(a learner's progress) keep the stamp, so the copy is reused.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.courses.importer import sync_tree
from elearn.courses.models import Course, Unit
from elearn.extensions import db
from elearn.localisation import local_units, services
from tests.conftest import post_form, sign_in
from tests.factories import LESSON, LOCALISED_FILES, import_course, variant


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, LOCALISED_FILES)


def stamp(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Course.content_stamp).where(Course.slug == "demo"))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_reimport_is_shown_at_once(app, client, course):
    assert "Another lesson" in page(client, "/courses/demo/one/")
    before = stamp(app)
    (course / "demo/01-one/02-other.md").write_text(LESSON.replace("A lesson", "A renamed lesson"), encoding="utf-8")
    with app.app_context():
        assert sync_tree(course).ok
        db.session.commit()
    assert stamp(app) != before
    text = page(client, "/courses/demo/one/")
    assert "A renamed lesson" in text and "Another lesson" not in text


def test_an_unchanged_reimport_and_learners_progress_keep_the_copy(app, client, course, make_user, count_queries):
    make_user("ana@example.org")
    sign_in(client, "ana@example.org")
    post_form(client, "/me/courses/demo/enrol", page_url="/courses/demo/")
    page(client, "/courses/demo/one/lesson/")  # "seen" written
    post_form(client, "/me/courses/demo/one/lesson/done", page_url="/courses/demo/one/lesson/")
    before = stamp(app)
    with app.app_context():
        assert sync_tree(course).unchanged == ["demo"]
    assert stamp(app) == before
    with count_queries() as counter:
        page(client, "/courses/demo/one/")
    assert not any(" FROM unit" in s or " FROM module" in s for s in counter.statements), counter.statements


def test_the_translation_editor_hiding_and_a_country_only_unit_are_shown_at_once(app, client, course):
    assert "Another lesson" in page(client, "/courses/demo/one/?variant=lv-LV")
    with app.app_context():
        lv = variant("lv")
        other = db.session.scalar(select(Unit).where(Unit.slug == "other"))
        services.save(None, lv, other, "Cita nodarbība", "Teksts.")
        db.session.commit()
    assert "Cita nodarbība" in page(client, "/courses/demo/one/?variant=lv-LV")

    with app.app_context():
        services.set_hidden(variant("lv-LV"), "one", "other", True)
        db.session.commit()
    assert "Cita nodarbība" not in page(client, "/courses/demo/one/?variant=lv-LV")
    assert "Another lesson" in page(client, "/courses/demo/one/?variant=")  # the source still has it

    with app.app_context():
        local_units.create_local_unit(
            variant("lv-LV"),
            "one",
            kind="case-story",
            title="Rīgas stāsts",
            body="Stāsts.",
            meta={"organisation": "Biedrība", "country": "LV", "sector": "Sociālie pakalpojumi", "year": 2015},
        )
        db.session.commit()
    assert "Rīgas stāsts" in page(client, "/courses/demo/one/?variant=lv-LV")


def test_a_course_deleted_and_imported_again_under_the_same_id_is_read_anew(app, client, course):
    assert "Another lesson" in page(client, "/courses/demo/one/")
    with app.app_context():
        old_id = db.session.scalar(select(Course.id).where(Course.slug == "demo"))
        db.session.delete(db.session.get(Course, old_id))
        db.session.commit()
    (course / "demo/01-one/02-other.md").write_text(LESSON.replace("A lesson", "Brand new"), encoding="utf-8")
    with app.app_context():
        assert sync_tree(course).ok
        db.session.commit()
        new_id = db.session.scalar(select(Course.id).where(Course.slug == "demo"))
    text = page(client, "/courses/demo/one/")
    assert "Brand new" in text and "Another lesson" not in text
    if new_id != old_id:  # PostgreSQL's sequence never gives an id twice; SQLite does, the case that matters
        assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def test_kept_fragments_are_per_variant_and_interface_language(app, client, course, count_queries):
    """The rendered outline and unit text are kept per variant and language, and reused only for those."""
    english = page(client, "/courses/demo/one/lesson/?variant=&lang=en")
    latvian_ui = page(client, "/courses/demo/one/lesson/?variant=&lang=lv")
    assert '<html lang="en">' in english and ">Lesson<" in english
    assert '<html lang="lv">' in latvian_ui and ">Nodarbība<" in latvian_ui and ">Lesson<" not in latvian_ui
    assert "Nodarbība</h1>" in page(client, "/courses/demo/one/lesson/?variant=lv-LV&lang=en")
    assert "A lesson</h1>" in page(client, "/courses/demo/one/lesson/?variant=&lang=en")
    with count_queries() as counter:  # kept: the unit's text is not read again
        page(client, "/courses/demo/one/lesson/?variant=&lang=en")
    assert not any("body_html" in s for s in counter.statements), counter.statements


def test_module_and_unit_lists_are_made_once_per_variant_and_cannot_be_changed(app, course):
    """Every reading page shares the translated lists of its variant; a page cannot change them for the next."""
    from dataclasses import FrozenInstanceError

    import pytest

    from elearn.courses import reading as rd

    with app.test_request_context():
        tree = rd.get_course("demo")
        source, latvian = (rd.Reading(tree, rd.variant_chain(tree, tag)) for tag in (None, "lv-LV"))
        module = tree.modules[0]
        assert rd.modules(source) is rd.modules(rd.Reading(tree, []))
        assert rd.units(latvian, module) is rd.units(rd.Reading(tree, rd.variant_chain(tree, "lv-LV")), module)
        assert rd.units(source, module)[0].title == "A lesson"
        assert rd.units(latvian, module)[0].title == "Nodarbība"
        shown = rd.with_body(rd.units(source, module)[0])
        assert "<p>" in shown.body_html and rd.units(source, module)[0].body_html == ""  # a copy has the body
        with pytest.raises(FrozenInstanceError):
            rd.units(source, module)[0].title = "Changed"
