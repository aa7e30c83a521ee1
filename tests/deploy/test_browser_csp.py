"""In Chromium, behind gunicorn: the pages and the editor's live preview work under the CSP,
which reports no violation, and an injected inline handler is refused."""

from __future__ import annotations

import os
import shutil
import signal
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from elearn import create_app
from elearn.extensions import db
from tests.conftest import DEMO_COURSES, PASSWORD
from tests.deploy.conftest import free_port, start_gunicorn

CHROMIUM = os.environ.get("ELEARN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def served(tmp_path, signing_key_pem):
    """The demo course and an admin in a SQLite file, served by gunicorn with gunicorn.conf.py."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} not found")
        pytest.skip(f"{CHROMIUM} not found")
    url = f"sqlite:///{tmp_path / 'browser.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SIGNING_KEY": signing_key_pem, "SECRET_KEY": "x" * 40})
    with app.app_context():
        from elearn.auth.services import create_user
        from elearn.courses.importer import sync_tree
        from elearn.courses.models import LESSON, Module, Unit

        db.create_all()
        assert sync_tree(DEMO_COURSES).ok
        create_user(
            email="admin@example.org", name="Admin", password=PASSWORD, roles=("admin",), language="en", country="LV"
        )
        db.session.commit()  # gunicorn's workers read it
        module, unit = db.session.execute(
            select(Module, Unit)
            .join(Unit, Unit.module_id == Module.id)
            .where(Unit.kind == LESSON)
            .order_by(Module.position, Unit.position)
        ).first()
        paths = (module.slug, unit.slug)
        db.engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "x" * 40,
        "ELEARN_SIGNING_KEY": signing_key_pem,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "ELEARN_ENV": "development",
    }
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(env, log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).close()  # noqa: S310 - loopback
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    yield base, paths
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def test_pages_and_the_live_preview_work_under_the_policy(served):
    # In a thread of its own: tests/browser keeps a session-wide Playwright on this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(browse, *served).result()


def browse(base: str, paths: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    module, unit = paths
    violations = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(base_url=base)
        page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        page.set_default_timeout(10_000)
        course = "/courses/social-entrepreneurship/"
        for path in ("/courses/", course, f"{course}{module}/", f"{course}{module}/{unit}/", "/login"):
            assert page.goto(path).status == 200, path
            assert page.evaluate("getComputedStyle(document.body).margin") is not None  # the stylesheet applies
        page.fill("input[name=email]", "admin@example.org")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("form:has(input[name=password]) [type=submit]").click()
        assert "/login" not in page.url, page.content()[:2000]

        editor = f"/localise/social-entrepreneurship/pl-PL/{module}/{unit}/"
        assert page.goto(editor).status == 200
        page.fill("textarea[name=body]", "Tekst z **pogrubieniem** i *kursywą*.")
        page.locator("textarea[name=body]").press("End")  # typing fires the input event editor.js listens to
        page.locator("textarea[name=body]").type(" Koniec.")
        preview = page.locator("#live-preview")
        preview.locator("strong", has_text="pogrubieniem").wait_for()
        assert "Koniec." in preview.inner_text()
        assert violations == []

        # and the policy is in force: an injected inline handler does not run
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=/nothing onerror=\"window.ran=1\">')")
        page.wait_for_timeout(500)
        assert page.evaluate("window.ran") is None
        assert any("script-src 'self'" in text for text in violations), violations
        browser.close()
