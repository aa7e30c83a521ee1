"""Model mixins shared by several domains."""

from datetime import UTC, datetime
from functools import cache
from typing import Any, cast, overload

from sqlalchemy import CursorResult, DateTime, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, attributes, make_transient_to_detached, mapped_column

from elearn.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A time read from the database, with its zone: SQLite gives times without one (they are UTC)."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def as_loaded(session, model, values: dict, **relationships):
    """An instance of ``model`` made from a row of plain columns, as if a query had loaded it.

    It is persistent in ``session`` and clean: changes to it are flushed as usual, and no
    attribute is loaded again. ``values`` must hold every column; ``relationships`` sets
    collections to instances made the same way. An instance already in the session is
    returned as it is, as a query would. For the few statements every request runs:
    building the object this way costs a fraction of the ORM's loading of a Core row.
    """
    mapper = model.__mapper__
    key = mapper.identity_key_from_primary_key([values[column.key] for column in mapper.primary_key])
    existing = session.identity_map.get(key)
    if existing is not None:
        return existing
    instance = mapper.class_manager.new_instance()  # as the ORM's loading does: no __init__, no set events
    instance.__dict__.update(values)
    for name, related in relationships.items():
        attributes.set_committed_value(instance, name, related)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


def insert_ignore(model, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; True if a row was added.

    Two requests racing to create the same row (double click, two tabs) both succeed and
    exactly one row exists afterwards, without an exception in either.
    """
    statement = _insert_ignore(model.__table__, db.session.get_bind().dialect.name)
    return db.session.execute(statement, values).first() is not None


def rows_matched(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE that ``db.session.execute`` ran matched.

    The session returns a CursorResult for these statements, but its signature says only
    Result, which has no rowcount (sqlalchemy/sqlalchemy#12913): hence the cast.
    """
    return cast("CursorResult[Any]", result).rowcount


def dialect_insert(table, dialect: str):
    """The INSERT of SQLite's or PostgreSQL's dialect, whose ON CONFLICT clauses both databases run."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@cache
def _insert_ignore(table, dialect: str):
    """Built once per table: the values come as parameters."""
    # RETURNING tells whether a row went in: psycopg's rowcount is -1 for a Core INSERT that returns the id
    return dialect_insert(table, dialect).on_conflict_do_nothing().returning(*table.primary_key.columns)
