"""The whole round trip of a country version, as a partner admin and a trainer live it (issue #28).

In the browser, a partner admin for Latvia translates a unit, hides one and adds one of
Latvia's own; meanwhile the trainer changes the course files in git; the files are
imported (nothing of the browser's work is lost) and exported, and ``git status`` /
``git diff`` show exactly the browser's changes. Runs on SQLite and PostgreSQL, with the
live server of tests/browser/conftest.py.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import delete

from elearn.core.transaction import unit_of_work
from elearn.courses.importer import sync_tree
from elearn.courses.models import Course
from elearn.extensions import db
from elearn.localisation.export import export_tree
from tests.browser.conftest import new_context, sign_in
from tests.factories import LESSON, LOCALISED_FILES

SLUG = "round-trip"


def git(repo, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Trainer", "-c", "user.email=trainer@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def course_repo(tmp_path, live_server):
    """The course in a git repository of its own, imported into the live server's database."""
    repo = tmp_path / "courses"
    for rel, text in LOCALISED_FILES.items():
        path = repo / SLUG / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "The course as the trainer wrote it")
    with live_server.app.app_context(), unit_of_work():
        assert sync_tree(repo).ok
    yield repo
    with live_server.app.app_context(), unit_of_work():
        db.session.execute(delete(Course).where(Course.slug == SLUG))


def test_browser_work_survives_a_file_change_and_an_import_and_export_shows_exactly_it(
    browser, live_server, course_repo
):
    email = "dace@example.org"
    live_server.make_user(email, roles=("partner_admin",), scope="lv-LV")
    context = new_context(browser, live_server)
    page = context.new_page()
    sign_in(page, email)

    # 1. In the browser: translate a unit, hide one, add one of Latvia's own.
    page.goto(f"/localise/{SLUG}/lv-LV/one/other/")
    page.get_by_label("Title").fill("Cita nodarbība")
    page.get_by_label("Text (markdown)").fill("Tulkots pārlūkā.\n\nOtrā rindkopa.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The translation is saved.").wait_for()

    page.goto(f"/localise/{SLUG}/lv-LV/")
    page.get_by_role("button", name=re.compile(r"^Hide\W+A lesson$")).click()
    page.get_by_role("button", name=re.compile(r"^Show again\W+A lesson$")).wait_for()

    page.get_by_role("link", name=re.compile(r"^Add a unit to this version\W+Module one$")).click()
    page.get_by_label("Kind").select_option("lesson")
    page.get_by_label("Title").fill("Atbalsts Latvijā")
    page.get_by_label("Text (markdown)").fill("Latvijas atbalsta programmas.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The unit is added to this version.").wait_for()
    page.get_by_role("link", name="Atbalsts Latvijā").first.wait_for()

    # 2. Meanwhile the trainer changes the files: the original of the translated unit,
    #    and the Latvian-language translation of another one.
    (course_repo / SLUG / "01-one/02-other.md").write_text(
        LESSON.replace("A lesson", "Another lesson").replace("Text.", "Text, revised by the trainer."),
        encoding="utf-8",
    )
    (course_repo / SLUG / "locales/lv/01-one/01-lesson.md").write_text(
        "---\ntitle: Nodarbība\n---\nTeksts, labots failā.\n", encoding="utf-8"
    )
    git(course_repo, "commit", "-q", "-am", "The trainer's changes")

    # 3. Import: nothing of the browser's work is lost.
    with live_server.app.app_context(), unit_of_work():
        report = sync_tree(course_repo)
    assert report.ok, report.problems

    page.goto(f"/localise/{SLUG}/lv-LV/")
    other_row = page.locator("tr", has=page.get_by_role("link", name="Another lesson", exact=True))
    assert "Outdated" in other_row.inner_text()  # its original changed since it was translated

    reader = new_context(browser, live_server).new_page()
    reader.goto(f"/courses/{SLUG}/one/other/?variant=lv-LV")
    assert "Tulkots pārlūkā." in reader.locator("main").inner_text()
    reader.goto(f"/courses/{SLUG}/one/?variant=lv-LV")
    unit_list = reader.locator("main").inner_text()
    assert "Atbalsts Latvijā" in unit_list and "Latvijā" in unit_list  # the browser's unit and the file's
    assert f'href="/courses/{SLUG}/one/lesson/"' not in reader.content()  # hidden in the browser
    reader.goto(f"/courses/{SLUG}/one/lesson/?variant=lv")
    assert "Teksts, labots failā." in reader.locator("main").inner_text()  # the trainer's change arrived

    # 4. Export: git sees exactly the browser's work, and nothing else.
    with live_server.app.app_context(), unit_of_work():
        written = export_tree(course_repo)
    status = sorted(git(course_repo, "status", "--porcelain", "--untracked-files=all").splitlines())
    new_unit = [line for line in status if line.startswith("??") and "atbalsts-latvija" in line]
    assert len(new_unit) == 1, status
    assert status == sorted(
        [
            f"?? {SLUG}/locales/lv-LV/01-one/02-other.md",
            new_unit[0],
            f" M {SLUG}/locales/lv-LV/variant.yml",
        ]
    )
    assert len(written) == 3
    diff = git(course_repo, "diff", "--unified=0", "--", f"{SLUG}/locales/lv-LV/variant.yml")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["+  - one/lesson"], diff
    assert "\r" not in (course_repo / SLUG / "locales/lv-LV/01-one/02-other.md").read_text(encoding="utf-8")
    assert git(course_repo, "diff", "--check") == ""

    # 5. Import again and export again: nothing changes any more.
    with live_server.app.app_context(), unit_of_work():
        assert sync_tree(course_repo).ok
    with live_server.app.app_context(), unit_of_work():
        assert export_tree(course_repo) == []
    context.close()
    assert not context.requests.foreign, context.requests.foreign
