"""The validator never lets a mistake pass silently (issue #27), and one rule for paths.

Each test names a mistake a trainer made that used to validate, or to give a misleading
message: files in the wrong place, links to missing headings, images without alternative
text, GIFT weights that are not numbers, unsafe link schemes, YAML without a hint, and
paths in translations written as if the file sat in the source folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from elearn.courses.loader import Problem, load_path
from tests.factories import COURSE, LESSON, MODULE
from tests.factories import SIMPLE_QUIZ as QUIZ

DEMO_COURSES = Path(__file__).resolve().parents[2] / "courses"
PNG = b"\x89PNG\r\n\x1a\n"
PNG_VERSION = hashlib.sha256(PNG).hexdigest()[:16]  # media addresses carry their content's version


def valid_course(**extra):
    files = {
        "course.md": COURSE,
        "01-one/module.md": MODULE,
        "01-one/01-lesson.md": LESSON,
        "01-one/02-quiz.md": QUIZ,
    }
    files.update(extra)
    return {k: v for k, v in files.items() if v is not None}


def check(write_course, files, path: str | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the course written from ``files``, as the validator prints them."""
    root = write_course(files)
    warnings: list[Problem] = []
    errors = [
        p for _dir, _data, problems in load_path(root / path if path else root, warnings=warnings) for p in problems
    ]
    return [str(p) for p in errors], [str(p) for p in warnings]


def lesson(body: str, title: str = "x") -> str:
    return f"---\nkind: lesson\ntitle: {title}\n---\n{body}"


# -- 1. every file is used or reported -------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "01-one/extra.md",
            LESSON,
            "demo/01-one/extra.md:1: warning: not a unit: unit file names start with a number, e.g. 03-extra.md",
        ),
        (
            "01-one/3_extra.md",
            LESSON,
            "demo/01-one/3_extra.md:1: warning: not a unit: unit file names start with a number, e.g. 3-extra.md",
        ),
        (
            "03-extra.md",
            LESSON,
            "demo/03-extra.md:1: warning: not a unit: units go in a module folder, e.g. 01-one/03-extra.md",
        ),
        (
            "extra/module.md",
            MODULE,
            "demo/extra:1: warning: not a module: module folder names start with a number, e.g. 02-extra",
        ),
        (
            "01-one/03-lesson.MD",
            LESSON,
            "demo/01-one/03-lesson.MD:1: warning: not a unit: a unit file name ends in .md",
        ),
        ("notes.txt", "x", "demo/notes.txt:1: warning: not part of the course: a course folder holds course.md"),
        ("photo.png", PNG, "demo/photo.png:1: warning: not used: media files go in the course's media/ folder"),
        ("01-one/photo.png", PNG, "demo/01-one/photo.png:1: warning: not used: media files go in the course's media/"),
        (
            "01-one/media/photo.png",
            PNG,
            "demo/01-one/media:1: warning: not used: media files go in the course's media/",
        ),
        ("locales/notes.txt", "x", "demo/locales/notes.txt:1: warning: not part of the course: locales/ holds"),
        (
            "locales/lv-LV/01-one/extra.md",
            "---\ntitle: X\n---\n",
            "demo/locales/lv-LV/01-one/extra.md:1: warning: not a unit: unit file names start with a number",
        ),
        (
            "locales/lv-LV/03-extra.md",
            LESSON,
            "demo/locales/lv-LV/03-extra.md:1: warning: not a unit: units go in a module folder, e.g. "
            "locales/lv-LV/01-one/03-extra.md",
        ),
    ],
)
def test_a_file_in_the_wrong_place_is_a_warning_with_the_fix(write_course, path, text, expected):
    errors, warnings = check(write_course, valid_course(**{path: text}))
    assert errors == []  # a warning: the course still imports
    assert any(w.startswith(expected) for w in warnings), warnings


def test_files_ignored_on_purpose_are_not_reported(write_course):
    files = valid_course(
        **{
            "README.md": "# About this course\n",
            "LICENSE": "CC BY 4.0\n",
            ".gitignore": "*.tmp\n",
            ".git/config": "[core]\n",
            "01-one/README.md": "notes for trainers\n",
            "01-one/.DS_Store": b"\0",
            "media/photo.png": PNG,
            "media/sources/photo.xcf": b"\0",
            "locales/lv-LV/README.md": "notes for translators\n",
        }
    )
    assert check(write_course, files) == ([], [])


def test_a_folder_of_courses_reports_a_folder_without_course_md(write_course):
    root = write_course(valid_course())
    (root / "draft").mkdir()
    (root / "draft" / "Course.md").write_text(COURSE)
    warnings: list[Problem] = []
    assert [p for _d, _c, problems in load_path(root, warnings=warnings) for p in problems] == []
    assert [str(w) for w in warnings] == [
        "draft:1: warning: not a course: a course folder holds course.md (lowercase), module folders and media/"
    ]


def test_warnings_the_caller_does_not_collect_are_logged(write_course, caplog):
    root = write_course(valid_course(**{"01-one/extra.md": LESSON}))
    with caplog.at_level("WARNING", logger="elearn.courses.loader"):
        assert [p for _d, _c, problems in load_path(root) for p in problems] == []
    assert "demo/01-one/extra.md:1: warning: not a unit" in caplog.text


# -- 3. anchors ----------------------------------------------------------------------------------


def test_a_link_to_a_missing_heading_lists_the_target_headings(write_course):
    files = valid_course(
        **{
            "01-one/01-lesson.md": lesson("## Funding\n\nText.\n\n## Grants and loans\n\nMore.\n"),
            "01-one/03-links.md": lesson(
                "[ok](01-lesson.md#grants-and-loans) [top](01-lesson.md#top) [here](#more)\n\n"
                "## More\n\n[bad](01-lesson.md#no-such-heading)\n[bad here](#nowhere)\n"
            ),
        }
    )
    errors, _ = check(write_course, files)
    assert errors == [
        "demo/01-one/03-links.md:9: heading #no-such-heading not found in 01-lesson.md; "
        "its headings: #funding, #grants-and-loans",
        "demo/01-one/03-links.md:10: heading #nowhere not found in 03-links.md; its headings: #more",
    ]


def test_anchors_in_a_translation_are_checked_against_what_its_learners_see(write_course):
    files = valid_course(
        **{
            "01-one/01-lesson.md": lesson("## Hidden labour market\n\nText.\n"),
            "01-one/03-links.md": lesson("[x](01-lesson.md#hidden-labour-market)\n"),
            "locales/lv-LV/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\n## Slēptais darba tirgus\n\nTeksts.\n",
            "locales/lv-LV/01-one/03-links.md": "---\ntitle: Saites\n---\n"
            "[labi](01-lesson.md#slēptais-darba-tirgus)\n[slikti](01-lesson.md#hidden-labour-market)\n",
        }
    )
    errors, warnings = check(write_course, files)
    assert errors == [
        "demo/locales/lv-LV/01-one/03-links.md:5: heading #hidden-labour-market not found in 01-lesson.md; "
        "its headings: #slēptais-darba-tirgus"
    ]
    assert warnings == []


# -- 4. alternative text -------------------------------------------------------------------------


def test_an_image_without_alternative_text_is_an_error_with_the_fix(write_course):
    files = valid_course(**{"media/x.png": PNG, "01-one/03-img.md": lesson("Text.\n\n![](../media/x.png)\n")})
    errors, _ = check(write_course, files)
    assert errors == [
        "demo/01-one/03-img.md:7: image ../media/x.png has no alternative text: describe it, "
        "e.g. ![A reuse centre's sorting line](../media/x.png), or mark a purely decorative image "
        'with the title "decorative": ![](../media/x.png "decorative")'
    ]


def test_a_decorative_image_says_so_and_gets_an_empty_alt(write_course):
    files = valid_course(**{"media/x.png": PNG, "01-one/03-img.md": lesson('![](../media/x.png "decorative")\n')})
    root = write_course(files)
    [(_dir, course, problems)] = load_path(root)
    assert problems == []
    html = next(u for u in course.modules[0].units if u.id == "img").body_html
    assert f'<img alt="" loading="lazy" src="/courses/demo/media/x.png?v={PNG_VERSION}">' in html  # no tooltip


# -- 5. GIFT weights ------------------------------------------------------------------------------


def test_a_gift_weight_typo_is_reported_with_file_and_line(write_course):
    quiz = "---\nkind: quiz\ntitle: Quiz\nformat: gift\n---\nWhat does it cost? {\n=%5O%total cost\n~nothing\n}\n"
    errors, _ = check(write_course, valid_course(**{"01-one/02-quiz.md": quiz}))
    assert errors == [
        "demo/01-one/02-quiz.md:7: GIFT: the weight %5O% is not a number: "
        "write a percentage between -100 and 100, e.g. %50%"
    ]


# -- 6. unsafe link schemes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "scheme"),
    [("javascript&#58;alert(1)", "javascript:"), ("JavaScript:alert(1)", "javascript:"), ("data:text/html,x", "data:")],
)
def test_an_unsafe_link_scheme_has_its_own_message(write_course, link, scheme):
    errors, _ = check(write_course, valid_course(**{"01-one/03-x.md": lesson(f"[x]({link})\n")}))
    assert errors == [
        f"demo/01-one/03-x.md:5: unsafe link scheme '{scheme}' — only http, https, mailto, tel and relative links "
        "are allowed"
    ]


def test_an_image_from_another_site_is_an_error(write_course):
    errors, _ = check(write_course, valid_course(**{"01-one/03-x.md": lesson("![A map](https://example.org/m.png)\n")}))
    assert errors == [
        "demo/01-one/03-x.md:5: image https://example.org/m.png is on another site: learners' browsers "
        "load nothing from other sites; put the file in the course's media/ folder and link to it"
    ]


# -- 7. YAML hints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front_matter", "expected", "hint"),
    [
        (
            "kind: lesson\ntitle: Funding: the basics\n",
            "demo/01-one/01-lesson.md:3: front matter is not valid YAML: mapping values are not allowed here",
            'put the value in quotes, e.g. title: "Funding: the basics"',
        ),
        (
            "kind: lesson\n\ttitle: x\n",
            "demo/01-one/01-lesson.md:3: front matter is not valid YAML: found character",
            "indent with spaces, not tabs",
        ),
        (
            'kind: lesson\ntitle: "Funding\nsummary: x\n',
            "demo/01-one/01-lesson.md:3: front matter is not valid YAML: found unexpected end of stream",
            "close the quote",
        ),
        (
            "kind: lesson\ntitle: x\ntitle: y\n",
            "demo/01-one/01-lesson.md:4: duplicate key 'title' (also line 3)",
            "keep one of them",
        ),
    ],
)
def test_yaml_errors_carry_a_hint(write_course, front_matter, expected, hint):
    errors, _ = check(write_course, valid_course(**{"01-one/01-lesson.md": f"---\n{front_matter}---\nText.\n"}))
    assert len(errors) == 1 and errors[0].startswith(expected) and hint in errors[0], errors


def test_a_yaml_error_in_variant_yml_carries_a_hint(write_course):
    errors, _ = check(write_course, valid_course(**{"locales/lv-LV/variant.yml": "hide:\n\t- one/lesson\n"}))
    assert len(errors) == 1 and errors[0].startswith("demo/locales/lv-LV/variant.yml:2: not valid YAML: "), errors
    assert "indent with spaces, not tabs" in errors[0]


# -- 8. warnings and errors, the --strict option ----------------------------------------------------


def test_a_warning_reads_path_line_warning_message():
    assert str(Problem("demo/x.md", 3, "not a unit")) == "demo/x.md:3: not a unit"
    assert str(Problem("demo/x.md", 3, "not a unit", severity="warning")) == "demo/x.md:3: warning: not a unit"


def test_validate_prints_warnings_and_fails_on_them_only_when_strict(app, write_course):
    root = write_course(valid_course(**{"01-one/extra.md": LESSON}))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["courses", "validate", str(root)])
    assert result.exit_code == 0, result.output
    assert "demo/01-one/extra.md:1: warning: not a unit" in result.output
    assert "1 warning(s)" in result.output
    strict = runner.invoke(args=["courses", "validate", "--strict", str(root)])
    assert strict.exit_code == 1 and "demo/01-one/extra.md:1: warning: not a unit" in strict.output
    (root / "demo/01-one/01-lesson.md").write_text("---\nkind: nope\ntitle: x\n---\n")
    both = runner.invoke(args=["courses", "validate", str(root)])
    assert both.exit_code == 1
    assert "demo/01-one/01-lesson.md:2: unknown kind 'nope'" in both.output and "warning: not a unit" in both.output


def test_import_shows_warnings_but_imports(tmp_path, write_course):
    """As a trainer runs it, in a process of its own: the importer fails a course only on errors,
    and the command prints the warnings as validate does."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    root = write_course(valid_course(**{"01-one/extra.md": LESSON}))
    flask = [sys.executable, "-m", "flask", "--app", "elearn"]
    subprocess.run([*flask, "db", "upgrade"], env=env, capture_output=True, timeout=120, check=True)
    result = subprocess.run(
        [*flask, "courses", "import", str(root)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Imported demo: modules 1 added; units 2 added." in result.stdout
    assert "demo/01-one/extra.md:1: warning: not a unit: unit file names start with a number" in result.stderr
    assert "WARNING in" not in result.stderr  # the command prints them itself, as validate does


# -- 9. one rule for paths ---------------------------------------------------------------------------


def test_paths_in_a_translation_are_relative_to_its_file(write_course):
    files = valid_course(
        **{
            "media/photo.png": PNG,
            "01-one/01-lesson.md": lesson("![A photo](../media/photo.png) [quiz](02-quiz.md) [course](../course.md)\n"),
            "locales/lv-LV/course.md": "---\ntitle: Demo LV\n---\n[modulis](../../01-one/module.md)\n",
            "locales/lv-LV/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\n"
            "![Foto](../../../media/photo.png) [tests](../../../01-one/02-quiz.md) [kurss](../course.md)\n",
        }
    )
    root = write_course(files)
    warnings: list[Problem] = []
    [(_dir, course, problems)] = load_path(root, warnings=warnings)
    assert (problems, warnings) == ([], [])
    source = course.modules[0].units[0].body_html
    translated = course.variants[0].units[("one", "lesson")].html
    for url in (f"/courses/demo/media/photo.png?v={PNG_VERSION}", "/courses/demo/one/quiz/", "/courses/demo/"):
        assert f'"{url}"' in source and f'"{url}"' in translated  # learners get the same addresses


def test_the_old_form_of_a_path_in_a_translation_is_a_warning_that_says_how_to_write_it(write_course):
    files = valid_course(
        **{
            "media/photo.png": PNG,
            "locales/lv-LV/01-one/01-lesson.md": "---\ntitle: Nodarbība\n---\n"
            "![Foto](../media/photo.png)\n[tests](02-quiz.md)\n",
        }
    )
    root = write_course(files)
    warnings: list[Problem] = []
    [(_dir, course, problems)] = load_path(root, warnings=warnings)
    assert problems == []
    assert [str(w) for w in warnings] == [
        "demo/locales/lv-LV/01-one/01-lesson.md:4: warning: ../media/photo.png is written as if this file sat "
        "in the course's source folder; a path is relative to the file it is in: write ../../../media/photo.png",
        "demo/locales/lv-LV/01-one/01-lesson.md:5: warning: 02-quiz.md is written as if this file sat "
        "in the course's source folder; a path is relative to the file it is in: write ../../../01-one/02-quiz.md",
    ]
    html = course.variants[0].units[("one", "lesson")].html
    assert f'"/courses/demo/media/photo.png?v={PNG_VERSION}"' in html and '"/courses/demo/one/quiz/"' in html


def test_a_missing_file_in_a_translation_is_still_an_error(write_course):
    files = valid_course(
        **{"locales/lv-LV/01-one/01-lesson.md": "---\ntitle: N\n---\n![Foto](../../../media/nope.png)\n[x](03-no.md)\n"}
    )
    errors, _ = check(write_course, files)
    assert errors == [
        "demo/locales/lv-LV/01-one/01-lesson.md:4: media file not found: media/nope.png",
        "demo/locales/lv-LV/01-one/01-lesson.md:5: broken link: 03-no.md does not exist",
    ]


def test_the_demo_course_validates_with_no_warnings_under_strict(app):
    result = app.test_cli_runner().invoke(args=["courses", "validate", "--strict", str(DEMO_COURSES)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "All courses are valid." in result.output
