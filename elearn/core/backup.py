"""``flask backup create PATH`` / ``flask backup restore PATH``: the whole database in one file.

SQLite: the online backup API (``sqlite3.Connection.backup``), a consistent copy taken
while gunicorn keeps serving, and restored the same way, page by page inside one
transaction, so running workers see the old or the new database, never half of each.
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists
--single-transaction``, run with the parts of ``DATABASE_URL`` (the password goes in
``PGPASSWORD``, never on the command line). pg_dump must not be older than the server.

The signing key (``ELEARN_SIGNING_KEY`` or ``instance/signing-key.pem``) is not in the
database: back it up as well (docs/deployment.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import URL, make_url

from elearn.core.signing_key import KEY_FILE
from elearn.extensions import db

backup_cli = AppGroup("backup", help="Back up the database to a file, and restore it.")


class BackupError(RuntimeError):
    pass


def create(database_url: str | URL, path: str | os.PathLike) -> Path:
    """Write a backup of the database to ``path``; returns the path."""
    url = make_url(database_url)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_path(url), path)
    elif url.get_backend_name() == "postgresql":
        temporary = path.with_name(path.name + ".part")
        _run(["pg_dump", "--format=custom", "--file", str(temporary), *_pg_args(url)], url)
        os.replace(temporary, path)
    else:
        raise BackupError(f"no backup for {url.get_backend_name()} databases")
    return path


def restore(database_url: str | URL, path: str | os.PathLike) -> None:
    """Replace the database's contents with the backup at ``path``."""
    url = make_url(database_url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(path, _sqlite_path(url))
    elif url.get_backend_name() == "postgresql":
        with open(path, "rb") as file:
            magic = file.read(5)
        if magic != b"PGDMP":
            raise BackupError(f"{path} is not a pg_dump archive (made by `flask backup create` on PostgreSQL)")
        *options, database = _pg_args(url)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *options,
                "--dbname",
                database,
                str(path),
            ],
            url,
        )
    else:
        raise BackupError(f"no restore for {url.get_backend_name()} databases")


# ---------------------------------------------------------------- SQLite


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _sqlite_backup(source_path: str, target: Path) -> None:
    if not os.path.exists(source_path):
        raise BackupError(f"{source_path}: no such database")
    descriptor, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite", dir=target.parent)
    os.close(descriptor)
    try:
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(temporary)
        try:
            with copy:
                source.backup(copy)
            # A self-contained file: no -wal beside it to forget when copying it elsewhere.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
            source.close()
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _sqlite_restore(backup: Path, target_path: str) -> None:
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        try:
            check = source.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup} is not a SQLite database: {error}") from error
        if check != "ok":
            raise BackupError(f"{backup} is damaged: {check}")
        if "alembic_version" not in tables:
            raise BackupError(f"{backup} is not an elearn database (no alembic_version table)")
        Path(target_path).parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


# ---------------------------------------------------------------- PostgreSQL


def _pg_args(url: URL) -> list[str]:
    """Connection options for pg_dump/pg_restore; the database name last."""
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    args.append("--no-password")  # never wait for a prompt: PGPASSWORD or ~/.pgpass
    if not url.database:
        raise BackupError("DATABASE_URL names no database")
    return [*args, url.database]


def _run(command: list[str], url: URL) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client (postgresql-client)")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if option in url.query:
            env[variable] = str(url.query[option])
    # pg_dump or pg_restore as found on PATH, with a list of arguments (no shell): nothing to inject into
    result = subprocess.run([program, *command[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


# ---------------------------------------------------------------- commands


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
def create_command(path):
    """Write a backup of the database (DATABASE_URL) to PATH."""
    try:  # the engine's URL: Flask-SQLAlchemy has made a relative SQLite path absolute
        written = create(db.engine.url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the database to {written} ({written.stat().st_size} bytes).")
    if not (current_app.config.get("SIGNING_KEY") or "").strip():
        click.echo(f"Back up the signing key too: instance/{KEY_FILE} (see docs/deployment.md).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path, yes):
    """Replace everything in the database (DATABASE_URL) with the backup at PATH."""
    url = db.engine.url
    if not yes:
        click.confirm(f"Replace everything in {url.render_as_string(hide_password=True)} with {path}?", abort=True)
    db.engine.dispose()  # no pooled connection of ours holds a lock or a stale schema
    try:
        restore(url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path}. Run `flask --app elearn db upgrade` if the backup is from an older version.")
