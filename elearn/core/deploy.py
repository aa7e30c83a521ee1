"""``flask check-deploy``: what is insecure or fragile in this deployment's configuration.

Each finding is a *problem* (insecure or broken: the command exits 1) or a *warning*
(works, but know what you are doing: exit 0, or 1 with ``--strict``). The checks read
the configuration the app really runs with, so run the command with the same
environment as gunicorn (docs/deployment.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from elearn.config import DEV_SECRET_KEY
from elearn.core.signing_key import KEY_FILE
from elearn.extensions import db, migrate

PROBLEM = "problem"
WARNING = "warning"
MIN_SECRET_LENGTH = 32


WORKER_MEMORY_MB = 512  # the machine's memory each default worker may take, the database's share included


def default_workers() -> int:
    """gunicorn's worker count: ``WEB_CONCURRENCY``, else 2 per core plus one, but no more than
    one per ``WORKER_MEMORY_MB`` of the machine's memory, and at least one (gunicorn.conf.py)."""
    value = os.environ.get("WEB_CONCURRENCY")
    if value:
        return int(value)
    memory_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    return max(1, min(2 * (os.cpu_count() or 1) + 1, memory_mb // WORKER_MEMORY_MB))


@dataclass(frozen=True)
class Finding:
    level: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper()}: {self.message}"


def check(app, workers: int) -> list[Finding]:
    """Every finding for ``app``'s configuration, served by ``workers`` processes."""
    config = app.config
    found: list[Finding] = []

    def problem(message: str) -> None:
        found.append(Finding(PROBLEM, message))

    def warning(message: str) -> None:
        found.append(Finding(WARNING, message))

    if config.get("ENV_NAME") != "production":
        problem(
            "ELEARN_ENV is not 'production': cookies are not Secure, links are http://, "
            "and the development secret would be accepted."
        )
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY:
        problem(
            "SECRET_KEY is the development key: anyone can forge sessions. "
            "Set a random value (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    elif len(secret) < MIN_SECRET_LENGTH:
        problem(f"SECRET_KEY has {len(secret)} characters: use at least {MIN_SECRET_LENGTH} random ones.")
    if app.debug or config.get("DEBUG") or os.environ.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes"}:
        problem("DEBUG is on: the debugger runs any code a visitor sends. Unset FLASK_DEBUG.")
    if config.get("TESTING"):
        problem("TESTING is on: errors are not handled as in production.")
    if config.get("PREFERRED_URL_SCHEME") != "https":
        problem(
            "Links in mails and certificates use http://: serve the site over HTTPS "
            "(ELEARN_URL_SCHEME=https, the production default)."
        )
    if not config.get("SESSION_COOKIE_SECURE"):
        problem("The session cookie is not Secure: it would travel over plain HTTP.")
    if not str(config.get("SESSION_COOKIE_NAME", "")).startswith("__Host-"):
        problem("The session cookie is not __Host- prefixed: a subdomain could set it.")

    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        if workers > 1:
            warning(
                f"SQLite with {workers} gunicorn workers: fine on one machine (WAL mode, busy timeout), "
                "but every worker must run on this machine and writes wait for each other; "
                "use PostgreSQL (DATABASE_URL=postgresql+psycopg://…) for more."
            )
        if url.database in (None, "", ":memory:"):
            problem("DATABASE_URL is an in-memory SQLite database: everything is lost at restart.")
    _check_schema(found)

    if not config.get("REDIS_URL") and workers > 1:
        warning(
            f"No REDIS_URL with {workers} workers: each worker counts rate limits (sign-in attempts) "
            f"on its own, so an attacker gets up to {workers}× the attempts, and each keeps its own cache. "
            "Set REDIS_URL=redis://…."
        )
    if not config.get("MAIL_SERVER"):
        problem("MAIL_SERVER is not set: confirmation and password-reset mails are only written to the log.")
    elif not config.get("MAIL_USE_TLS") and config.get("MAIL_SERVER") not in {"localhost", "127.0.0.1", "::1"}:
        warning(f"Mail to {config['MAIL_SERVER']} is sent without TLS (MAIL_USE_TLS=1 to use STARTTLS).")
    if str(config.get("MAIL_DEFAULT_SENDER", "")).endswith("@localhost"):
        warning("MAIL_DEFAULT_SENDER is an @localhost address: set the From address mails are sent as.")

    if not (config.get("SIGNING_KEY") or "").strip():
        key = os.path.join(app.instance_path, KEY_FILE)
        where = f"{key} (exists)" if os.path.exists(key) else f"{key} (created when the first certificate is signed)"
        warning(
            f"ELEARN_SIGNING_KEY is not set: credentials are signed with the key in {where}. "
            "Back that file up with the database, or set ELEARN_SIGNING_KEY: a lost key makes "
            "every issued credential unverifiable."
        )
    if not config.get("ISSUER_URL"):
        warning("ELEARN_ISSUER_URL is not set: certificates name the issuer without a web address.")
    if int(config.get("PROXY_COUNT") or 0) == 0:
        warning(
            "ELEARN_PROXY_COUNT is 0: if gunicorn runs behind nginx or Caddy, set it to 1, or rate "
            "limits see every visitor as the proxy's address."
        )
    return found


def _check_schema(found: list[Finding]) -> None:
    """The database is reachable and its schema at the migrations' head."""
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:
        found.append(Finding(PROBLEM, f"The database cannot be reached: {error.__class__.__name__}: {error}"))
        return
    script = ScriptDirectory.from_config(migrate.get_config())
    heads = set(script.get_heads())
    if current != heads:
        found.append(
            Finding(PROBLEM, "The database schema is not at the latest migration: run `flask --app elearn db upgrade`.")
        )


@click.command("check-deploy")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="gunicorn workers (default: WEB_CONCURRENCY, else as gunicorn.conf.py chooses).",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@with_appcontext
def check_deploy_command(workers, strict):
    """Warn about an insecure or fragile production configuration; exit 1 on problems."""
    workers = workers or default_workers()
    findings = sorted(check(current_app, workers), key=lambda f: f.level != PROBLEM)  # problems first
    for finding in findings:
        click.echo(str(finding))
    problems = sum(f.level == PROBLEM for f in findings)
    warnings = len(findings) - problems
    click.echo(f"{problems} problem(s), {warnings} warning(s).")
    if problems or (strict and warnings):
        raise SystemExit(1)
