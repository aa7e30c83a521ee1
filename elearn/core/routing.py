"""URL converters: an ``<int:...>`` value in a URL fits the database's integer columns.

Werkzeug's ``int`` converter accepts any number of digits; a 20-digit id then reaches the
query and fails there (SQLite: ``OverflowError`` beyond 64 bits; PostgreSQL: ``DataError``
beyond its 32-bit ``integer``, the type of every id and number column here), a 500. With
this converter such a URL matches no route: a 404, like any other id that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# PostgreSQL's ``integer`` (what sa.Integer makes): every id column, so the tighter of the two databases
ID_MAX = 2**31 - 1
ID_MIN = -(2**31)


class DatabaseIntegerConverter(IntegerConverter):
    """``int``, within the database's integer whatever ``min`` and ``max`` the rule sets."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, *args, **kwargs)
        self.max = ID_MAX if self.max is None else min(self.max, ID_MAX)
        self.min = ID_MIN if self.min is None else max(self.min, ID_MIN)


def init_app(app: Flask) -> None:
    """Replace ``int`` before any route is added (call before the blueprints are registered)."""
    app.url_map.converters["int"] = DatabaseIntegerConverter
