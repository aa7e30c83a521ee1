"""Site-wide pages: the home redirect, health check and error pages."""

import math
import time
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from elearn.core import outages
from elearn.extensions import limiter

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    return redirect(url_for("courses.catalogue"))


# The axe-core release the browser suite (tests/browser) checks the pages with; that suite
# fails when the installed axe-core differs, so the statement never claims an untested version.
AXE_CORE_VERSION = "4.12.1"


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement: what is tested, what is known not to work, how to report."""
    contact = current_app.config.get("ACCESSIBILITY_CONTACT") or current_app.config["MAIL_DEFAULT_SENDER"]
    return render_template("core/accessibility.html", axe_version=AXE_CORE_VERSION, contact=contact)


# Browsers ask every site for /favicon.ico, whatever the page says: a 1 KB icon (16, 32 and 48 px),
# kept for 30 days, instead of a 404 page on every first visit.
FAVICON_MAX_AGE = 30 * 24 * 3600


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(Path(current_app.root_path) / "static", "favicon.ico", max_age=FAVICON_MAX_AGE)


@bp.get("/healthz")
def health():
    return {"status": "ok"}


def register_error_handlers(app) -> None:
    """Error pages; a lost database is a 503 (elearn.core.outages), also when an error page needs it."""
    outages.init_app(app)
    messages: dict[int | None, Callable[[], str]] = {
        404: lambda: _("We could not find that page. It may have moved, or the address may be mistyped."),
        403: lambda: _("You do not have permission to see this page."),
        400: lambda: _("The request could not be understood. Please go back and try again."),
        405: lambda: _("That action is not allowed here."),
        500: lambda: _("Something went wrong on our side. Please try again in a moment."),
    }

    @app.errorhandler(429)
    def too_many_requests(_error):
        """Say when to try again, in minutes, and send Retry-After for programs."""
        current = limiter.current_limit
        seconds = max(1, int(current.reset_at - time.time())) if current else 60
        minutes = max(1, math.ceil(seconds / 60))
        page = render_page(lambda: render_template("core/rate_limited.html", minutes=minutes))
        if not isinstance(page, str):
            return page
        response = app.make_response((page, 429))
        response.headers["Retry-After"] = str(seconds)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # An error raised outside a view (an after_request hook, an error page) arrives as a 500.
        original = getattr(error, "original_exception", None)
        if original is not None and outages.is_outage(original):
            return outages.unavailable(app, original)
        message = messages.get(error.code, lambda: error.description)
        page = render_page(lambda: render_template("core/error.html", code=error.code, message=message()))
        return (page, error.code) if isinstance(page, str) else page

    def render_page(render: Callable[[], str]):
        """An error page, or the 503 page when rendering it needs the unreachable database (base.html's user)."""
        try:
            return render()
        except outages.DATABASE_ERRORS as failure:
            if not outages.is_outage(failure):
                raise
            return outages.unavailable(app, failure)
