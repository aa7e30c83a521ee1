"""The trainers' live preview in Chromium: edit a file and the page follows; a mistake shows on it.

The preview's own app (``flask courses preview``: no database) is served by a real werkzeug
server in a thread on a free port, as tests/browser/conftest.py serves the platform. With
JavaScript, live-reload.js reloads the page when a file changes; without, a reload does.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from elearn.courses.preview import create_preview_app
from tests.browser.conftest import NARROW, WIDE, axe_violations, new_context

LESSON = "/courses/cafe/idea/what/"
LESSON_TEXT = (
    "---\nkind: lesson\ntitle: What is a wise café\n---\nOriginal text.\n\nThe [quiz](02-check.md) comes last.\n"
)
FILES = {
    "course.md": "---\ntitle: The wise café\nsummary: Running a social café.\nlanguage: en\n---\nWelcome.\n",
    "01-idea/module.md": "---\ntitle: The idea\n---\nWhat a café can do.\n",
    "01-idea/01-what.md": LESSON_TEXT,
    "01-idea/02-check.md": (
        "---\nkind: quiz\ntitle: Check\n---\n## Purpose\n\nWhat comes first?\n\n- [x] The aim\n- [ ] Profit\n"
    ),
    "locales/lv-LV/01-idea/01-what.md": "---\ntitle: Kas ir gudrā kafejnīca\n---\nTulkots teksts.\n",
}


def save(path: Path, text: str) -> None:
    """As an editor saves: new content, and a modification time later than the last one."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    later = max(path.stat().st_mtime_ns, before + 1_000_000)
    os.utime(path, ns=(later, later))


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "cafe"
    for rel, text in FILES.items():
        save(root / rel, text)
    return root


@pytest.fixture
def preview_server(course):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_preview_app(course), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    yield SimpleNamespace(url=url, host=url.removeprefix("http://"))
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def open_preview(browser, preview_server):
    """A page of a fresh context (``javascript``, ``viewport``); no request may leave the preview."""
    contexts = []

    def open_page(*, javascript: bool = True, viewport=WIDE):
        context = new_context(browser, preview_server, viewport=viewport, javascript=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
        assert not context.requests.foreign, f"requests to other hosts: {context.requests.foreign}"


def test_an_edited_file_reloads_the_page_and_a_planted_mistake_shows_on_it(open_preview, course, axe):
    page = open_preview()
    page.goto(LESSON)
    expect(page.get_by_role("heading", level=1)).to_have_text("What is a wise café")
    expect(page.locator("main")).to_contain_text("Original text.")
    expect(page.locator(".problems-panel")).to_contain_text("None in this page's files.")
    assert axe_violations(axe, page) == []

    save(course / "01-idea/01-what.md", LESSON_TEXT.replace("Original text.", "Edited text."))
    expect(page.locator("main")).to_contain_text("Edited text.", timeout=15_000)  # live reload, no click

    save(course / "01-idea/01-what.md", LESSON_TEXT.replace("(02-check.md)", "(02-chek.md)"))
    panel = page.locator(".problems-panel")
    expect(panel).to_contain_text("01-idea/01-what.md:7: broken link: 02-chek.md does not exist", timeout=15_000)
    expect(panel).to_contain_text("Whole course: 1 error, 0 warnings.")
    assert axe_violations(axe, page) == []


def test_without_javascript_a_reload_shows_the_change(open_preview, course):
    page = open_preview(javascript=False)
    page.goto(LESSON)
    expect(page.locator("main")).to_contain_text("Original text.")
    save(course / "01-idea/01-what.md", LESSON_TEXT.replace("Original text.", "Edited by hand."))
    page.reload()
    expect(page.locator("main")).to_contain_text("Edited by hand.")


def test_the_version_switcher_shows_the_translation_and_the_fallback(open_preview):
    page = open_preview()
    page.goto(LESSON)
    page.get_by_label("Course version").select_option("lv-LV")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kas ir gudrā kafejnīca")
    page.get_by_role("link", name="Next: Check").click()  # the version is kept while following links
    expect(page.locator("main")).to_contain_text("This part is not translated yet")
    expect(page.locator("main")).to_contain_text("What comes first?")


@pytest.mark.parametrize(("viewport", "name"), [(NARROW, "360"), (WIDE, "1280")])
def test_a_page_with_a_problem_fits_the_screen(open_preview, course, axe, viewport, name, tmp_path):
    """At 360 and 1280 px the page never scrolls sideways and axe finds nothing; the screenshots
    stay in the test's tmp_path (pytest keeps the last runs' folders) for a person to look at."""
    save(
        course / "01-idea/01-what.md", LESSON_TEXT.replace("(02-check.md)", "(02-chek.md)") + "\n![](../media/x.png)\n"
    )
    page = open_preview(viewport=viewport)
    page.goto(LESSON)
    expect(page.locator(".problems-panel")).to_contain_text("broken link: 02-chek.md does not exist")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(axe, page) == []
    page.screenshot(path=str(tmp_path / f"preview-problem-{name}.png"), full_page=True)
