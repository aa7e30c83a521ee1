"""Outages degrade, never 500: Redis down (limits in memory, no cache), the database down (a 503 page).

The parts are real: a redis-server this test starts and kills, and on PostgreSQL a TCP proxy
in front of the server that the test closes (refusing new connections and cutting the open
ones), as a network failure or a restarting server would.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
import redis
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from elearn import config, create_app
from elearn.auth import access
from elearn.core import outages
from elearn.core.cache import TolerantRedisCache
from elearn.extensions import cache, db, limiter
from tests.conftest import PASSWORD, app_settings, csrf_from, post_form, separate_database_url, sign_in
from tests.deploy.conftest import STRONG_SECRET, drop_everything, free_port, start_gunicorn

REDIS_SERVER = shutil.which("redis-server")


# --- Redis ---------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own on a free port, nothing saved to disk; killed and started at will."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert REDIS_SERVER
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--daemonize", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def keys(self, pattern: str = "*") -> list[str]:
        client = redis.Redis.from_url(self.url)
        try:
            return [key.decode() for key in client.scan_iter(match=pattern)]
        finally:
            client.close()


@pytest.fixture
def own_redis(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_app(app, own_redis, signing_key_pem):
    """An app on the test's database whose rate limits and cache are in ``own_redis``."""
    made = create_app(
        app_settings(
            app.config["SQLALCHEMY_DATABASE_URI"],
            signing_key_pem,
            REDIS_URL=own_redis.url,
            JOBS_IMMEDIATE=False,  # mail is queued in Redis, as in production (no worker runs here)
            **config.rate_limit_settings(own_redis.url),
            **config.cache_settings(own_redis.url),
        )
    )
    yield made
    limiter._storage_dead = False  # the extension object is shared by every app of the test session
    with made.app_context():
        db.engine.dispose()


def register(client, email: str):
    data = {
        "name": "Līga Ozola",
        "email": email,
        "password": "a long and quiet river",
        "country": "LV",
        "language": "lv",
    }
    return post_form(client, "/register", data)


def use_the_site(app, certificate_id, number: int) -> None:
    """Sign in, register, ask for a password reset and verify a certificate: every answer right, none a 500."""
    client = app.test_client()
    assert sign_in(client, "ana@example.org").headers["Location"] == "/me/"
    assert client.get("/me/profile").status_code == 200
    registered = register(app.test_client(), f"new{number}@example.org")
    assert registered.status_code == 200 and f"new{number}@example.org" in registered.get_data(as_text=True)
    reset = post_form(app.test_client(), "/password/forgot", {"email": "ana@example.org"})
    assert reset.status_code == 200
    verified = app.test_client().get(f"/certificates/{certificate_id}")
    assert verified.status_code == 200 and "Jānis Bērziņš" in verified.get_data(as_text=True)
    pdf = app.test_client().get(f"/certificates/{certificate_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for route in ("json", "status"):
        assert (
            app.test_client()
            .get(f"/certificates/{certificate_id}{'.json' if route == 'json' else '/status'}")
            .status_code
            == 200
        )


def wrong_passwords(app, email: str, attempts: int) -> list[int]:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = csrf_from(page)
    return [
        client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong"}).status_code
        for _ in range(attempts)
    ]


@pytest.mark.real_commits  # the second app's connections read what the fixtures commit
def test_with_redis_killed_the_site_works_and_uses_redis_again_when_it_is_back(
    redis_app, own_redis, completed, make_user, caplog
):
    make_user("ana@example.org")
    make_user("bo@example.org")
    use_the_site(redis_app, completed, 1)
    assert own_redis.keys("LIMITS*"), "rate limits are counted in Redis"
    assert own_redis.keys("elearn:cache:certificate-pdf:*"), "the certificate PDF is cached in Redis"

    own_redis.kill()
    with caplog.at_level(logging.INFO):
        use_the_site(redis_app, completed, 2)
        # limits still apply, counted in this process's memory: 5 wrong passwords per account and minute
        assert wrong_passwords(redis_app, "bo@example.org", 6) == [200] * 5 + [429]
        use_the_site(redis_app, completed, 3)
    fallbacks = [r for r in caplog.records if "falling back to in-memory storage" in r.getMessage()]
    assert len(fallbacks) == 1  # one line for the outage, not one per request
    cache_lines = [r for r in caplog.records if r.name == "elearn.core.cache"]
    assert len(cache_lines) == 1 and cache_lines[0].getMessage().startswith("cache unavailable")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    own_redis.start()  # empty: nothing was saved
    deadline = time.monotonic() + 45  # Flask-Limiter tries the storage again after 1, 2, 4 … 32 s
    while not own_redis.keys("LIMITS*"):
        assert time.monotonic() < deadline, "rate limits did not return to Redis"
        redis_app.test_client().get(f"/certificates/{completed}")
        time.sleep(0.25)
    assert redis_app.test_client().get(f"/certificates/{completed}.pdf").status_code == 200
    assert own_redis.keys("elearn:cache:certificate-pdf:*"), "the cache uses Redis again, with no restart"
    use_the_site(redis_app, completed, 4)


def test_the_redis_cache_is_a_miss_and_a_no_op_while_redis_is_unreachable(app, signing_key_pem, caplog):
    broken = create_app(
        app_settings(
            app.config["SQLALCHEMY_DATABASE_URI"],
            signing_key_pem,
            **config.cache_settings("redis://127.0.0.1:1/0"),  # nothing listens
        )
    )
    with broken.app_context(), caplog.at_level(logging.WARNING, logger="elearn.core.cache"):
        backend = cache.cache
        assert isinstance(backend, TolerantRedisCache)
        assert backend.set("a", 1) is False and backend.get("a") is None
        assert backend.get_many("a", "b") == [None, None] and backend.has("a") is False
        assert backend.delete("a") is False and backend.inc("n") is None
        db.engine.dispose()
    assert len(caplog.records) == 1  # one line per kind of failure and interval


# --- the database ---------------------------------------------------------------------------


class TcpProxy:
    """127.0.0.1:<port> → the database server; :meth:`close` refuses new connections and cuts the open ones."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self._listening.set()
        self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._listening.clear()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            cut, self._sockets = self._sockets, set()
        for sock in cut:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while self._listening.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                try:
                    upstream = socket.create_connection(self.target)
                except OSError:
                    client.close()
                    continue
                with self._lock:
                    self._sockets |= {client, upstream}
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class Outage:
    """The app's database made unreachable and reachable again."""

    def __init__(self, url: str, tmp_path: Path):
        self.real_url = sa.make_url(url)
        if self.real_url.get_backend_name() == "postgresql":
            self.proxy: TcpProxy | None = TcpProxy(self.real_url.host or "127.0.0.1", self.real_url.port or 5432)
            self.proxy.open()
            self.url = self.real_url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)
        else:
            # SQLite has no server to lose; the nearest honest equivalent is a database file that cannot
            # be opened: its directory moved away (the test runs as root, so permissions would not stop it).
            self.proxy = None
            self.directory = tmp_path / "data"
            self.directory.mkdir()
            self.moved = tmp_path / "data-away"
            self.url = f"sqlite:///{self.directory / 'outage.sqlite'}"

    down = False

    def cut(self, app) -> None:
        self.down = True
        if self.proxy is not None:
            self.proxy.close()
        else:
            self.directory.rename(self.moved)
            with app.app_context():  # open SQLite connections keep the file: as a fresh worker would, connect anew
                db.engine.dispose()

    def restore(self) -> None:
        self.down = False
        if self.proxy is not None:
            self.proxy.open()
        else:
            self.moved.rename(self.directory)


@pytest.fixture
def outage(tmp_path, tmp_path_factory, signing_key_pem):
    """(app, outage): an app whose database, of its own, the test can make unreachable."""
    outage = Outage(separate_database_url(tmp_path_factory, "outage"), tmp_path)
    made = create_app(app_settings(outage.url, signing_key_pem, PROPAGATE_EXCEPTIONS=False))
    with made.app_context():
        drop_everything()
        db.create_all()
    yield made, outage
    if outage.down:
        outage.restore()
    with made.app_context():
        db.session.remove()
        drop_everything()
        db.engine.dispose()
    if outage.proxy is not None:
        outage.proxy.close()


def create_account(app, email: str, language: str) -> None:
    from elearn.auth.services import create_user

    with app.app_context():
        create_user(email=email, name="Jānis", password=PASSWORD, roles=(), language=language, country="LV")
        db.session.commit()


def translated(app, language: str, message: str) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message)


def test_with_the_database_unreachable_visitors_get_a_503_page_in_their_language(outage, caplog):
    app, database = outage
    create_account(app, "janis@example.org", "lv")
    signed_in = app.test_client()
    sign_in(signed_in, "janis@example.org")
    latvian = app.test_client()
    assert latvian.get("/courses/?lang=lv").status_code == 200  # the language menu's choice, kept in a cookie
    english = app.test_client()
    login_page = english.get("/login").get_data(as_text=True)
    assert signed_in.get("/me/profile").status_code == 200

    heading_lv = translated(app, "lv", "Temporarily unavailable")
    assert heading_lv != "Temporarily unavailable"
    database.cut(app)
    requests = 0
    with caplog.at_level(logging.INFO):
        for _ in range(4):
            for client, url, heading in (
                (signed_in, "/me/profile", heading_lv),  # the user loader fails first
                (signed_in, "/courses/", heading_lv),
                (signed_in, "/no-such-page", heading_lv),  # the 404 page needs the user: a 503 too
                (latvian, "/courses/", heading_lv),  # the view's query fails
                (english, "/courses/", "Temporarily unavailable"),
            ):
                response = client.get(url)
                requests += 1
                page = response.get_data(as_text=True)
                assert response.status_code == 503, page[:500]
                assert response.headers["Retry-After"] == "30"
                assert f"<h1>{heading}</h1>" in page and "Internal Server Error" not in page
            signed_out = english.post(
                "/login", data={"csrf_token": csrf_from(login_page), "email": "janis@example.org", "password": PASSWORD}
            )
            requests += 1
            # Flask-Limiter moves Retry-After to its window's end when that is later (a minute here)
            assert signed_out.status_code == 503 and int(signed_out.headers["Retry-After"]) >= 30
    lines = [r for r in caplog.records if r.name == "elearn.core.outages"]
    assert 1 <= len(lines) <= 2 < requests, [r.getMessage() for r in lines]  # one per kind of failure, not per request
    assert all(r.getMessage().startswith("database unavailable, answering 503") for r in lines)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]  # no tracebacks

    database.restore()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="elearn.core.outages"):
        profile = signed_in.get("/me/profile")  # still signed in: the session outlived the outage
        assert profile.status_code == 200 and "janis@example.org" in profile.get_data(as_text=True)
    assert [r.getMessage() for r in caplog.records] == ["database reachable again: pages are served as usual"]
    assert english.get("/courses/").status_code == 200
    assert latvian.get("/courses/").status_code == 200


def test_a_programming_error_stays_a_500_with_its_traceback(outage, caplog):
    app, _database = outage

    def broken():
        db.session.execute(sa.text("SELECT * FROM no_such_table"))
        return "unreachable"

    app.add_url_rule("/broken", "broken", broken)
    access.allow(app, "broken", access.PUBLIC)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/broken")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert [r for r in caplog.records if r.exc_info]  # Flask logged the traceback


def dbapi_error(error_class, original: Exception):
    return error_class("SELECT 1", {}, original)


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (dbapi_error(OperationalError, psycopg.OperationalError("connection failed: Connection refused")), True),
        (dbapi_error(OperationalError, psycopg.errors.AdminShutdown("terminating connection")), True),
        (dbapi_error(OperationalError, psycopg.errors.CannotConnectNow("the database system is starting up")), True),
        (dbapi_error(OperationalError, psycopg.errors.TooManyConnections("too many clients")), True),
        (dbapi_error(InterfaceError, psycopg.InterfaceError("the connection is closed")), True),
        (DisconnectionError("pool"), True),
        (PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached, connection timed out"), True),
        (dbapi_error(OperationalError, sqlite3.OperationalError("unable to open database file")), None),
        (dbapi_error(OperationalError, psycopg.errors.QueryCanceled("statement timeout")), False),
        (dbapi_error(OperationalError, psycopg.errors.SerializationFailure("could not serialize")), False),
        (dbapi_error(OperationalError, sqlite3.OperationalError("no such table: x")), False),
        (dbapi_error(InterfaceError, sqlite3.InterfaceError("Error binding parameter 1")), False),
        (dbapi_error(ProgrammingError, psycopg.errors.UndefinedTable("relation x does not exist")), False),
        (ValueError("x"), False),
    ],
)
def test_what_counts_as_the_database_being_unreachable(error, outage):
    if outage is None:  # sqlite3 sets the result code itself: make the real error
        with pytest.raises(sqlite3.OperationalError) as raised:
            sqlite3.connect("/no/such/directory/x.sqlite")
        error, outage = dbapi_error(OperationalError, raised.value), True
    assert outages.is_outage(error) is outage


def test_the_log_says_once_per_interval_how_many_failures_it_left_out(caplog):
    now = [0.0]
    log = outages.ThrottledLog(logging.getLogger("tests.outages"), interval=30, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="tests.outages"):
        for second in range(0, 61):
            now[0] = float(second)
            log.warning("refused", "database unavailable: %s", "refused")
            log.warning("lost", "database unavailable: %s", "lost")
        log.recovered("back")
        log.recovered("back")
    assert [r.getMessage() for r in caplog.records] == [
        "database unavailable: refused",
        "database unavailable: lost",
        "database unavailable: refused (29 more since the last report)",
        "database unavailable: lost (29 more since the last report)",
        "database unavailable: refused (29 more since the last report)",
        "database unavailable: lost (29 more since the last report)",
        "back",
    ]


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own server on loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server on loopback
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_several_gunicorn_workers_answer_503_and_recover_each_on_its_own(tmp_path, tmp_path_factory, signing_key_pem):
    """gunicorn, 2 workers, started while the database is unreachable; it comes back with no restart."""
    database = Outage(separate_database_url(tmp_path_factory, "outage"), tmp_path)
    schema = create_app(app_settings(database.url, signing_key_pem))
    with schema.app_context():
        drop_everything()
        db.create_all()
    database.cut(schema)
    port = free_port()
    env = {
        **os.environ,
        "ELEARN_ENV": "production",
        "SECRET_KEY": STRONG_SECRET,
        "DATABASE_URL": database.url,
        "ELEARN_SIGNING_KEY": signing_key_pem,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": os.devnull,
    }
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert fetch(f"{base}/healthz")[0] == 200  # needs no database
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        heading_lv = translated(schema, "lv", "Temporarily unavailable")
        for _ in range(20):
            status, headers, page = fetch(f"{base}/courses/", {"Accept-Language": "lv"})
            assert status == 503 and headers["Retry-After"] == "30" and f"<h1>{heading_lv}</h1>" in page, page
        text = log.read_text()
        assert 1 <= text.count("database unavailable, answering 503") <= 2, text  # one per worker, not per request
        assert "Traceback" not in text and "Internal Server Error" not in text, text

        database.restore()
        for _ in range(10):
            assert fetch(f"{base}/courses/")[0] == 200, log.read_text()
        assert log.read_text().count("database reachable again") <= 2
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if database.down:
            database.restore()
        with schema.app_context():
            db.session.remove()
            drop_everything()
            db.engine.dispose()
        if database.proxy is not None:
            database.proxy.close()


def test_with_redis_url_limits_fall_back_to_memory_and_the_cache_tolerates_an_outage(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = {**config.DEFAULTS, **config.from_environment(str(tmp_path))}
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert settings["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] and settings["RATELIMIT_SWALLOW_ERRORS"]
    assert settings["CACHE_TYPE"] == "elearn.core.cache.TolerantRedisCache"
    for options in (settings["RATELIMIT_STORAGE_OPTIONS"], settings["CACHE_OPTIONS"]):
        assert options == {"socket_connect_timeout": 1, "socket_timeout": 2}  # never redis-py's 5 s
