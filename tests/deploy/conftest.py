"""Apps built as production builds them: from the environment, with ELEARN_ENV=production."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from elearn import create_app
from elearn.certificates.models import Certificate
from elearn.core.transaction import unit_of_work
from elearn.courses import reading
from elearn.extensions import db
from elearn.learning import services as learning
from tests.conftest import separate_database_url
from tests.factories import TWO_MODULE_FILES, finish, import_course, user_by

STRONG_SECRET = "k3-9V7xq0pQ_zL2mW8rT4yN6bC1dF5gH-aJ0sE3uI7oK"
REDIS_TEST_URL = "redis://127.0.0.1:6379/14"  # db 15 is tests/auth's
REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def start_gunicorn(env: dict, log: Path) -> subprocess.Popen:
    """gunicorn serving the repository's wsgi:app with ``env`` less REDIS_URL, its output written to ``log``."""
    env = {name: value for name, value in env.items() if name != "REDIS_URL"}
    with open(log, "wb") as output:
        return subprocess.Popen(
            [str(GUNICORN), "wsgi:app"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def drop_everything():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def make_app(monkeypatch, tmp_path, tmp_path_factory, signing_key_pem):
    """``make_app(ELEARN_ENV="production", ...)``: an app from these environment variables, tables created.

    The database is one of these tests' own (a SQLite file, or ``<DATABASE_URL's>_deploy`` on
    PostgreSQL), emptied and made anew for each test: never the shared test database, whose
    schema the other tests' transactions use. Every app made shares it, like the workers of
    one deployment.
    """
    made = []
    url = separate_database_url(tmp_path_factory, "deploy")
    for name in (
        "ELEARN_ENV",
        "SECRET_KEY",
        "REDIS_URL",
        "ELEARN_PROXY_COUNT",
        "ELEARN_URL_SCHEME",
        "FLASK_DEBUG",
        "MAIL_SERVER",
        "ELEARN_SIGNING_KEY",
        "ELEARN_ISSUER_URL",
        "WEB_CONCURRENCY",
    ):
        monkeypatch.delenv(name, raising=False)

    def make(*, create_tables: bool = True, test_config: dict | None = None, **env):
        env.setdefault("DATABASE_URL", url)
        env.setdefault("ELEARN_SIGNING_KEY", signing_key_pem)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        app = create_app({"COURSES_PATH": str(tmp_path / "courses"), **(test_config or {})})
        if not made:  # the first app starts from an empty database
            with app.app_context():
                drop_everything()
                if create_tables:
                    db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            if app is made[0]:
                drop_everything()
            db.engine.dispose()


@pytest.fixture
def production(make_app):
    """A production app over plain settings: strong secret, HTTPS links, __Host- cookies."""
    return make_app(ELEARN_ENV="production", SECRET_KEY=STRONG_SECRET)


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in Redis db 14, removed afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.ping()  # the suite needs the Redis of this machine (README)
    prefix = f"test-{uuid.uuid4().hex}:"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):  # Flask-Limiter puts its own prefix first
        client.delete(key)
    client.close()


@pytest.fixture
def completed(app, write_course, make_user):
    """A learner in Latvia who completed the lv-LV version of the two-module course: the certificate's id."""
    import_course(app, write_course, TWO_MODULE_FILES)
    make_user("janis@example.org", name="Jānis Bērziņš", country="LV", language="lv")
    with app.app_context(), unit_of_work():
        learning.enrol(user_by("janis@example.org"), reading.get_course("demo"), "lv-LV")
    finish(app, "janis@example.org")
    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id))
    assert certificate_id is not None
    return certificate_id
