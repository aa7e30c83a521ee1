"""Site-wide pages: the home redirect, health check and error pages."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    return redirect(url_for("courses.catalogue"))


@bp.get("/healthz")
def health():
    return {"status": "ok"}


def register_error_handlers(app) -> None:
    messages = {
        404: lambda: _("We could not find that page. It may have moved, or the address may be mistyped."),
        403: lambda: _("You do not have permission to see this page."),
        400: lambda: _("The request could not be understood. Please go back and try again."),
        405: lambda: _("That action is not allowed here."),
        500: lambda: _("Something went wrong on our side. Please try again in a moment."),
    }

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = messages.get(error.code, lambda: error.description)()
        return render_template("core/error.html", code=error.code, message=message), error.code
