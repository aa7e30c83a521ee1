"""Browser fixtures: the real app served on a free port, Debian's Chromium driven by Playwright.

One live server per package (tests/browser/): a real ``werkzeug`` server in a thread of
the test process, on a SQLite file, or on the PostgreSQL database named by
``DATABASE_URL`` (the suite runs in both passes of ``make test``: the browser sends
concurrent requests to a threaded server, which the test client never does). The demo
course is imported once; each test creates its own users through the services, with
their own email addresses, so tests do not depend on each other's order.

One Chromium for the package (``/usr/bin/chromium``, Debian's package; Playwright's own
browser downloads are not used), a fresh context (cookies) per test. Every page records
the requests it makes: a request to any other host than the live server fails the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from elearn.core.transaction import unit_of_work
from tests.conftest import DEMO_COURSES, PASSWORD, Mailbox, separate_database_url

CHROMIUM = os.environ.get("ELEARN_CHROMIUM", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 360, "height": 740}


# ---------------------------------------------------------------- the live server


class LiveServer:
    def __init__(self, app, url: str, mailbox: Mailbox):
        self.app, self.url, self.mailbox = app, url, mailbox
        self.host = urlsplit(url).netloc

    def make_user(
        self, email: str, *, roles=(), name: str | None = None, language="en", country="LV", scope: str | None = None
    ) -> int:
        """A confirmed account made through the services; ``scope`` = variant of a partner admin."""
        from elearn.auth.services import create_user, grant_role

        with self.app.app_context(), unit_of_work():
            user = create_user(
                email=email,
                name=name or email.split("@")[0].title(),
                password=PASSWORD,
                roles=tuple(r for r in roles if r != "partner_admin"),
                language=language,
                country=country,
            )
            if "partner_admin" in roles:
                grant_role(user, "partner_admin", scope or "lv-LV", None)
            return user.id

    def user_id(self, email: str) -> int:
        from elearn.auth.services import find_user

        with self.app.app_context():
            return find_user(email).id

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="package")
def live_server(tmp_path_factory, signing_key_pem):
    from aiosmtpd.controller import Controller
    from werkzeug.serving import make_server

    from elearn import create_app
    from elearn.courses.importer import sync_tree
    from elearn.extensions import db

    box = Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    url = separate_database_url(tmp_path_factory, "browser")  # its commits are seen by the server's threads
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "COURSES_PATH": str(DEMO_COURSES),
            "SIGNING_KEY": signing_key_pem,
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
            "JOBS_IMMEDIATE": True,  # mail delivered right after the commit, as in tests/conftest.py
            # A dozen users sign in from one address within a minute here; the limits have their own tests.
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context(), unit_of_work():
        db.drop_all()
        db.create_all()
        report = sync_tree(DEMO_COURSES)
        assert report.ok, "\n".join(map(str, report.problems))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", box)
    server.shutdown()
    thread.join(timeout=10)
    smtp.stop()
    # Flask-Limiter keeps ``enabled`` on the shared extension object and the next app inherits it.
    from elearn.extensions import limiter

    limiter.enabled = True
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="package")
def browser():
    """One Chromium for this package, closed when it ends: Playwright's sync API runs an event loop
    in this thread while it is open, so other tests (tests/deploy) could not start theirs."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


class Requests:
    """Every URL the pages of one context asked for, to prove nothing leaves the live server."""

    def __init__(self, host: str):
        self.host, self.foreign = host, []

    def __call__(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if parts.netloc != self.host:
            self.foreign.append(request.url)


def new_context(browser, live_server, *, viewport=WIDE, javascript=True, storage_state=None):
    context = browser.new_context(
        viewport=viewport,
        java_script_enabled=javascript,
        locale="en-GB",
        base_url=live_server.url,
        storage_state=storage_state,
    )
    context.set_default_timeout(10_000)
    requests = Requests(live_server.host)
    context.on("request", requests)
    context.requests = requests
    return context


@pytest.fixture
def context(browser, live_server):
    context = new_context(browser, live_server)
    yield context
    context.close()
    assert not context.requests.foreign, f"requests to other hosts: {context.requests.foreign}"


@pytest.fixture
def page(context):
    return context.new_page()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, by keyboard: type, then Enter submits."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password", exact=True).press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def press_until_focused(page, locator, *, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would; fails after ``limit`` presses."""
    handle = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("element => document.activeElement === element", handle):
            return
    raise AssertionError(f"{locator} never received the focus after {limit} presses of {key}")


def focus_outline(page) -> str:
    """The focused element's outline, e.g. "solid 3px": the focus must be visible (WCAG 2.4.7)."""
    return page.evaluate("""() => { const style = getComputedStyle(document.activeElement);
        return style.outlineStyle === 'none' ? 'none' : style.outlineStyle + ' ' + style.outlineWidth; }""")


# ---------------------------------------------------------------- axe-core


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe_violations(axe, page) -> list[str]:
    """WCAG 2.0/2.1 A and AA violations on the page as it is now, one readable line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):  # inject once per document
        page.evaluate(axe.axe_script)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at "
                f"{' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return lines


# ---------------------------------------------------------------- learners' progress through the services


def right_answers(questions: list[dict]) -> dict:
    """The form a learner who knows every answer sends, from a quiz's stored questions."""
    form: dict = {}
    for index, question in enumerate(questions):
        name = f"q{index}"
        choices = question.get("choices") or []
        if question["type"] == "single":
            form[name] = str(
                max(range(len(choices)), key=lambda k: (choices[k]["correct"], choices[k].get("weight") or 0))
            )
        elif question["type"] == "multiple":
            form[name] = [str(k) for k, c in enumerate(choices) if c["correct"] and (c.get("weight") or 1) > 0]
        elif question["type"] == "truefalse":
            form[name] = "true" if question["answer"] else "false"
        elif question["type"] == "short":
            form[name] = next(c["text"] for c in choices if c["correct"] and "*" not in c["text"])
        elif question["type"] == "numeric":
            answer = question["numeric"][0]
            form[name] = str(answer["value"] if answer.get("value") is not None else answer["min"])
        elif question["type"] == "matching":
            for key, pair in enumerate(question["pairs"]):
                if pair["left"]:
                    form[f"{name}-{key}"] = pair["right"]
    return form


def complete_modules(app, user_id: int, course_slug: str, *, skip: tuple[str, ...] = ()) -> None:
    """Mark every unit done and pass every quiz of the course's modules but ``skip``, through the services."""
    from elearn.auth.models import User
    from elearn.courses import reading as rd
    from elearn.extensions import db
    from elearn.learning import question_sets, services

    with app.app_context(), unit_of_work():
        user = db.session.get(User, user_id)
        course = rd.get_course(course_slug)
        enrolment = services.get_enrolment(user, course) or services.enrol(user, course)
        reading = rd.Reading(course, rd.variant_chain(course, enrolment.variant_tag))
        for module_view in rd.modules(reading):
            module = module_view.module
            if module.slug in skip:
                continue
            for unit in rd.units(reading, module):
                if unit.kind != "quiz":
                    services.mark_done(user, reading, module, unit.slug)
                    continue
                attempt = services.start_attempt(user, reading, module, unit.slug)
                answers = right_answers(question_sets.questions_of(attempt))
                attempt = services.submit_attempt(user, reading, module, attempt, answers)
                assert attempt.passed, f"{module.slug}/{unit.slug}: {attempt.results}"


# ---------------------------------------------------------------- a populated site, signed-in states

COURSE = "social-entrepreneurship"
FIRST_MODULE = "what-is-a-social-enterprise"
QUIZ = "check-your-understanding"


class Scenery:
    """Who and what the page checks look at, made once per package through the services."""

    learner = "reader@example.org"  # completed the course: a certificate, a passed, a failed and an open attempt
    partner = "partner@example.org"  # partner admin of lv-LV
    lead = "lead@example.org"  # cohort lead of a cohort the learner belongs to

    certificate_id: str
    cohort_id: int | None = None

    def __init__(self, live_server, browser):
        self.live_server, self.browser, self.states = live_server, browser, {}

    def state(self, email: str | None):
        """Cookies of a signed-in ``email`` (signed in once, through the login form), or None."""
        if email is None:
            return None
        if email not in self.states:
            context = new_context(self.browser, self.live_server)
            page = context.new_page()
            sign_in(page, email)
            self.states[email] = context.storage_state()
            context.close()
        return self.states[email]


@pytest.fixture(scope="package")
def scenery(live_server, browser):
    from datetime import date, timedelta

    from elearn.auth.models import User
    from elearn.certificates.models import Certificate
    from elearn.courses import reading as rd
    from elearn.extensions import db
    from elearn.learning import services

    scene = Scenery(live_server, browser)
    app = live_server.app
    learner_id = live_server.make_user(scene.learner, name="Līga Bērziņa")
    live_server.make_user(scene.partner, roles=("partner_admin",), scope="lv-LV", name="Partner Admin")
    lead_id = live_server.make_user(scene.lead, roles=("cohort_lead",), name="Cohort Lead")
    complete_modules(app, learner_id, COURSE)
    with app.app_context(), unit_of_work():
        user = db.session.get(User, learner_id)
        course = rd.get_course(COURSE)
        reading = rd.Reading(course, rd.variant_chain(course, services.get_enrolment(user, course).variant_tag))
        module = next(m.module for m in rd.modules(reading) if m.slug == FIRST_MODULE)
        failed = services.start_attempt(user, reading, module, QUIZ)  # attempt 2: nothing answered
        services.submit_attempt(user, reading, module, failed, {})
        services.start_attempt(user, reading, module, QUIZ)  # attempt 3: open
        scene.certificate_id = db.session.scalar(db.select(Certificate.id).where(Certificate.user_id == learner_id))
        try:
            from elearn.cohorts import services as cohorts
        except ImportError:
            cohorts = None
        if cohorts is not None:
            lead = db.session.get(User, lead_id)
            cohort = cohorts.create(
                lead,
                cohorts.CohortFields(
                    name="Riga spring cohort",
                    course=course,
                    variant_tag=None,
                    starts_on=date.today() - timedelta(days=30),
                    ends_on=date.today() + timedelta(days=60),
                    place="Riga",
                    inactive_days=14,
                ),
            )
            cohorts.join(user, cohort)
            scene.cohort_id = cohort.id
    return scene
