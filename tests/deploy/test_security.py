"""Security headers on every response, and a CSP that blocks nothing the pages need."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import html5lib
import pytest

from elearn.auth.models import ROLES
from elearn.core.markdown import VIDEO_EMBED_HOSTS
from elearn.core.security import CONTENT_SECURITY_POLICY, HSTS
from tests.conftest import sign_in
from tests.deploy.conftest import STRONG_SECRET
from tests.factories import all_endpoints, sign_in_without_csrf

TEMPLATES = Path(__file__).resolve().parents[2] / "elearn" / "templates"
STATIC = TEMPLATES.parent / "static"

# What the CSP refuses to run or apply: inline scripts, event handler attributes,
# style attributes and <style> elements, javascript: URLs.
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "an on…= handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S),
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S),
    "a <style> element": re.compile(r"<style[\s>]", re.I),
    "a javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.I),
}

EXPECTED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def test_the_policy_is_strict():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'" and directives["form-action"] == "'self'"
    assert directives["default-src"] == directives["script-src"] == directives["style-src"] == "'self'"
    assert set(directives["frame-src"].split()) == {f"https://{host}" for host in VIDEO_EMBED_HOSTS}


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_templates_have_nothing_inline(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    found = [f"{what}: {match.group(0)[:80]!r}" for what, pattern in INLINE.items() for match in pattern.finditer(text)]
    assert found == []


def test_every_script_and_stylesheet_is_a_file_of_this_site():
    referenced = set()
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        referenced |= set(re.findall(r"url_for\('static', filename='([^']+)'\)", text))
    assert referenced and all((STATIC / name).is_file() for name in referenced)


def test_headers_on_every_route_for_every_role(app, make_user):
    """Every endpoint, anonymous and signed in (pages, redirects, 403/404, JSON, files, static)."""
    app.config["WTF_CSRF_ENABLED"] = False
    for role in [None, *ROLES]:
        client = app.test_client()
        if role:
            make_user(f"{role}@example.org", roles=(role,))
            sign_in_without_csrf(client, f"{role}@example.org")
        missing = []
        for endpoint, method, url in all_endpoints(app):
            if method != "GET":
                continue
            response = client.get(url)
            response.close()
            wrong = {name for name, value in EXPECTED_HEADERS.items() if response.headers.get(name) != value}
            if wrong or "Strict-Transport-Security" in response.headers:
                missing.append(f"{role} GET {url} ({endpoint}, {response.status_code}): {sorted(wrong)}")
        assert missing == []


def test_not_found_error_and_post_responses_carry_the_headers(client):
    for response in (
        client.get("/no/such/page"),
        client.post("/login", data={}),
        client.get("/healthz"),
        client.get("/static/elearn.css"),
    ):
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, response.status_code
        response.close()


class InlineFinder:
    """What a parsed page holds that the CSP blocks, or that comes from elsewhere."""

    def __init__(self):
        self.problems: list[str] = []
        self.links: set[str] = set()

    def page(self, url: str, html: str) -> None:
        document = html5lib.parse(html, namespaceHTMLElements=False)
        for element in document.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            for name, value in element.attrib.items():
                if name.lower().startswith("on") or name.lower() == "style":
                    self.problems.append(f"{url}: <{tag} {name}=…>")
                if name in {"href", "src", "action", "poster"} and value.strip().lower().startswith("javascript:"):
                    self.problems.append(f"{url}: <{tag} {name}={value!r}>")
            if tag == "style":
                self.problems.append(f"{url}: <style>")
            if tag == "script" and (not element.get("src") or (element.text or "").strip()):
                self.problems.append(f"{url}: inline <script>")
            for name in ("src", "poster") if tag in {"script", "img", "audio", "video", "source", "track"} else ():
                if element.get(name) and urlsplit(element.get(name)).netloc:
                    self.problems.append(f"{url}: <{tag} {name}={element.get(name)!r}> from another site")
            if tag == "iframe" and urlsplit(element.get("src", "")).hostname not in VIDEO_EMBED_HOSTS:
                self.problems.append(f"{url}: <iframe src={element.get('src')!r}>")
            if tag == "link" and "stylesheet" in element.get("rel", "") and urlsplit(element.get("href")).netloc:
                self.problems.append(f"{url}: stylesheet from another site")
            if tag == "a" and element.get("href"):
                target = urljoin(url, element.get("href"))
                if not urlsplit(target).netloc or urlsplit(target).netloc == "localhost":
                    self.links.add(urlsplit(target)._replace(scheme="", netloc="", fragment="").geturl())


@pytest.mark.parametrize("role", ["admin", "learner"])
def test_crawled_demo_pages_need_nothing_the_policy_blocks(app, demo, make_user, role):
    """Follow every link from the catalogue (each version of the demo course, the learner's
    and the admin's pages): no inline script, handler or style, nothing from elsewhere."""
    make_user(f"{role}@example.org", roles=(role,))
    client = app.test_client()
    sign_in(client, f"{role}@example.org")
    finder = InlineFinder()
    queue, seen = ["/courses/", "/me/", "/me/profile"], set()
    while queue and len(seen) < 400:
        url = queue.pop()
        if url in seen or url.startswith(("/logout", "/static/", "/media/")) or "/media/" in url:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        if response.status_code == 200 and response.mimetype == "text/html":
            finder.page(url, response.get_data(as_text=True))
            queue.extend(sorted(finder.links - seen))
        response.close()
    assert len(seen) > 40, seen  # the crawl reached the course pages
    assert finder.problems == []


def test_editor_script_needs_only_this_site():
    """editor.js fetches its own page (connect-src 'self') and sets innerHTML: nothing inline, nothing eval'd."""
    script = (STATIC / "editor.js").read_text(encoding="utf-8")
    assert "eval(" not in script and "new Function" not in script and 'setAttribute("style"' not in script
    assert "fetch(" in script and "://" not in script  # it posts to its own page, never elsewhere


def test_hsts_only_over_https_in_production(make_app):
    app = make_app(ELEARN_ENV="production", SECRET_KEY=STRONG_SECRET)
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/healthz", base_url="http://localhost").headers
    assert client.get("/healthz", base_url="https://localhost").headers["Strict-Transport-Security"] == HSTS


def test_development_never_sends_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/healthz", base_url="https://localhost").headers


def test_behind_a_proxy_the_forwarded_headers_are_trusted_only_when_configured(make_app):
    from flask import request

    forwarded = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "learn.example.org",
    }
    direct = make_app(ELEARN_ENV="production", SECRET_KEY=STRONG_SECRET)
    proxied = make_app(ELEARN_ENV="production", SECRET_KEY=STRONG_SECRET, ELEARN_PROXY_COUNT="1")
    seen = {}
    for name, app in (("direct", direct), ("proxied", proxied)):

        @app.before_request
        def who(name=name):
            seen[name] = (request.remote_addr, request.scheme, request.host)

        # gunicorn behind the proxy speaks plain HTTP
        response = app.test_client().get("/healthz", headers=forwarded, base_url="http://localhost")
        seen[name] += ("Strict-Transport-Security" in response.headers,)
    assert seen["direct"] == ("127.0.0.1", "http", "localhost", False)  # anyone could send those headers
    assert seen["proxied"] == ("203.0.113.7", "https", "learn.example.org", True)
