"""``flask courses export``: browser work written back into the files so that git can review it.

Most tests work on a copy of the demo course (courses/), imported as a trainer would; the
files are compared byte for byte and line by line, as ``git diff`` would show them.
"""

from __future__ import annotations

import difflib
import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.core.transaction import unit_of_work
from elearn.courses.frontmatter import parse_document
from elearn.courses.importer import sync_tree
from elearn.courses.models import Course, CourseTranslation, Module, ModuleTranslation, Unit, UnitTranslation
from elearn.extensions import db
from elearn.localisation import services
from elearn.localisation.export import export_tree, fingerprint, new_file, render_file, render_hidden
from tests.conftest import DEMO_COURSES
from tests.factories import LOCALISED_FILES, import_course, variant

SLUG = "social-entrepreneurship"


@pytest.fixture
def tree(app, tmp_path) -> Path:
    """A copy of the demo courses folder, imported and committed; the copy's folder."""
    root = tmp_path / "courses"
    shutil.copytree(DEMO_COURSES, root)
    with app.app_context(), unit_of_work():
        report = sync_tree(root)
        assert report.ok, "\n".join(map(str, report.problems))
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
    }


def changed_lines(old: bytes, new: bytes) -> list[str]:
    """The lines ``git diff`` marks, as ``-old`` and ``+new``."""
    diff = difflib.unified_diff(old.decode().split("\n"), new.decode().split("\n"), lineterm="", n=0)
    return [line for line in list(diff)[2:] if not line.startswith("@@")]


def unit_of(module_slug: str, unit_slug: str) -> Unit:
    return db.session.scalar(
        select(Unit).join(Module).where(Module.slug == module_slug, Unit.slug == unit_slug, Unit.variant_id.is_(None))
    )


def module_of(slug: str) -> Module:
    return db.session.scalar(select(Module).where(Module.slug == slug))


def rows() -> list[tuple]:
    """What the database holds of every text a version has, and of its sync."""
    db.session.expire_all()
    found: list[tuple] = []
    for model in (CourseTranslation, ModuleTranslation, UnitTranslation):
        found += [
            (model.__name__, r.id, r.title, r.body_source, r.content_hash, r.synced_hash)
            for r in db.session.scalars(select(model).order_by(model.id))
        ]
    found += [
        ("Unit", u.id, u.slug, u.position, u.title, u.meta, u.body_source, u.content_hash, u.synced_hash)
        for u in db.session.scalars(select(Unit).order_by(Unit.id))
    ]
    course = db.session.scalar(select(Course))
    found += [("Variant", v.tag, v.hidden, v.synced_hidden) for v in course.variants]
    return found


def test_an_untouched_export_writes_no_file_and_the_tree_stays_byte_identical(app, tree):
    before = snapshot(tree)
    assert len(before) > 140
    with app.app_context():
        assert export_tree(tree) == []
    assert snapshot(tree) == before  # not one byte, not one file touched
    result = app.test_cli_runner().invoke(args=["courses", "export", str(tree)])
    assert result.exit_code == 0 and result.output == "0 file(s) written.\n"
    assert snapshot(tree) == before
    with app.app_context(), unit_of_work():  # rows imported before synced_hash existed: the files hold them
        for model in (CourseTranslation, ModuleTranslation, UnitTranslation):
            for row in db.session.scalars(select(model)):
                row.synced_hash = ""
        assert export_tree(tree) == []
        assert all(r[-2] == r[-1] for r in rows() if r[0] != "Variant")
    assert snapshot(tree) == before


def test_a_browser_edit_is_written_with_lf_and_changes_only_its_lines(app, tree):
    definitions = tree / SLUG / "locales/lv-LV/01-what-is-a-social-enterprise/01-definitions.md"
    interview = tree / SLUG / "locales/lv-LV/01-what-is-a-social-enterprise/03-interview-information-point.md"
    old_definitions, old_interview = definitions.read_bytes(), interview.read_bytes()
    with app.app_context(), unit_of_work():
        lv = variant("lv-LV")
        unit = unit_of("what-is-a-social-enterprise", "definitions")
        translation = services.own_translation(lv, unit)
        lines = translation.body_source.lstrip("\n").split("\n")  # a textarea drops the first newline
        edited = [i for i, line in enumerate(lines) if line.strip()][2:4]
        for i in edited:
            lines[i] += " (labots pārlūkā)"
        services.save(None, lv, unit, translation.title, "\r\n".join(lines))  # as a browser posts it
        talk = unit_of("what-is-a-social-enterprise", "interview-information-point")
        spoken = services.own_translation(lv, talk)
        services.save(None, lv, talk, spoken.title.replace("konsultants", "konsultante"), spoken.body_source)
        written = export_tree(tree)
    assert sorted(written) == sorted([definitions, interview])
    new_definitions = definitions.read_bytes()
    assert b"\r" not in new_definitions
    diff = changed_lines(old_definitions, new_definitions)
    assert len(diff) == 2 * len(edited) == 4
    assert [line for line in diff if line.startswith("+")] == [f"+{lines[i]}" for i in edited]
    # the quoted title is the only line that changes, and stays quoted as the trainer wrote it
    assert changed_lines(old_interview, interview.read_bytes()) == [
        '-title: "Pirmie soļi: konsultants informācijas punktā"',
        '+title: "Pirmie soļi: konsultante informācijas punktā"',
    ]
    with app.app_context():
        assert export_tree(tree) == []  # written once: nothing left to export


def test_variant_yml_keeps_the_trainers_comment_when_units_are_hidden_and_shown(app, write_course):
    comment = "# Latvia has its own law: the Slovenian detail is left out.\n# Ask Līga before showing it.\n"
    files = {**LOCALISED_FILES, "locales/lv-LV/variant.yml": f"{comment}hide:\n  - one/extra  # see above\n"}
    target = import_course(app, write_course, files) / "demo/locales/lv-LV/variant.yml"
    original = target.read_bytes()
    with app.app_context(), unit_of_work():
        services.set_hidden(variant("lv-LV"), "one", "other", True)
        assert export_tree(target.parents[3]) == [target]
        assert variant("lv-LV").synced_hidden == variant("lv-LV").hidden
    added = target.read_bytes()
    assert changed_lines(original, added) == ["+  - one/other"]
    with app.app_context(), unit_of_work():
        services.set_hidden(variant("lv-LV"), "one", "extra", False)
        assert export_tree(target.parents[3]) == [target]
    assert changed_lines(added, target.read_bytes()) == ["-  - one/extra  # see above"]
    assert target.read_text(encoding="utf-8") == f"{comment}hide:\n  - one/other\n"
    with app.app_context():
        assert sync_tree(target.parents[3]).ok and variant("lv-LV").hidden == ["one/other"]
        assert export_tree(target.parents[3]) == []


def test_a_country_only_unit_made_in_the_browser_gets_a_number_no_file_has_and_keeps_its_file(app, tree):
    source = tree / SLUG / "02-legal-forms"
    local = tree / SLUG / "locales/lv-LV/02-legal-forms"
    taken = {int(p.name.split("-")[0]) for folder in (source, local) for p in folder.glob("[0-9]*.md")}
    assert taken == {1, 2, 3, 4, 5, 6}
    with app.app_context(), unit_of_work():
        module = module_of("legal-forms")
        [interview] = [u.position for u in module.units if u.kind == "interview" and u.variant_id is None]
        unit = Unit(  # as the editor makes one: after the module's interview (04), not exported yet
            module=module,
            variant_id=variant("lv-LV").id,
            slug="pasvaldibu-atbalsts",
            position=interview,
            kind="case-story",
            title="Pašvaldību atbalsts",
            meta={"organisation": "Rīgas dome", "country": "LV", "sector": "pašvaldība", "year": 2019},
            body_source="Stāsts.\r\nOtrā rinda.",
            revision=1,
        )
        db.session.add(unit)
        unit.content_hash = fingerprint(unit)
        db.session.flush()
        notes: list[str] = []
        [path] = export_tree(tree, notes)
        assert unit.position == int(path.name.split("-")[0])  # as an import of the file will say
    assert path.parent == local and path.name == "07-pasvaldibu-atbalsts.md"
    assert int(path.name[:2]) not in taken
    [note] = notes  # 05 (the quiz) and 06 (the exercise) now come before it: the trainer is told
    assert note.startswith(f"{path}: numbered 07, as no number was free right after 04")
    assert (
        path.read_bytes()
        == (
            "---\nkind: case-story\ntitle: Pašvaldību atbalsts\norganisation: Rīgas dome\ncountry: LV\n"
            "sector: pašvaldība\nyear: 2019\n---\n\nStāsts.\nOtrā rinda.\n"
        ).encode()
    )
    law = local / "03-sociala-uznemuma-likums.md"  # a country-only unit from a file
    old_law = law.read_bytes()
    with app.app_context(), unit_of_work():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "pasvaldibu-atbalsts"))
        unit.body_source = "Stāsts, labots.\nOtrā rinda."
        unit.content_hash = fingerprint(unit)
        file_unit = db.session.scalar(select(Unit).where(Unit.slug == "sociala-uznemuma-likums"))
        file_unit.title = "Latvijas Sociālā uzņēmuma likums (2018)"
        file_unit.content_hash = fingerprint(file_unit)
        assert sorted(export_tree(tree)) == sorted([law, path])  # the same files, no new ones
    assert sorted(p.name for p in local.glob("*.md") if "pasvaldibu" in p.name) == ["07-pasvaldibu-atbalsts.md"]
    assert changed_lines(old_law, law.read_bytes()) == [
        "-title: Latvijas Sociālā uzņēmuma likums",
        "+title: Latvijas Sociālā uzņēmuma likums (2018)",
    ]
    assert "Stāsts, labots." in path.read_text()
    exported = path.read_bytes()
    with app.app_context(), unit_of_work():  # moved in the browser to the module's beginning
        unit = db.session.scalar(select(Unit).where(Unit.slug == "pasvaldibu-atbalsts"))
        unit.position = 0
        unit.content_hash = "moved in the browser"
        notes = []
        moved = local / "00-pasvaldibu-atbalsts.md"
        assert export_tree(tree, notes) == [moved, path] and notes == []
        assert unit.position == 0 and unit.content_hash == unit.synced_hash
    assert moved.read_bytes() == exported and not path.exists()  # git sees a rename


def test_import_export_import_changes_nothing(app, tree):
    with app.app_context(), unit_of_work():
        lv = variant("lv-LV")
        unit = unit_of("funding", "funding-mix")
        translation = services.own_translation(lv, unit)
        services.save(None, lv, unit, translation.title, translation.body_source.replace("\n", "\r\n") + "Jauns.\r\n")
        services.set_hidden(lv, "funding", "funding-mix", True)
        local = Unit(
            module=module_of("funding"),
            variant_id=lv.id,
            slug="vietejais-fonds",
            position=3,
            kind="lesson",
            title="Vietējais fonds",
            meta={},
            body_source="Teksts.",
            revision=1,
        )
        db.session.add(local)
        local.content_hash = fingerprint(local)
        course_text = db.session.scalar(select(CourseTranslation).where(CourseTranslation.variant_id == lv.id))
        course_text.summary = "Īss kopsavilkums: labots pārlūkā."
        course_text.content_hash = fingerprint(course_text)
        assert len(export_tree(tree)) == 4
    with app.app_context():
        exported = rows()
        assert all(r[-2] == r[-1] for r in exported if r[0] != "Variant")  # nothing left to export
        report = sync_tree(tree)
        assert report.ok and report.unchanged == [SLUG] and report.imported == []
        assert rows() == exported
        report = sync_tree(tree, force=True)  # every file read again: the rows are what the files say
        assert report.ok and report.changed_units == 0
        assert rows() == exported
        assert export_tree(tree) == []


def test_course_and_module_texts_edited_in_the_browser_are_written(app, tree):
    locales = tree / SLUG / "locales"
    course_md = locales / "lv-LV/course.md"
    module_md = locales / "lv-LV/01-what-is-a-social-enterprise/module.md"
    old_course, old_module = course_md.read_bytes(), module_md.read_bytes()
    with app.app_context(), unit_of_work():
        lv, pl = variant("lv-LV"), variant("pl-PL")
        course_text = db.session.scalar(select(CourseTranslation).where(CourseTranslation.variant_id == lv.id))
        course_text.summary = "Praktisks ievadkurss: labots pārlūkā."
        course_text.content_hash = fingerprint(course_text)
        first = module_of("what-is-a-social-enterprise")
        module_text = db.session.scalar(
            select(ModuleTranslation).where(
                ModuleTranslation.variant_id == lv.id, ModuleTranslation.module_id == first.id
            )
        )
        module_text.objectives = [*module_text.objectives[:1], "Atšķirt sociālo uzņēmumu", *module_text.objectives[2:]]
        module_text.content_hash = fingerprint(module_text)
        legal = module_of("legal-forms")
        made = ModuleTranslation(
            variant_id=pl.id,
            module_id=legal.id,
            title="Formy prawne",
            summary="Jakie formy prawne: przegląd.",
            objectives=["Wymienić formy prawne", "yes"],
            body_source="Wstęp.\r\n\r\nDruga linia.\r\n",
        )
        db.session.add(made)
        made.content_hash = fingerprint(made)
        written = export_tree(tree)
    new_module = locales / "pl-PL/02-legal-forms/module.md"
    assert sorted(written) == sorted([course_md, module_md, new_module])
    assert changed_lines(old_course, course_md.read_bytes()) == [
        next(f"-{line}" for line in old_course.decode().split("\n") if line.startswith("summary:")),
        '+summary: "Praktisks ievadkurss: labots pārlūkā."',
    ]
    assert changed_lines(old_module, module_md.read_bytes()) == [
        next(f"-{line}" for line in old_module.decode().split("\n") if line.startswith("  - Atšķirt")),
        "+  - Atšķirt sociālo uzņēmumu",
    ]
    assert (
        new_module.read_bytes()
        == (
            '---\ntitle: Formy prawne\nsummary: "Jakie formy prawne: przegląd."\nobjectives:\n'
            '  - Wymienić formy prawne\n  - "yes"\n---\n\nWstęp.\n\nDruga linia.\n'
        ).encode()
    )
    doc = parse_document(new_module.read_bytes())  # as the loader reads the file
    assert doc.meta == {
        "title": "Formy prawne",
        "summary": "Jakie formy prawne: przegląd.",
        "objectives": ["Wymienić formy prawne", "yes"],
    }
    with app.app_context():
        row = db.session.scalar(
            select(ModuleTranslation).where(
                ModuleTranslation.variant_id == variant("pl-PL").id,
                ModuleTranslation.module_id == module_of("legal-forms").id,
            )
        )
        assert row.body_source == doc.body == "\nWstęp.\n\nDruga linia.\n"
        assert row.content_hash == row.synced_hash == hashlib.sha256(doc.raw).hexdigest()


def test_the_export_command_commits_what_it_recorded(app, write_course):
    root = import_course(app, write_course, LOCALISED_FILES)
    with app.app_context(), unit_of_work():
        services.save(None, variant("lv-LV"), unit_of("one", "other"), "Cita", "Teksts no pārlūka.\r\n")
    result = app.test_cli_runner().invoke(args=["courses", "export", str(root)])
    assert result.exit_code == 0 and result.output.endswith("1 file(s) written.\n"), result.output
    target = root / "demo/locales/lv-LV/01-one/02-other.md"
    assert target.read_bytes() == "---\ntitle: Cita\n---\n\nTeksts no pārlūka.\n".encode()
    with app.app_context():  # a new session: what the command committed
        row = services.own_translation(variant("lv-LV"), unit_of("one", "other"))
        assert row.content_hash == row.synced_hash and row.body_source == "\nTeksts no pārlūka.\n"


# ---------------------------------------------------------------- the file format, without a database


def test_a_changed_key_is_the_only_changed_line_whatever_the_layout():
    existing = (
        b"---\n# kept: a note for translators\ntitle: Old\nobjectives:\n- one   # first\n- two\n"
        b"figures: {A: 1, B: 2}\nid: kept\n---\n\n\nBody line.\r\nSecond.\r\n\r\n"
    )
    new = render_file(existing, {"title": "yes", "objectives": ["one", "two"]}, {"title", "objectives"}, "Body line.\n")
    text = new.decode()
    assert "\r" not in text
    assert changed_lines(existing.replace(b"\r\n", b"\n"), new) == [
        "-title: Old",
        '+title: "yes"',
        "-Second.",
    ]
    assert parse_document(new).meta["title"] == "yes"  # read as text, not as true


def test_a_removed_key_goes_and_a_new_one_is_added_at_the_end():
    existing = b"---\ntitle: T\nrole: Old role  # why\ninterviewee: X\n---\nBody\n"
    new = render_file(
        existing, {"title": "T", "interviewee": "X", "country": "LV"}, {"title", "role", "country"}, "Body"
    )
    assert new == b"---\ntitle: T\ninterviewee: X\ncountry: LV\n---\nBody\n"


def test_a_new_file_is_tidy_and_reads_back_as_written():
    data = new_file({"title": "Nosaukums: ar kolu", "summary": "", "objectives": []}, "\r\nTeksts.\r\n\r\n")
    assert data == b'---\ntitle: "Nosaukums: ar kolu"\n---\n\nTeksts.\n'
    assert parse_document(data).meta == {"title": "Nosaukums: ar kolu"}
    assert new_file({"title": "T"}, "") == b"---\ntitle: T\n---\n"


def test_variant_yml_written_anew_and_changed_in_place():
    assert render_hidden(None, ["b/x", "a/y"]) == b"hide:\n  - a/y\n  - b/x\n"
    existing = b"# why\nhide:\n- a/y  # reason\n- c/z\n"
    assert render_hidden(existing, ["c/z", "a/y"]) is existing
    assert render_hidden(existing, ["a/y", "b/x", "c/z"]) == b"# why\nhide:\n- a/y  # reason\n- b/x\n- c/z\n"
    assert render_hidden(b"# nothing hidden yet\n", ["a/y"]) == b"# nothing hidden yet\nhide:\n  - a/y\n"
    assert render_hidden(b"# why\nhide:\n  - a/y\n", []) == b"# why\nhide: []\n"
