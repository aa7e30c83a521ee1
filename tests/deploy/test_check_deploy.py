"""``flask check-deploy``: problems exit 1, warnings are printed, a good configuration passes."""

from __future__ import annotations

import os

from tests.deploy.conftest import REDIS_TEST_URL, STRONG_SECRET

GOOD = {
    "ELEARN_ENV": "production",
    "SECRET_KEY": STRONG_SECRET,
    "REDIS_URL": REDIS_TEST_URL,
    "MAIL_SERVER": "smtp.example.org",
    "MAIL_USE_TLS": "1",
    "MAIL_DEFAULT_SENDER": "learn@example.org",
    "ELEARN_ISSUER_URL": "https://example.org",
    "ELEARN_PROXY_COUNT": "1",
}


def check_deploy(app, *args):
    return app.test_cli_runner().invoke(args=["check-deploy", *args])


def upgraded(app):
    """The app's database brought to the migrations' head, as `flask db upgrade` does."""
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return app


def on_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def lines(output: str) -> list[str]:
    return output.strip().splitlines()


def test_a_development_configuration_is_refused_with_every_reason(make_app, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = make_app(ELEARN_ENV="development")  # tables made by create_all: no migration applied
    result = check_deploy(app, "--workers", "4")
    assert result.exit_code == 1, result.exception
    problems = [line for line in lines(result.output) if line.startswith("PROBLEM: ")]
    for expected in (
        "ELEARN_ENV is not 'production'",
        "SECRET_KEY is the development key",
        "DEBUG is on",
        "Links in mails and certificates use http://",
        "The session cookie is not Secure",
        "not __Host- prefixed",
        "MAIL_SERVER is not set",
        "not at the latest migration",
    ):
        assert any(expected in line for line in problems), (expected, result.output)
    warnings = [line for line in lines(result.output) if line.startswith("WARNING: ")]
    assert any("No REDIS_URL with 4 workers" in line and "4×" in line for line in warnings), result.output
    if on_sqlite(app):
        assert any("SQLite with 4 gunicorn workers" in line for line in warnings), result.output
    assert lines(result.output)[-1] == f"{len(problems)} problem(s), {len(warnings)} warning(s)."


def test_a_short_secret_in_production_is_a_problem(make_app):
    app = upgraded(make_app(create_tables=False, **{**GOOD, "SECRET_KEY": "x" * 48}))
    app.config["SECRET_KEY"] = "short-but-set"  # create_app itself refuses this; a later override is caught
    result = check_deploy(app, "--workers", "2")
    assert result.exit_code == 1 and "PROBLEM: SECRET_KEY has 13 characters" in result.output


def test_a_good_configuration_passes(make_app):
    app = upgraded(make_app(create_tables=False, **GOOD))
    result = check_deploy(app, "--workers", "4")
    assert result.exit_code == 0, result.output
    assert "PROBLEM" not in result.output and "0 problem(s)" in result.output
    if not on_sqlite(app):  # PostgreSQL and Redis: nothing to warn about
        assert lines(result.output) == ["0 problem(s), 0 warning(s)."]
    else:
        assert [line.split(":")[0] + ": " + line.split(": ")[1][:30] for line in lines(result.output)[:-1]] == [
            "WARNING: SQLite with 4 gunicorn workers"
        ]


def test_strict_fails_on_warnings_and_workers_come_from_web_concurrency(make_app, monkeypatch):
    app = upgraded(make_app(create_tables=False, **{**GOOD, "REDIS_URL": ""}))
    app.config["REDIS_URL"] = None
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    result = check_deploy(app)
    assert result.exit_code == 0 and "WARNING: No REDIS_URL with 3 workers" in result.output
    assert check_deploy(app, "--strict").exit_code == 1
    assert "REDIS_URL" not in check_deploy(app, "--workers", "1").output


def test_an_unset_signing_key_asks_for_a_backup_of_the_instance_key(make_app):
    app = upgraded(make_app(create_tables=False, **{**GOOD, "ELEARN_SIGNING_KEY": ""}))
    result = check_deploy(app, "--workers", "1")
    assert "WARNING: ELEARN_SIGNING_KEY is not set" in result.output
    assert os.path.join(app.instance_path, "signing-key.pem") in result.output and "Back that file up" in result.output
