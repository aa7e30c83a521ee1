"""PostgreSQL connections (elearn.core.postgres): reads outside transactions, writes inside one,
locks kept until commit, and pooled connections the server closed replaced without an error."""

from __future__ import annotations

import select
import time

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, func, text
from sqlalchemy import select as select_
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from elearn.auth.models import User
from elearn.core.postgres import needs_transaction
from elearn.extensions import db


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("SELECT user.id FROM user WHERE user.id = %(id)s", False),
        ("\n  select 1", False),
        ("SELECT course.id FROM course WHERE course.slug = %(slug)s FOR UPDATE", True),
        ("SELECT id FROM t FOR NO KEY UPDATE OF t", True),
        ("SELECT id FROM t\nFOR  SHARE SKIP LOCKED", True),
        ("SELECT id FROM t FOR KEY SHARE", True),
        ("INSERT INTO unit_progress (user_id) VALUES (%(user_id)s) ON CONFLICT DO NOTHING RETURNING id", True),
        ("UPDATE enrolment SET last_unit=%(unit)s WHERE enrolment.id = %(id)s", True),
        ("DELETE FROM user_session WHERE id = %(id)s", True),
        ("WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone", True),
        ("SAVEPOINT sa_savepoint_1", True),
        ("CREATE TABLE t (id integer)", True),
    ],
)
def test_only_plain_selects_run_outside_a_transaction(statement, expected):
    assert needs_transaction(statement) is expected


@pytest.fixture
def pg_app(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgresql+psycopg://…")
    return app


def _transaction_status() -> TransactionStatus:
    return db.session.connection().connection.dbapi_connection.info.transaction_status


def _learner(email: str) -> User:
    return User(email=email, name="Ilze", password_hash="-", country="LV", language="lv")


def test_reads_open_no_transaction_and_the_first_write_opens_one_that_rolls_back_whole(pg_app):
    with pg_app.app_context():
        assert db.session.scalar(select_(func.count(User.id))) == 0
        assert _transaction_status() == TransactionStatus.IDLE  # no BEGIN was sent for the read
        db.session.add(_learner("ilze@example.org"))
        db.session.flush()
        assert _transaction_status() == TransactionStatus.INTRANS
        db.session.add(_learner("janis@example.org"))
        db.session.flush()
        assert db.session.scalar(select_(func.count(User.id))) == 2  # read inside the open transaction
        db.session.rollback()
        assert db.session.scalar(select_(func.count(User.id))) == 0  # both writes undone together
        db.session.add(_learner("ilze@example.org"))
        db.session.commit()
        assert db.session.scalar(select_(func.count(User.id))) == 1
        assert _transaction_status() == TransactionStatus.IDLE  # a fresh checkout reads in autocommit again


def test_a_locking_select_keeps_its_row_lock_until_commit(pg_app):
    with pg_app.app_context():
        db.session.add(_learner("ilze@example.org"))
        db.session.commit()
        user_id = db.session.scalar(select_(User.id).with_for_update())
        assert _transaction_status() == TransactionStatus.INTRANS
        other = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
        try:
            with other.connect() as connection, pytest.raises(OperationalError, match="could not obtain lock"):
                connection.execute(text('SELECT id FROM "user" WHERE id = :id FOR UPDATE NOWAIT'), {"id": user_id})
            db.session.commit()
            with other.connect() as connection:
                locked = connection.execute(
                    text('SELECT id FROM "user" WHERE id = :id FOR UPDATE NOWAIT'), {"id": user_id}
                ).scalar()
                assert locked == user_id
        finally:
            other.dispose()


def test_a_pooled_connection_the_server_closed_is_replaced_without_an_error(pg_app):
    with pg_app.app_context():
        first = db.session.connection().connection.dbapi_connection
        backend = db.session.scalar(select_(func.pg_backend_pid()))
        db.session.remove()  # back to the pool, as at the end of a request
        other = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
        try:
            with other.connect() as connection:  # what a server restart or an administrator does
                assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar()
        finally:
            other.dispose()
        deadline = time.monotonic() + 5
        while not select.select([first.fileno()], [], [], 0.05)[0] and time.monotonic() < deadline:
            pass  # the server's notice reaches the socket
        assert db.session.scalar(select_(func.pg_backend_pid())) != backend  # the next request just works


def test_a_connection_asked_for_autocommit_stays_in_it(pg_app):
    """VACUUM refuses to run in a transaction: the write check must not open one here."""
    with pg_app.app_context(), db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text('VACUUM (ANALYZE) "user"'))
        assert connection.connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE
