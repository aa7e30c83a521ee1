"""Apps built as production builds them: from the environment, with ELEARN_ENV=production."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import text

from elearn import create_app
from elearn.extensions import db

STRONG_SECRET = "k3-9V7xq0pQ_zL2mW8rT4yN6bC1dF5gH-aJ0sE3uI7oK"
REDIS_TEST_URL = "redis://127.0.0.1:6379/14"  # db 15 belongs to tests/auth, which flushes it


def drop_everything():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def make_app(monkeypatch, tmp_path, signing_key_pem):
    """``make_app(ELEARN_ENV="production", ...)``: an app from these environment variables, tables created.

    The database is the test one (SQLite in tmp_path, or DATABASE_URL's PostgreSQL);
    every app made shares it, like the workers of one deployment.
    """
    made = []
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'deploy.sqlite'}"
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
