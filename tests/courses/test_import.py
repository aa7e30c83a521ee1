"""Importing course trees: all-or-nothing, idempotent, stable ids across edits and reordering."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from elearn.courses import importer
from elearn.courses.importer import sync_tree
from elearn.courses.models import Course, Module, Unit, UnitRevision, UnitTranslation, Variant
from elearn.extensions import db
from tests.factories import LESSON, valid_course


def units_by_slug():
    return {u.slug: u for u in db.session.scalars(select(Unit))}


def test_import_creates_the_tree(appctx, write_course):
    root = write_course(
        valid_course(
            **{
                "locales/lv-LV/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\nTeksts.\n",
                "locales/lv-LV/01-one/03-local.md": "---\nkind: lesson\ntitle: Latvijā\n---\nLikums.\n",
            }
        )
    )
    report = sync_tree(root)
    assert report.ok and report.imported == ["demo"]
    course = db.session.scalar(select(Course))
    assert (course.slug, course.title, course.language, course.pass_mark) == ("demo", "Demo", "en", 70)
    assert [m.slug for m in course.modules] == ["one"]
    units = units_by_slug()
    assert set(units) == {"lesson", "quiz", "local"}
    assert units["lesson"].body_html == "<p>Text.</p>"
    assert units["quiz"].questions[0]["type"] == "single"
    assert units["local"].variant.tag == "lv-LV"
    translation = db.session.scalar(select(UnitTranslation))
    assert (translation.title, translation.body_html, translation.source_revision) == ("Nodarbība", "<p>Teksts.</p>", 1)


def test_reimport_of_unchanged_files_writes_nothing(appctx, write_course, count_queries):
    root = write_course(valid_course())
    assert sync_tree(root).imported == ["demo"]
    with count_queries() as counter:
        report = sync_tree(root)
    assert report.unchanged == ["demo"] and report.imported == []
    writes = [s for s in counter.statements if not s.lstrip().upper().startswith("SELECT")]
    assert writes == []


def test_reimport_after_edits_keeps_ids_and_bumps_revisions(appctx, write_course, tmp_path):
    root = write_course(valid_course())
    sync_tree(root)
    before = {slug: unit.id for slug, unit in units_by_slug().items()}

    # Renumber the lesson (01 → 05) and edit it; the quiz stays as it was.
    course_dir = root / "demo"
    (course_dir / "01-one/01-lesson.md").rename(course_dir / "01-one/05-lesson.md")
    (course_dir / "01-one/05-lesson.md").write_text(LESSON.replace("Text.", "New text."), encoding="utf-8")
    report = sync_tree(root)
    assert report.imported == ["demo"] and report.changed_units == 1
    db.session.expire_all()
    after = units_by_slug()
    assert {slug: u.id for slug, u in after.items()} == before
    assert after["lesson"].position == 5 and after["lesson"].revision == 2
    assert after["quiz"].revision == 1
    revisions = db.session.execute(
        select(UnitRevision.revision, UnitRevision.body_source)
        .where(UnitRevision.unit_id == after["lesson"].id)
        .order_by(UnitRevision.revision)
    ).all()
    assert [r.revision for r in revisions] == [1, 2] and "New text." in revisions[1].body_source


def test_translation_becomes_outdated_when_its_source_changes(appctx, write_course):
    root = write_course(valid_course(**{"locales/lv/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\nTeksts.\n"}))
    sync_tree(root)
    (root / "demo/01-one/01-lesson.md").write_text(LESSON.replace("Text.", "Changed."), encoding="utf-8")
    sync_tree(root)
    unit = units_by_slug()["lesson"]
    translation = db.session.scalar(select(UnitTranslation))
    assert (unit.revision, translation.source_revision) == (2, 1)

    # Updating the translation file stamps it with the current source revision.
    (root / "demo/locales/lv/01-one/01-lesson.md").write_text(
        "---\ntitle: Nodarbība\n---\nMainīts.\n", encoding="utf-8"
    )
    sync_tree(root)
    db.session.expire_all()
    assert db.session.scalar(select(UnitTranslation)).source_revision == 2


def test_course_with_errors_is_not_imported_and_the_old_version_stays(appctx, write_course):
    root = write_course(valid_course())
    sync_tree(root)
    (root / "demo/01-one/01-lesson.md").write_text("---\nkind: lesson\ntitle: Changed\n---\nNew.\n", encoding="utf-8")
    (root / "demo/01-one/02-quiz.md").write_text(
        "---\nkind: quiz\ntitle: Q\n---\n## A\n\nX\n\n- [ ] a\n- [ ] b\n", encoding="utf-8"
    )
    report = sync_tree(root)
    assert not report.ok and report.failed == ["demo"] and report.imported == []
    db.session.expire_all()
    lesson = units_by_slug()["lesson"]
    assert (lesson.title, lesson.body_html, lesson.revision) == ("A lesson", "<p>Text.</p>", 1)


def test_one_bad_course_does_not_stop_the_others(appctx, write_course):
    root = write_course(valid_course(), slug="good")
    write_course(valid_course(**{"01-one/01-lesson.md": "---\nkind: nope\ntitle: x\n---\n"}), root=root, slug="bad")
    report = sync_tree(root)
    assert report.imported == ["good"] and report.failed == ["bad"]
    assert [c.slug for c in db.session.scalars(select(Course))] == ["good"]


def test_sync_tree_leaves_the_commit_to_its_caller(app, write_course):
    root = write_course(valid_course())
    with app.app_context():
        assert sync_tree(root).imported == ["demo"]  # the unit of work ends without a commit
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0
        assert sync_tree(root).imported == ["demo"]
        db.session.commit()
    with app.app_context():
        assert [c.slug for c in db.session.scalars(select(Course))] == ["demo"]


def test_a_course_whose_import_fails_leaves_nothing_and_the_courses_before_it_stay(appctx, write_course, monkeypatch):
    root = write_course(valid_course(), slug="alpha")
    write_course(valid_course(**{"locales/lv/course.md": "---\ntitle: Beta LV\n---\n"}), root=root, slug="beta")
    run = importer.VariantSync.run

    def failing(sync, variants):
        conflicts = run(sync, variants)  # the course, its modules and units are written (flushed) by now
        if sync.course.slug == "beta":
            raise RuntimeError("the database refused something")
        return conflicts

    monkeypatch.setattr(importer.VariantSync, "run", failing)
    with pytest.raises(RuntimeError):
        sync_tree(root)
    assert [c.slug for c in db.session.scalars(select(Course))] == ["alpha"]  # beta's savepoint was rolled back
    assert db.session.scalar(select(func.count()).select_from(Variant)) == 0
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 2


def test_removed_units_modules_and_variants_are_removed(appctx, write_course):
    root = write_course(
        valid_course(
            **{
                "02-two/module.md": "---\ntitle: Two\n---\n",
                "02-two/01-lesson.md": LESSON,
                "locales/lv/course.md": "---\ntitle: Demo LV\n---\n",
            }
        )
    )
    sync_tree(root)
    shutil.rmtree(root / "demo/02-two")
    shutil.rmtree(root / "demo/locales")
    sync_tree(root)
    assert [m.slug for m in db.session.scalars(select(Module))] == ["one"]
    assert db.session.scalar(select(func.count()).select_from(Variant)) == 0
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 2


def test_cli_validate_and_import(runner, write_course, appctx):
    root = write_course(valid_course(**{"01-one/01-lesson.md": "---\nkind: nope\ntitle: x\n---\n"}))
    result = runner.invoke(args=["courses", "validate", str(root)])
    assert result.exit_code == 1
    assert "demo/01-one/01-lesson.md:2: unknown kind 'nope'" in result.output
    result = runner.invoke(args=["courses", "import", str(root)])
    assert result.exit_code == 1 and "Not imported: demo" in result.output
    (root / "demo/01-one/01-lesson.md").write_text(LESSON, encoding="utf-8")
    assert runner.invoke(args=["courses", "validate", str(root)]).exit_code == 0
    result = runner.invoke(args=["courses", "import", str(root)])
    assert result.exit_code == 0 and "Imported demo: modules 1 added; units 2 added." in result.output
    result = runner.invoke(args=["courses", "import", str(root)])
    assert "demo is unchanged; nothing written." in result.output


def test_cli_import_commits_the_valid_courses_and_exits_1_for_the_others(app, runner, write_course):
    root = write_course(valid_course(), slug="good")
    write_course(valid_course(**{"01-one/01-lesson.md": "---\nkind: nope\ntitle: x\n---\n"}), root=root, slug="bad")
    result = runner.invoke(args=["courses", "import", str(root)])
    assert (
        result.exit_code == 1
        and "Imported good: modules 1 added; units 2 added." in result.output
        and "Not imported: bad" in result.output
    )
    with app.app_context():  # committed by the command, not left to be rolled back with its app context
        assert [c.slug for c in db.session.scalars(select(Course))] == ["good"]


def test_cli_export_is_a_courses_command(runner, write_course, appctx):
    """``flask courses export`` is localisation's, attached to the courses group."""
    result = runner.invoke(args=["courses", "export", str(write_course(valid_course()))])
    assert result.exit_code == 0 and "0 file(s) written." in result.output


def test_demo_course_is_valid_and_rich_enough(demo, appctx):
    course = db.session.scalar(select(Course).where(Course.slug == "social-entrepreneurship"))
    assert len(course.modules) >= 6
    for module in course.modules:
        kinds = {u.kind for u in module.units if u.variant_id is None}
        assert "lesson" in kinds and "quiz" in kinds and kinds & {"interview", "case-story"}, module.slug
    quizzes = [u for m in course.modules for u in m.units if u.kind == "quiz"]
    assert any(q.meta["format"] == "gift" for q in quizzes)
    assert "lv-LV" in [v.tag for v in course.variants]
    assert any(u.variant_id for m in course.modules for u in m.units), "a country-only unit"


def test_import_reports_what_it_did_per_course_and_variant(app, write_course):
    files = valid_course(
        **{
            "01-one/03-third.md": "---\nkind: lesson\ntitle: Third\n---\nText.\n",
            "locales/lv/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\nTeksts.\n",
            "locales/lv-LV/variant.yml": "hide:\n  - one/third\n",
            "locales/lv-LV/01-one/05-riga.md": "---\nkind: lesson\ntitle: Rīgā\n---\nTeksts.\n",
        }
    )
    root = write_course(files)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["courses", "import", str(root)])
    assert first.exit_code == 0, first.output
    assert "Imported demo: modules 1 added; units 3 added." in first.output
    assert "  lv-LV: 1 of 2 units translated, 1 hidden, 1 country-only." in first.output
    assert "  lv: 1 of 3 units translated, 0 hidden, 0 country-only." in first.output
    (root / "demo/01-one/03-third.md").unlink()
    (root / "demo/locales/lv-LV/variant.yml").unlink()
    (root / "demo/01-one/01-lesson.md").write_text(files["01-one/01-lesson.md"].replace("Text", "More text"))
    second = runner.invoke(args=["courses", "import", str(root)])
    assert "Imported demo: modules 1 unchanged; units 1 changed, 1 unchanged, 1 removed." in second.output


def test_import_and_validate_say_what_a_course_folder_is(app, tmp_path, write_course):
    runner = app.test_cli_runner()
    for command in ("validate", "import"):
        empty = runner.invoke(args=["courses", command, str(tmp_path)])
        assert empty.exit_code == 1 and "no course found: a course is a folder holding course.md" in empty.output
    root = write_course(valid_course())
    module = runner.invoke(args=["courses", "validate", str(root / "demo/01-one")])
    assert module.exit_code == 1 and "it looks like a module folder" in module.output


def test_import_into_a_database_without_tables_says_which_command_to_run(tmp_path, write_course):
    """As a new user runs it, in a process of its own on a new SQLite file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    root = write_course(valid_course())
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "elearn", "courses", "import", str(root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "The database has no tables yet: run `flask --app elearn db upgrade` first." in result.stderr
    assert "Traceback" not in result.stderr
