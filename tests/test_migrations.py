"""Every schema change is a migration: pytest-alembic's built-in checks, on the test database.

On SQLite, or on PostgreSQL when ``DATABASE_URL`` points there (``.ci/run`` runs both):
one head; upgrade from an empty database to the head; the upgraded schema is exactly the
models' (autogenerate finds nothing to add); and every revision upgrades and downgrades
one step at a time, back to an empty database.
"""

from pathlib import Path

import pytest
from pytest_alembic.tests import (  # noqa: F401 - collected here as this module's tests
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import inspect, text

from elearn.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def drop_everything():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def alembic_config():
    return {"file": str(MIGRATIONS / "alembic.ini"), "script_location": str(MIGRATIONS)}


@pytest.fixture
def alembic_engine(app):
    """The test database, emptied; migrations/env.py runs inside this app's context."""
    with app.app_context():
        drop_everything()
        yield db.engine
        drop_everything()
        db.create_all()  # what the app fixture's teardown expects


def test_downgrade_leaves_only_the_version_table(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to("heads")
    alembic_runner.migrate_down_to("base")
    assert set(inspect(alembic_engine).get_table_names()) == {"alembic_version"}
