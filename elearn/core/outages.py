"""When the database is unreachable: a short 503 page, and one log line per kind of failure.

A request that cannot reach the database (refused, lost or timed-out connection; a SQLite
file that cannot be opened) gets ``unavailable.html`` with ``Retry-After``, rendered without
the database: no user is loaded, the language comes from the signed cookie session, the
``?lang=`` parameter, the language cookie or the browser. The log gets one line per kind of
failure and interval (:class:`ThrottledLog`), never a traceback per request. Nothing here is
shared between processes: every gunicorn worker reports and recovers on its own, and the
pool's ``pool_pre_ping`` replaces dead connections once the database is back.

A genuine programming error (a missing table, a syntax error, a constraint) is no outage: it
stays a 500 with its traceback. Redis is handled where it is used: Flask-Limiter falls back to
memory (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``) and the cache to none
(:class:`elearn.core.cache.TolerantRedisCache`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, Response, g, render_template, request, session
from flask.logging import default_handler
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from elearn.core import i18n
from elearn.extensions import db, login_manager

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
LOG_INTERVAL_SECONDS = 30
# The signed-in user's language, kept in the signed session cookie: the 503 page cannot ask the database.
SESSION_LANGUAGE = "ui_lang"
_STATE = "elearn.outages"
# The errors a lost database raises; is_outage() tells them from a statement's own errors.
DATABASE_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)

# PostgreSQL error classes that mean "no server to talk to" rather than "this statement is wrong":
# 08 connection exception; 57P01-03 admin/crash shutdown, cannot connect now; 53300 too many connections.
_PG_OUTAGE_STATES = {"57P01", "57P02", "57P03", "53300"}
# SQLite primary result codes of a database that cannot be used just now: busy, I/O error, full, cannot open.
_SQLITE_OUTAGE_CODES = {5, 10, 13, 14}


class ThrottledLog:
    """At most one line per kind of failure and interval; the next one says how many were left out."""

    def __init__(self, logger: logging.Logger, interval: float = LOG_INTERVAL_SECONDS, clock=time.monotonic):
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._left_out: dict[str, int] = {}

    @property
    def failing(self) -> bool:
        return bool(self._last)

    def warning(self, kind: str, message: str, *args) -> bool:
        """Log ``message`` unless ``kind`` was logged less than an interval ago; True if logged."""
        now = self._clock()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self._interval:
                self._left_out[kind] = self._left_out.get(kind, 0) + 1
                return False
            self._last[kind] = now
            left_out = self._left_out.pop(kind, 0)
        if left_out:
            message += " (%d more since the last report)"
            args = (*args, left_out)
        self._logger.warning(message, *args)
        return True

    def recovered(self, message: str, *args) -> None:
        """Log ``message`` once if failures were reported, and start afresh."""
        with self._lock:
            if not self._last:
                return
            self._last.clear()
            self._left_out.clear()
        self._logger.warning(message, *args)


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached, not that a statement is wrong."""
    if isinstance(error, (DisconnectionError, PoolTimeoutError)):
        return True  # the pool's: a connection found dead, or none free in time (a database that hangs)
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    sqlite_code = getattr(original, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in _SQLITE_OUTAGE_CODES
    if type(original).__module__.startswith("sqlite3"):
        return False
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state:
        return state.startswith("08") or state in _PG_OUTAGE_STATES
    # psycopg's errors without a SQLSTATE come from the client: no connection, or a lost one.
    return True


def _kind(error: BaseException) -> str:
    original = error.orig if isinstance(error, DBAPIError) else None
    cause = original if original is not None else error
    return f"{type(cause).__module__}.{type(cause).__qualname__}"


def _first_line(error: BaseException) -> str:
    original = error.orig if isinstance(error, DBAPIError) else None
    text = str(original if original is not None else error).strip()
    return (text.splitlines() or [""])[0][:300]


def _state(app: Flask) -> ThrottledLog:
    return app.extensions[_STATE]


def unavailable(app: Flask, error: BaseException) -> Response:
    """The 503 page for a request that could not reach the database, logged once per kind and interval."""
    throttled = _state(app)
    throttled.warning(
        _kind(error),
        "database unavailable, answering 503 with Retry-After %d: %s: %s",
        RETRY_AFTER_SECONDS,
        _kind(error),
        _first_line(error),
    )
    # The user loader needs the database: this request is anonymous from here on (the session
    # cookie is left as it is, so the visitor is signed in again once the database is back).
    g._login_user = login_manager.anonymous_user()
    language = _language_without_database(app)
    again = request.full_path if request.method == "GET" and request.query_string else request.path
    with force_locale(language):
        html = render_template("core/unavailable.html", again=again)
    response = app.make_response((html, 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _language_without_database(app: Flask) -> str:
    remembered = session.get(SESSION_LANGUAGE)
    if isinstance(remembered, str) and remembered in app.config["LANGUAGES"]:
        return remembered
    return i18n.select_locale()  # the user is anonymous now: parameter, cookie, browser


def handle(app: Flask) -> Callable[[Exception], Response]:
    def database_error(error: Exception) -> Response:
        if not is_outage(error):
            raise error  # a programming error: Flask logs it with its traceback and answers 500
        return unavailable(app, error)

    return database_error


def _show_rate_limit_storage_warnings() -> None:
    """Flask-Limiter logs "Rate limit storage unreachable - falling back to in-memory storage" (once
    per outage) to its logger, which has only a NullHandler: under gunicorn, where the root logger
    has no handler, the line would go nowhere. It gets Flask's handler, as Flask gives the app's logger."""
    logger = logging.getLogger("flask-limiter")
    current: logging.Logger | None = logger
    while current is not None:
        if any(not isinstance(handler, logging.NullHandler) for handler in current.handlers):
            return
        current = current.parent if current.propagate else None
    logger.addHandler(default_handler)


def init_app(app: Flask) -> None:
    """The 503 handler for lost database connections, and what it needs to speak the visitor's language."""
    throttled = ThrottledLog(log)
    app.extensions[_STATE] = throttled
    handler = handle(app)
    for error_class in DATABASE_ERRORS:
        app.register_error_handler(error_class, handler)

    @app.after_request
    def remember_language(response):
        """Keep a signed-in user's language in the session cookie, for the 503 page (once per change)."""
        user = g.get("_login_user")  # loaded by this request, if at all: never load it here
        if user is not None and user.is_authenticated and session.get(SESSION_LANGUAGE) != user.language:
            session[SESSION_LANGUAGE] = user.language
        return response

    _show_rate_limit_storage_warnings()
    with app.app_context():
        engine = db.engine

    def connected(_dbapi_connection, _record) -> None:
        throttled.recovered("database reachable again: pages are served as usual")

    event.listen(engine, "connect", connected)
