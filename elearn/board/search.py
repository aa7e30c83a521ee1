"""Full-text search over posts: SQLite FTS5 by default, PostgreSQL full-text search in production.

One function, :func:`match_clause`, hides the dialect difference. Both indexes see the
same text: :func:`index_text` folds a post (lower case, accents removed, so "Ķekava"
matches "kekava") into plain words separated by spaces, stored in
``board_post.search_text`` when the post is saved. A query goes through the same folding
and is rebuilt from its words alone, each a prefix search ("coop" finds "cooperative"),
all of them required. No character the user types reaches the FTS5 or tsquery syntax,
so quotes, ``AND``/``OR``/``NEAR``, ``*`` or unbalanced parentheses are just words or
nothing: a query gives results or none, never an error.

- SQLite: ``board_post_fts`` is an external-content FTS5 table over ``search_text``
  (``unicode61`` tokenizer), kept in sync by three triggers.
- PostgreSQL: ``board_post.search_vector`` is a generated ``tsvector`` column
  (``simple`` configuration: no stemming, no stop words, the same in every language)
  with a GIN index.

Both are created by the migration and, for ``db.create_all`` (the test fixture), by the
``after_create`` hooks below.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import DDL, ColumnElement, Integer, TextClause, column, event, text

from elearn.board.models import Post
from elearn.extensions import db

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

FTS_TABLE = "board_post_fts"
SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='board_post', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER board_post_fts_insert AFTER INSERT ON board_post BEGIN "  # noqa: S608 - FTS_TABLE is a constant of this module, no input
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER board_post_fts_delete AFTER DELETE ON board_post BEGIN "  # noqa: S608 - FTS_TABLE is a constant of this module, no input
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER board_post_fts_update AFTER UPDATE OF search_text ON board_post BEGIN "  # noqa: S608 - FTS_TABLE is a constant of this module, no input
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]
POSTGRES_DDL = [
    "ALTER TABLE board_post ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX ix_board_post_search_vector ON board_post USING gin (search_vector)",
]

# Schema objects the models do not declare (the migration test and `flask db migrate` skip them).
UNMANAGED = {
    FTS_TABLE,
    *(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config", "content")),
    "search_vector",
    "ix_board_post_search_vector",
}
db.metadata.info.setdefault("unmanaged", set()).update(UNMANAGED)

for statement in SQLITE_DDL:
    event.listen(Post.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in SQLITE_DROP:
    event.listen(Post.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRES_DDL:
    event.listen(Post.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))


def fold(value: str) -> str:
    """Lower case without accents: "Ķekavas Sociālais" → "kekavas socialais"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(value: str) -> list[str]:
    return _WORD.findall(fold(value))


def index_text(*parts: str) -> str:
    """What both indexes store for a post: its words, folded, separated by single spaces."""
    return " ".join(word for part in parts for word in words(part))


def terms(query: str) -> list[str]:
    """The words of a search query, in order, without repeats, at most MAX_TERMS."""
    found: list[str] = []
    for word in words(query):
        word = word[:MAX_TERM_LENGTH]
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def match_clause(query: str) -> ColumnElement[bool] | TextClause | None:
    """A WHERE clause on ``board_post`` for posts matching every word of ``query``; None if it has none."""
    found = terms(query)
    if not found:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in found)
        return text("board_post.search_vector @@ to_tsquery('simple', :board_tsquery)").bindparams(
            board_tsquery=tsquery
        )
    fts_query = " ".join(f'"{term}"*' for term in found)
    matching = (
        text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :board_fts")  # noqa: S608 - a constant table name; the query is a bound parameter
        .bindparams(board_fts=fts_query)
        .columns(column("rowid", Integer))
    )
    return Post.id.in_(matching)


def rebuild() -> None:
    """Rebuild the SQLite index from ``board_post`` (PostgreSQL's generated column never drifts)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))  # noqa: S608 - FTS_TABLE is a constant
