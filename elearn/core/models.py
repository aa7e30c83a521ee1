"""Model mixins shared by several domains."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


def insert_ignore(model, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL; True if a row was added.

    Two requests racing to create the same row (double click, two tabs) both succeed and
    exactly one row exists afterwards, without an exception in either.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    from elearn.extensions import db

    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = db.session.execute(insert(model).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)
