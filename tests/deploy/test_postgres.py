"""PostgreSQL connections: a session's statements form one transaction, locks (row and advisory)
are kept until commit, and pooled connections the server closed are replaced without an error
(SQLAlchemy's ``pool_pre_ping``, elearn.config)."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, func, text
from sqlalchemy import select as select_
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from elearn.auth.models import User
from elearn.extensions import db

# Other connections must see these tests' commits, and pooling must be the app's own.
pytestmark = pytest.mark.real_commits
ADVISORY_KEY = 20_2012  # any bigint; only this test takes it


@pytest.fixture
def pg_app(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgresql+psycopg://…")
    return app


@pytest.fixture
def other_connection(pg_app):
    """A second connection to the same database, as another worker or an administrator has."""
    other = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    try:
        yield other.connect
    finally:
        other.dispose()


def _transaction_status() -> TransactionStatus:
    return db.session.connection().connection.dbapi_connection.info.transaction_status


def _learner(email: str) -> User:
    return User(email=email, name="Ilze", password_hash="-", country="LV", language="lv")


def test_reads_and_writes_form_one_transaction_that_rolls_back_whole(pg_app):
    with pg_app.app_context():
        assert db.session.scalar(select_(func.count(User.id))) == 0
        assert _transaction_status() == TransactionStatus.INTRANS  # the read opened the transaction
        db.session.add(_learner("ilze@example.org"))
        db.session.flush()
        db.session.add(_learner("janis@example.org"))
        db.session.flush()
        assert db.session.scalar(select_(func.count(User.id))) == 2  # read inside the open transaction
        db.session.rollback()
        assert db.session.scalar(select_(func.count(User.id))) == 0  # both writes undone together
        db.session.add(_learner("ilze@example.org"))
        db.session.commit()
        assert db.session.scalar(select_(func.count(User.id))) == 1


def test_an_advisory_transaction_lock_is_held_until_commit(pg_app, other_connection):
    """``SELECT pg_advisory_xact_lock`` is a plain SELECT: it must run inside the session's transaction,
    else PostgreSQL releases the lock as soon as the statement ends."""
    try_lock = text("SELECT pg_try_advisory_xact_lock(:key)")
    with pg_app.app_context(), pg_app.test_request_context("/"):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
        with other_connection() as connection:
            assert connection.execute(try_lock, {"key": ADVISORY_KEY}).scalar() is False  # still held
            connection.rollback()
        db.session.commit()
        with other_connection() as connection:
            assert connection.execute(try_lock, {"key": ADVISORY_KEY}).scalar() is True  # released at commit
            connection.rollback()


def test_a_locking_select_keeps_its_row_lock_until_commit(pg_app, other_connection):
    lock = text('SELECT id FROM "user" WHERE id = :id FOR UPDATE NOWAIT')
    with pg_app.app_context():
        db.session.add(_learner("ilze@example.org"))
        db.session.commit()
        user_id = db.session.scalar(select_(User.id).with_for_update())
        with other_connection() as connection, pytest.raises(OperationalError, match="could not obtain lock"):
            connection.execute(lock, {"id": user_id})
        db.session.commit()
        with other_connection() as connection:
            assert connection.execute(lock, {"id": user_id}).scalar() == user_id


def test_a_pooled_connection_the_server_closed_is_replaced_without_an_error(pg_app, other_connection):
    with pg_app.app_context():
        backend = db.session.scalar(select_(func.pg_backend_pid()))
        db.session.remove()  # back to the pool, as at the end of a request
        with other_connection() as connection:  # a server restart or an administrator; waits until it is gone
            assert connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend}).scalar()
        assert db.session.scalar(select_(func.pg_backend_pid())) != backend  # the next request just works


def test_a_connection_asked_for_autocommit_stays_in_it(pg_app):
    """VACUUM refuses to run in a transaction."""
    with pg_app.app_context(), db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text('VACUUM (ANALYZE) "user"'))
        assert connection.connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE
