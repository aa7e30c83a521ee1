"""Test fixtures: the schema built once per test session, each test in a transaction rolled back.

The database is a SQLite file in the session's temporary folder, or the PostgreSQL
database named by ``DATABASE_URL`` (``.ci/run`` runs the whole suite on both). Its tables
are created once; each test's app runs on one connection inside an outer transaction that
is rolled back when the test ends, and its session joins that transaction through
savepoints, so a request's commit (or a test's ``db.session.commit()``) is real for the
rest of the test and gone after it. Tests that need real commits seen by other
connections (a server in a thread or a process, pg_dump, migrations) get a database of
their own from :func:`separate_database_url`.

The tests share one app (:class:`SharedApp`), as it was made, at the start of each test;
a test that changes the app itself (adds a route, a hook, a template loader) is marked
``own_app`` and gets one of its own. The demo course is imported once per session and its
rows are written into each test that asks for it (``demo``).
"""

from __future__ import annotations

import copy
import os
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, select
from sqlalchemy.orm import Session as PlainSession

from elearn import create_app
from elearn.auth.models import ROLES, RoleGrant
from elearn.core import jobs
from elearn.courses.importer import sync_tree
from elearn.extensions import SESSION_OPTIONS, cache, db, limiter
from tests.factories import PASSWORD, course_files

REPO = Path(__file__).resolve().parents[1]
DEMO_COURSES = REPO / "courses"


@pytest.fixture(scope="session")
def signing_key_pem() -> str:
    """One Ed25519 key for the test session, so tests never write into instance/."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


def app_settings(url: str, signing_key_pem: str, **extra) -> dict:
    """What every test app runs with: cheap password hashing, positions written in the request."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "COURSES_PATH": str(DEMO_COURSES),
        "SIGNING_KEY": signing_key_pem,
        "PASSWORD_HASH_PROFILE": "CHEAPEST",  # tests/auth checks the production profile
        "VISIT_WRITE_DELAY": 0,  # positions written in the request; tests/learning/test_visits.py batches them
        "JOBS_IMMEDIATE": True,  # jobs (mail) run right after the commit; tests/core/test_jobs.py runs a worker
        **extra,
    }


def separate_database_url(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    """A database of its own, for tests whose commits other connections must see.

    SQLite: a new file. PostgreSQL: ``<test database>_<name>`` beside ``DATABASE_URL``'s,
    created when missing (the test user may create databases, as ``postgres`` does)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.sqlite'}"
    base = sa.make_url(url)
    own = base.set(database=f"{base.database}_{name}")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def job_queue_file(tmp_path_factory):
    """Apps with a real queue (tests/deploy's, made from the environment) keep it in the session's
    folder, not in instance/, which a test session running at the same time would share."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ELEARN_JOBS_PATH", str(tmp_path_factory.mktemp("jobs") / "jobs.sqlite"))
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, signing_key_pem) -> str:
    """The shared test database with every table created, once per test session."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    _create_schema(url, signing_key_pem)
    return url


class _JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session on the test's connection (its own ``get_bind`` ignores ``bind``)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return PlainSession.get_bind(self, mapper, clause=clause, bind=bind, **kwargs)


def _begin_outer_transaction(connection: sa.Connection) -> sa.Transaction:
    if connection.dialect.name == "sqlite":
        # pysqlite begins a transaction only before a write and a SAVEPOINT outside one
        # would commit on RELEASE: take over and begin it here (SQLAlchemy's documented recipe).
        dbapi_connection = connection.connection.dbapi_connection
        connection.info["isolation_level"] = dbapi_connection.isolation_level
        dbapi_connection.isolation_level = None
        transaction = connection.begin()
        connection.exec_driver_sql("BEGIN")
        return transaction
    return connection.begin()


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """The app's session on one connection, inside a transaction rolled back at the end.

    The session joins the transaction through savepoints, so a commit inside is real until
    the end. The connection goes back to the app's pool as it came."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = _begin_outer_transaction(connection)
        default_session = db.session
        db.session = db._make_scoped_session(
            {
                **SESSION_OPTIONS,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _JoinedSession,
            }
        )
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
            db.session = default_session
            transaction.rollback()
            if connection.dialect.name == "sqlite":
                connection.connection.dbapi_connection.isolation_level = connection.info.pop("isolation_level")
            connection.close()


def _create_schema(url: str, signing_key_pem: str) -> None:
    app = create_app(app_settings(url, signing_key_pem))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def empty_tables() -> None:
    """Delete every row of every table (the app's context), keeping the schema."""
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def committing_database_url(tmp_path_factory, signing_key_pem) -> str:
    """A database of its own for tests marked ``real_commits``, its tables created once."""
    url = separate_database_url(tmp_path_factory, "commits")
    _create_schema(url, signing_key_pem)
    return url


class SharedApp:
    """One app for the tests on a database, as ``create_app`` made it, at the start of every test.

    Making an app costs about 45 ms (werkzeug compiles every route), and a new app compiles
    again each template and catalogue it renders, so the tests share one. Each test starts
    from it as it was made: the settings as they were, the cache, the rate limits and the
    job queue empty, what a test added to ``app.extensions`` gone. A test that changes the app
    itself (a route, a hook, the template loader) is marked ``own_app``; unmarked, it fails,
    so the change cannot reach the tests after it.

    ``create_app`` points the extension objects every app of the process shares (the job
    queue, the rate limiter) at the app it makes, and gives the queue a new storage: when
    the queue's storage is no longer this app's, another app was made since (tests/deploy
    makes many), and the shared app is made again rather than reused.
    """

    def __init__(self, settings: dict):
        self.settings = settings
        self.app: Flask | None = None

    def get(self) -> Flask:
        if self.app is None or not self._in_charge():
            self._make()
        else:
            self._reset()
        assert self.app is not None
        return self.app

    def _make(self) -> None:
        self.dispose()
        app = self.app = create_app(self.settings)
        self.config = copy.deepcopy(dict(app.config))
        self.extensions = set(app.extensions)
        self.queue_storage = jobs.huey.storage
        self.limits_enabled = limiter.enabled
        self.shape = _shape(app)

    def _in_charge(self) -> bool:
        return jobs.huey.storage is self.queue_storage and limiter.enabled == self.limits_enabled

    def _reset(self) -> None:
        app = self.app
        assert app is not None
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        for name in set(app.extensions) - self.extensions:  # e.g. a batch of learners' positions
            del app.extensions[name]
        with app.app_context():
            cache.clear()
        if limiter.enabled:
            limiter.reset()
        jobs.huey.flush()

    def check_unchanged(self) -> None:
        """After a test: fail it if it changed the app itself, which is then made anew for the next."""
        if self.app is not None and _shape(self.app) != self.shape:
            self.dispose()
            pytest.fail("the test changed the shared app (routes, hooks, templates): mark it @pytest.mark.own_app")

    def dispose(self) -> None:
        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()
            self.app = None


def _shape(app: Flask) -> tuple:
    """What a test may change only on an app of its own: routes, hooks, error handlers, templates."""
    hooks = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.template_context_processors,
        app.url_value_preprocessors,
        app.url_default_functions,
    )
    return (
        [(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()],
        dict(app.view_functions),
        list(app.blueprints.values()),
        # (Flask's lookups add empty entries to these defaultdicts: only what is in them counts.)
        [{scope: list(functions) for scope, functions in hook.items() if functions} for hook in hooks],
        {
            (scope, code, error): handler
            for scope, by_code in app.error_handler_spec.items()
            for code, handlers in by_code.items()
            for error, handler in handlers.items()
        },
        app.jinja_env.loader,
        dict(app.jinja_env.globals),
        dict(app.jinja_env.filters),
        app.wsgi_app,
    )


@pytest.fixture(scope="session")
def shared_app(database_url, signing_key_pem):
    shared = SharedApp(app_settings(database_url, signing_key_pem))
    yield shared
    shared.dispose()


@pytest.fixture
def app(request, database_url, signing_key_pem):
    """The app on the shared database, inside a transaction rolled back after the test.

    The app is the one the tests share (:class:`SharedApp`), or, for a test marked
    ``own_app``, one of its own. A test marked ``real_commits`` (threads or processes that
    must see its commits) gets an app of its own that commits for real on a database of its
    own, emptied after the test."""
    if request.node.get_closest_marker("real_commits"):
        url = request.getfixturevalue("committing_database_url")
        app = create_app(app_settings(url, signing_key_pem))
        yield app
        with app.app_context():
            db.session.remove()
            empty_tables()
            db.engine.dispose()
        return
    own = request.node.get_closest_marker("own_app") is not None
    shared = None if own else request.getfixturevalue("shared_app")
    app = shared.get() if shared else create_app(app_settings(database_url, signing_key_pem))
    with rolled_back(app):
        yield app
    if shared is None:
        with app.app_context():
            db.engine.dispose()
    else:
        shared.check_unchanged()


@pytest.fixture
def appctx(app):
    """An application context for tests that use the database directly.

    Requests made with ``client`` get their own context, as in production; tests that
    mix both should not use this fixture but ``with app.app_context():`` blocks.
    """
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# The statements each test's isolation adds around a request's transaction (see ``app``).
_ISOLATION = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ", "BEGIN")


class QueryCounter:
    """The SQL statements a block runs, less the savepoints that isolate the test."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        if not statement.startswith(_ISOLATION):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: …`` records the SQL statements run inside."""
    from contextlib import contextmanager

    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def write_course(tmp_path):
    """Write a course tree from {relative path: text}; returns the courses folder."""

    def write(files: dict[str, str], root: Path | None = None, slug: str = "demo") -> Path:
        base = root or tmp_path / "courses"
        for rel, text in files.items():
            path = base / slug / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return base

    return write


@pytest.fixture(scope="session")
def demo_import(shared_app) -> tuple:
    """The demo course imported once per session (about 2 s): the import's report, and the rows
    it wrote, table by table, read before the import is rolled back."""
    app = shared_app.get()
    with rolled_back(app), app.app_context():
        report = sync_tree(DEMO_COURSES)
        db.session.flush()
        rows = {table: db.session.execute(table.select()).mappings().all() for table in db.metadata.sorted_tables}
    assert report.ok, "\n".join(map(str, report.problems))
    return report, {table: [dict(row) for row in found] for table, found in rows.items() if found}


@pytest.fixture
def demo(app, demo_import):
    """The demo course from courses/, imported: the rows the session's one import wrote
    (:func:`demo_import`), written again into the test's database. Returns the import's report."""
    report, rows = demo_import
    with app.app_context():
        connection = db.session.connection()
        for table, table_rows in rows.items():
            connection.execute(table.insert(), table_rows)
        if connection.dialect.name == "postgresql":  # the rows came with their ids: the sequences move past them
            for table, table_rows in rows.items():
                for column in table.primary_key.columns:
                    if isinstance(column.type, sa.Integer):
                        highest = max(row[column.name] for row in table_rows)
                        connection.execute(_MOVE_SEQUENCE, {"table": table.name, "column": column.name, "id": highest})
        db.session.commit()
    return report


_MOVE_SEQUENCE = sa.text(
    "SELECT setval(sequence, GREATEST(:id, COALESCE(pg_sequence_last_value(sequence), 1)))"
    " FROM (SELECT CAST(pg_get_serial_sequence(:table, :column) AS regclass) AS sequence) AS serial"
    " WHERE sequence IS NOT NULL"
)


# ---------------------------------------------------------------- mail, users, signing in


class Mailbox:
    """What a real local SMTP server (aiosmtpd) received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def last_to(self, address: str):
        for message in reversed(self.messages):
            if address in message["To"]:
                return message
        raise AssertionError(f"no mail to {address}; got {[m['To'] for m in self.messages]}")

    def link_in(self, address: str) -> str:
        import re

        body = self.last_to(address).get_body(("plain",)).get_content()
        return re.search(r"https?://\S+", body).group(0)


@pytest.fixture
def mailbox(app):
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield box
    controller.stop()


@pytest.fixture
def make_user(app):
    """Create a confirmed account: make_user("a@example.org", roles=("admin",))."""
    from elearn.auth.services import create_user

    def make(email: str, *, roles=(), name: str | None = None, language="en", country="LV"):
        with app.app_context():
            user = create_user(
                email=email,
                name=name or email.split("@")[0].title(),
                password=PASSWORD,
                roles=tuple(r for r in roles if r != "learner"),
                language=language,
                country=country,
            )
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def world(app, write_course, make_user):
    """The course of ``course_files()`` imported, and one user per role (tests/auth's role × route matrix)."""
    root = write_course(course_files())
    with app.app_context():
        assert sync_tree(root).ok
        db.session.commit()  # as the import command's unit of work would
    users = {}
    for role in ROLES:
        make_user(f"{role}@example.org", roles=(role,))
        users[role] = f"{role}@example.org"
    with app.app_context():  # a partner admin holds a variant
        db.session.scalar(select(RoleGrant).where(RoleGrant.role == "partner_admin")).scope = "lv-LV"
        db.session.commit()
    return users


@pytest.fixture
def lead(make_user) -> str:
    """A cohort lead's email address."""
    make_user("lead@example.org", name="Līga Lead", roles=("cohort_lead",))
    return "lead@example.org"


def csrf_from(page: str) -> str:
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, *, page_url: str | None = None, **kwargs):
    """POST like a browser: fetch the page first for its CSRF token."""
    page = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **(data or {})}, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD):
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response
