"""Every schema change is a migration: pytest-alembic's built-in checks, on the test database.

On SQLite, or on PostgreSQL when ``DATABASE_URL`` points there (``.ci/run`` runs both):
one head; upgrade from an empty database to the head; the upgraded schema is exactly the
models' (autogenerate finds nothing to add); and every revision upgrades and downgrades
one step at a time, back to an empty database.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import current_app
from pytest_alembic.tests import (  # noqa: F401 - collected here as this module's tests
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import inspect, text

from elearn import create_app
from elearn.extensions import db
from tests.conftest import app_settings, separate_database_url

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
BEFORE_BOARD = "5c9f29b3e877"  # the revision before the board's tables


def drop_everything():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def alembic_config():
    return {"file": str(MIGRATIONS / "alembic.ini"), "script_location": str(MIGRATIONS)}


@pytest.fixture(scope="session")
def migrations_database_url(tmp_path_factory) -> str:
    return separate_database_url(tmp_path_factory, "migrations")


@pytest.fixture
def alembic_engine(migrations_database_url, signing_key_pem):
    """A database of its own, emptied; migrations/env.py runs inside this app's context."""
    app = create_app(app_settings(migrations_database_url, signing_key_pem))
    with app.app_context():
        drop_everything()
        yield db.engine
        drop_everything()
        db.engine.dispose()


def test_downgrade_leaves_only_the_version_table(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to("heads")
    alembic_runner.migrate_down_to("base")
    assert set(inspect(alembic_engine).get_table_names()) == {"alembic_version"}


def test_question_sets_carry_every_attempts_questions_up_and_down(alembic_runner, alembic_engine):
    """51b7665c370c: each distinct quiz stored once, every attempt pointing at its own; and back."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    first = [{"type": "single", "stem": "<p>Aim?</p>", "choices": [{"text": "Social", "weight": 100}]}]
    second = [{"type": "numeric", "stem": "<p>Year?</p>", "answers": [{"value": 2018, "weight": 100}]}]
    alembic_runner.migrate_up_before("51b7665c370c")
    alembic_runner.insert_into(
        "user",
        {
            "id": 1,
            "email": "a@example.org",
            "name": "A",
            "password_hash": "x",
            "country": "LV",
            "language": "lv",
            "password_changed_at": now,
            "created_at": now,
        },
    )
    alembic_runner.insert_into(
        "course",
        {
            "id": 1,
            "slug": "demo",
            "title": "Demo",
            "summary": "",
            "language": "en",
            "pass_mark": 70,
            "certificate": True,
            "tags": [],
            "description_html": "",
            "source_dir": "/c",
            "tree_hash": "",
            "content_stamp": "0",
            "created_at": now,
            "updated_at": now,
        },
    )
    for number, questions in enumerate([first, second, first], 1):
        alembic_runner.insert_into(
            "quiz_attempt",
            {
                "id": number,
                "user_id": 1,
                "course_id": 1,
                "module_slug": "m",
                "unit_slug": "q",
                "number": number,
                "seed": 7,
                "questions": questions,
                "pass_mark": 70,
                "started_at": now,
            },
        )
    alembic_runner.migrate_up_one()
    with alembic_engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT digest, questions FROM question_set")).all())
        pointers = connection.execute(text("SELECT question_set_digest FROM quiz_attempt ORDER BY id")).scalars()
        assert [json.loads(stored[key]) if isinstance(stored[key], str) else stored[key] for key in pointers] == [
            first,
            second,
            first,
        ]
    assert len(stored) == 2
    alembic_runner.migrate_down_one()
    with alembic_engine.connect() as connection:
        rows = connection.execute(text("SELECT questions FROM quiz_attempt ORDER BY id")).scalars()
        assert [json.loads(r) if isinstance(r, str) else r for r in rows] == [first, second, first]


def test_no_index_repeats_the_front_of_another(alembic_runner, alembic_engine):
    """An index whose columns begin another index or unique constraint only slows writes (6b80b0a2e3ee)."""
    alembic_runner.migrate_up_to("heads")
    inspector = inspect(alembic_engine)
    repeated = []
    for table in inspector.get_table_names():
        indexes = [(i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)]
        wider = indexes + [(u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)]
        repeated += [
            (table, name, other)
            for name, columns in indexes
            for other, other_columns in wider
            if other != name and len(other_columns) > len(columns) and other_columns[: len(columns)] == columns
        ]
    assert repeated == []


def head_revision(engine) -> str:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def test_downgrade_refuses_to_drop_tables_that_hold_data(alembic_engine):
    """Data in a table the downgrade would drop: refused, nothing changed, and the way out is a backup."""
    runner = current_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    head = head_revision(alembic_engine)
    with alembic_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO board_organisation (id, slug, name, legal_form, country, region, website,"
                " description_md, description_html, status, is_demo, created_at)"
                " VALUES (1, 'x', 'X', 'association', 'LV', '', '', '', '', 'approved', false, :now)"
            ),
            {"now": datetime(2026, 12, 1, tzinfo=UTC)},
        )

    refused = runner.invoke(args=["db", "downgrade", BEFORE_BOARD])

    assert refused.exit_code == 1
    assert "board_organisation" in refused.output
    assert "backup restore" in refused.output
    assert "-x allow-data-loss=yes" in refused.output
    assert "board_post" not in refused.output.split("data:")[1].split(".")[0]  # empty tables are not named
    assert head_revision(alembic_engine) == head
    tables = set(inspect(alembic_engine).get_table_names())
    assert {"board_organisation", "board_post", "question_set"} <= tables
    with alembic_engine.connect() as connection:
        assert connection.scalar(text("SELECT name FROM board_organisation")) == "X"

    allowed = runner.invoke(args=["db", "downgrade", BEFORE_BOARD, "-x", "allow-data-loss=yes"])

    assert allowed.exit_code == 0, allowed.output
    assert head_revision(alembic_engine) == BEFORE_BOARD
    assert "board_organisation" not in inspect(alembic_engine).get_table_names()


def test_downgrade_over_empty_tables_needs_no_flag(alembic_engine):
    runner = current_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0

    result = runner.invoke(args=["db", "downgrade", "base"])

    assert result.exit_code == 0, result.output
    assert set(inspect(alembic_engine).get_table_names()) == {"alembic_version"}


def test_each_step_down_keeps_the_rows_of_tables_it_does_not_drop(alembic_engine):
    """On SQLite a batch step rebuilds its table (copy, drop, rename); with foreign keys on, that
    drop deleted every row referring to it: dropping a column of ``cohort`` emptied ``cohort_member``."""
    runner = current_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with alembic_engine.begin() as connection:
        for statement in (
            'INSERT INTO "user" (id, email, name, password_hash, country, language, password_changed_at,'
            " created_at) VALUES (1, 'a@example.org', 'A', 'x', 'LV', 'lv', :now, :now)",
            "INSERT INTO course (id, slug, title, summary, language, pass_mark, certificate, tags, description_html,"
            " source_dir, tree_hash, content_stamp, created_at, updated_at)"
            " VALUES (1, 'demo', 'Demo', '', 'en', 70, true, '[]', '', '/c', '', '0', :now, :now)",
            "INSERT INTO cohort (id, name, course_id, variant_tag, starts_on, ends_on, place, invite_code,"
            " inactive_days, created_at) VALUES (1, 'C', 1, 'lv-LV', :now, :now, '', 'ABCDEFGH', 14, :now)",
            "INSERT INTO cohort_member (id, cohort_id, user_id, joined_at) VALUES (1, 1, 1, :now)",
        ):
            connection.execute(text(statement), {"now": now})
    steps = 0
    while "cohort_member" in inspect(alembic_engine).get_table_names():
        with alembic_engine.connect() as connection:
            counts = [connection.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("cohort", "cohort_member")]
        assert counts == [1, 1], f"after {steps} steps down"
        result = runner.invoke(args=["db", "downgrade", "-x", "allow-data-loss=yes"])
        assert result.exit_code == 0, result.output
        steps += 1
    assert steps >= 2
