"""``flask backup create|restore``: a backup restored into a fresh database holds every row of every table.

Runs on the test database's kind: SQLite (online backup API), or PostgreSQL when
DATABASE_URL points there (pg_dump/pg_restore); ``.ci/run`` runs both.
"""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import make_url

from elearn import create_app
from elearn.core import backup
from elearn.extensions import db
from tests.conftest import DEMO_COURSES, sign_in

# pg_dump and a fresh app's connection read what these tests commit; `migrated` drops and makes
# the tables: on the database of real commits, never the shared one
pytestmark = pytest.mark.real_commits


@pytest.fixture
def migrated(app):
    """The test database at the migrations' head, alembic_version included, as in production.

    (Made by create_all and stamped: tests/test_migrations.py proves that equals upgrading.)
    """
    with app.app_context():
        drop_everything(db.engine)
        db.create_all()
    result = app.test_cli_runner().invoke(args=["db", "stamp", "head"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        drop_everything(db.engine)
        db.create_all()  # what the app fixture's teardown expects


@pytest.fixture
def populated(migrated, completed, make_user, client):
    """The demo course, a certificate, users, a sign-in session: rows in most tables."""
    from elearn.courses.importer import sync_tree

    with migrated.app_context():
        assert sync_tree(DEMO_COURSES).ok
        db.session.commit()
    admin_id = make_user("admin@example.org", roles=("admin",), name="Ådmin Ünïcode ☃")
    sign_in(client, "admin@example.org")
    with migrated.app_context():  # a translation edited in the browser: a revision
        from elearn.auth.models import User
        from elearn.courses.models import LESSON, Unit
        from elearn.localisation import services as localisation

        admin = db.session.get(User, admin_id)
        variant = localisation.get_variant(admin, "social-entrepreneurship", "pl-PL")
        unit = db.session.scalar(select(Unit).where(Unit.kind == LESSON).order_by(Unit.id))
        localisation.save(admin, variant, unit, "Tytuł", "Treść **lekcji** — ąęłńóśźż.")
        db.session.commit()
    return migrated


def drop_everything(engine) -> None:
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, by table name."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
            for name, table in metadata.tables.items()
        }


@pytest.fixture
def fresh_url(app, tmp_path):
    """The URL of a database that does not exist yet (PostgreSQL: created empty, dropped afterwards)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield str(url.set(database=str(tmp_path / "fresh" / "restored.sqlite")))
        return
    name = f"{url.database}_restore"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_restored_into_a_fresh_database_has_every_row(populated, fresh_url, tmp_path, signing_key_pem):
    with populated.app_context():
        before = snapshot(db.engine)
    filled = {name for name, rows in before.items() if rows}
    assert (
        len(filled) >= 19
        and {"alembic_version", "user", "user_session", "certificate", "translation_revision"} <= filled
    ), sorted(set(before) - filled)

    created = populated.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "backups" / "elearn.dump")])
    assert created.exit_code == 0 and "Backed up the database to" in created.output, created.output

    fresh = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": fresh_url,
            "SIGNING_KEY": signing_key_pem,
        }
    )
    restored = fresh.test_cli_runner().invoke(
        args=["backup", "restore", str(tmp_path / "backups" / "elearn.dump"), "--yes"]
    )
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        after = snapshot(db.engine)
        assert after == before
        # The restored database is usable, sequences included: new rows get new ids.
        from elearn.auth.services import create_user

        user = create_user(
            email="new@example.org",
            name="New",
            password="correct horse battery staple",
            roles=(),
            language="en",
            country="LV",
        )
        assert user.id > max(row[0] for row in before["user"])
        db.session.remove()
        db.engine.dispose()
    # and the restored app serves the certificate the learner earned
    certificate_id = before["certificate"][0][0]
    assert fresh.test_client().get(f"/certificates/{certificate_id}").status_code == 200
    with fresh.app_context():
        db.engine.dispose()


def test_restore_puts_back_what_changed_since_the_backup(populated, tmp_path):
    from elearn.auth.models import User

    path = tmp_path / "before.dump"
    with populated.app_context():
        backup.create(db.engine.url, path)
        users = db.session.scalar(select(func.count()).select_from(User))
        db.session.execute(text("DELETE FROM user_session"))
        db.session.add(User(email="late@example.org", name="Late", password_hash="x", language="en", country="LV"))
        db.session.commit()
        db.session.remove()
    result = populated.test_cli_runner().invoke(args=["backup", "restore", str(path)], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Replace everything in" in result.output
    with populated.app_context():  # the running app sees the restored database
        assert db.session.scalar(select(func.count()).select_from(User)) == users
        assert db.session.scalar(text("SELECT count(*) FROM user_session")) == 1


def test_restore_refuses_what_is_not_a_backup(migrated, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = migrated.test_cli_runner().invoke(args=["backup", "restore", str(bogus), "--yes"])
    assert result.exit_code == 1 and (
        "not a SQLite database" in result.output or "not a pg_dump archive" in result.output
    )
    cancelled = migrated.test_cli_runner().invoke(args=["backup", "restore", str(bogus)], input="n\n")
    assert cancelled.exit_code == 1 and "Aborted" in cancelled.output


def test_pg_commands_get_the_urls_parts_and_the_password_in_the_environment(monkeypatch, tmp_path):
    """No PostgreSQL server needed: a stand-in pg_dump records what it was given."""
    recorder = tmp_path / "bin" / "pg_dump"
    recorder.parent.mkdir()
    recorder.write_text(
        "#!/bin/sh\n"
        'dir=$(dirname "$0")\n'
        'echo "$@" > "$dir/args"\n'
        'echo "$PGPASSWORD $PGSSLMODE" > "$dir/env"\n'
        'while [ "$1" != "--file" ]; do shift; done\n'
        'printf PGDMP > "$2"\n'
    )
    recorder.chmod(0o755)
    monkeypatch.setenv("PATH", f"{recorder.parent}:/usr/bin:/bin")
    backup.create(
        "postgresql+psycopg://learn:s%40cret@db.example.org:5433/elearn?sslmode=require", tmp_path / "out.dump"
    )
    args = (recorder.parent / "args").read_text().split()
    assert args[:2] == ["--format=custom", "--file"] and args[-1] == "elearn"
    assert args[3:] == ["--host", "db.example.org", "--port", "5433", "--username", "learn", "--no-password", "elearn"]
    assert (recorder.parent / "env").read_text().split() == ["s@cret", "require"]
    assert "s@cret" not in " ".join(args)
    assert (tmp_path / "out.dump").read_bytes() == b"PGDMP"
