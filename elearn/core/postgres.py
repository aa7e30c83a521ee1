"""PostgreSQL connection handling: reads outside transactions, and a check for dead connections.

Most requests only read. In a transaction each of them would cost three extra round trips
(BEGIN, ROLLBACK, and psycopg's DEALLOCATE of prepared statements after every ROLLBACK),
so a pooled connection starts each checkout in autocommit, as Django runs by default.
The first statement that is not a plain SELECT (INSERT, UPDATE, DELETE, DDL, a SAVEPOINT,
a SELECT … FOR UPDATE/SHARE, any text that does not start with SELECT) switches it back,
so that statement and everything after it, up to the session's commit or rollback, form
one transaction as before; a connection asked for ``isolation_level="AUTOCOMMIT"`` (VACUUM,
CHECKPOINT) is left in autocommit. Under PostgreSQL's READ COMMITTED every statement sees its own
snapshot in or out of a transaction, so the reads before the first write see exactly what
they did inside one.

Instead of SQLAlchemy's ``pool_pre_ping`` (a query, so one more round trip per request),
a connection taken from the pool is discarded when its socket has something to read
while it is idle: that is PostgreSQL's "terminating connection" notice after a server
restart, ``pg_terminate_backend`` or ``idle_session_timeout``, or the socket's EOF. The
pool then opens a fresh connection (SQLAlchemy's ``DisconnectionError`` protocol).
"""

from __future__ import annotations

import functools
import re
import select

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

# A statement that may run outside a transaction: a SELECT that locks no rows.
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # statements come from SQLAlchemy's compiled cache: a few hundred texts
def needs_transaction(statement: str) -> bool:
    """Whether ``statement`` writes, locks, or is anything else than a plain SELECT."""
    return statement.lstrip()[:6].upper() != "SELECT" or _LOCKING.search(statement) is not None


def _idle_socket_has_data(dbapi_connection) -> bool:
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _on_checkout(dbapi_connection, _record, _proxy) -> None:
    if dbapi_connection.closed or _idle_socket_has_data(dbapi_connection):
        raise exc.DisconnectionError("the PostgreSQL server closed this pooled connection")
    dbapi_connection.autocommit = True


def _before_cursor_execute(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    dbapi_connection = connection.connection.dbapi_connection
    if (
        dbapi_connection.autocommit
        and needs_transaction(statement)
        and connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
    ):
        dbapi_connection.autocommit = False  # this statement opens the transaction (BEGIN)


def configure(app) -> None:
    """Install both hooks on the app's engine when it is PostgreSQL (psycopg)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    from elearn.extensions import db

    with app.app_context():
        engine: Engine = db.engine
        if not event.contains(engine.pool, "checkout", _on_checkout):
            event.listen(engine.pool, "checkout", _on_checkout)
            event.listen(engine, "before_cursor_execute", _before_cursor_execute)
