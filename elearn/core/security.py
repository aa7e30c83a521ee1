"""Security headers on every response, and trusting a reverse proxy's X-Forwarded-* headers.

The Content Security Policy allows scripts, styles, images, media and fetches from this
site only, and nothing inline: templates carry no ``<script>`` body, ``on…=`` handler or
``style=""`` attribute (``tests/deploy/test_security.py`` checks templates and rendered
pages). The one exception is ``frame-src`` for the video hosts that course markdown may
embed (``elearn.core.markdown.VIDEO_EMBED_HOSTS``), so the policy and the sanitiser agree.
"""

from __future__ import annotations

from flask import Flask, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from elearn.core import routing
from elearn.core.markdown import VIDEO_EMBED_HOSTS

SIGNED_IN_KEY = "_user_id"  # what Flask-Login keeps in the session of a signed-in user
HSTS = "max-age=31536000"  # one year; no includeSubDomains: other hosts of the partner's domain are not ours


def content_security_policy() -> str:
    frames = " ".join(f"https://{host}" for host in sorted(VIDEO_EMBED_HOSTS))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "media-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            f"frame-src {frames}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def init_app(app: Flask) -> None:
    """Install the headers, and ProxyFix when ``PROXY_COUNT`` proxies stand in front.

    Behind nginx or Caddy, ``ELEARN_PROXY_COUNT=1`` makes ``request.remote_addr`` the
    client's address (rate limits are per client, not per proxy) and ``request.is_secure``
    true for HTTPS requests (HSTS, Secure cookies, ``https://`` links). Without a proxy
    the headers are not trusted: any client could forge them.
    """
    routing.init_app(app)  # before the blueprints add their routes: ids beyond 64 bits are a 404
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        # Flask's documented way to add middleware; mypy sees a method being replaced
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    production = app.config.get("ENV_NAME") == "production"

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if production and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    @app.after_request
    def private_pages(response):
        """Nothing a signed-in person saw stays in the browser's cache of a shared computer.

        For pages of a signed-in session and any response that sets the session cookie;
        responses that chose their own caching (static files, course media, downloads, the
        outage page) keep it. Reads the session cookie only: no database, even in an outage."""
        if "Cache-Control" not in response.headers and (SIGNED_IN_KEY in session or session.modified):
            response.headers["Cache-Control"] = "no-store"
        return response
