"""Full-text search over posts by word forms: SQLite FTS5 by default, PostgreSQL full-text search in production.

One function, :func:`match_clause`, hides the dialect difference, and :func:`rank` orders the
matches. Both databases see the same text: :func:`index_text` folds a post (lower case,
accents removed, so "Ķekava" matches "kekava") into plain words separated by spaces, stored
in ``board_post.search_text`` when the post is saved. A query goes through the same folding
and is rebuilt from its words alone; no character the user types reaches the FTS5 or
tsquery syntax, so quotes, ``AND``/``OR``/``NEAR``, ``*`` or unbalanced parentheses are just
words or nothing: a query gives results or none, never an error.

Every word of the query must be found, in one of three ways:

- **as typed or longer**: a prefix search ("coop" finds "cooperative");
- **by its stem**, for a post in a language with a Snowball stemmer on both databases
  (:data:`STEMMERS`: Danish, German, English, Finnish, Lithuanian, Russian, Swedish and a few
  more): "įmonės" finds "įmonė". PostgreSQL stems with the language's text-search
  configuration; SQLite with the same Snowball algorithm from the ``snowballstemmer``
  package, stored in ``board_post.search_stems``. The query word is stemmed in every
  stemmer language, since nothing says which language it is in;
- **by trigram similarity**, for a post in a language without one (Latvian, Estonian,
  Polish, Slovenian, Croatian, Ukrainian: PostgreSQL has no Snowball configuration for
  them): a word of the post whose trigrams cover at least :data:`SIMILARITY` of the query
  word's ("maisiņš" finds "maisiņi", "Līvānos" finds "Līvāni", "vrečka" finds "vrečke").
  PostgreSQL uses pg_trgm's ``<%`` (word similarity, its default threshold 0.6, a GIN
  trigram index); SQLite the same measure per word, in :func:`word_similarity`, registered
  on every SQLite connection.

:func:`rank` puts posts with every word as typed (or longer) first, then those found only
through other forms of the words; newest first within each.

- SQLite: ``board_post_fts`` is an external-content FTS5 table over ``search_text`` and
  ``search_stems`` (``unicode61`` tokenizer), kept in sync by three triggers.
- PostgreSQL: ``board_post.search_vector`` is a generated ``tsvector`` column (the words
  with the ``simple`` configuration, and their stems with the post language's
  configuration) with a GIN index, and ``ix_board_post_search_trgm`` a trigram GIN index
  on ``search_text`` (the ``pg_trgm`` extension).

Both are created by the migrations and, for ``db.create_all`` (the test fixture), by the
``after_create`` hooks below.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache

import snowballstemmer
from sqlalchemy import DDL, ColumnElement, Integer, TextClause, case, column, event, literal, or_, select, text, update
from sqlalchemy.engine import Engine

from elearn.board.models import Post
from elearn.extensions import db

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# letters Unicode does not decompose into a base letter and an accent
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "ħ": "h"})

# Post languages with a Snowball stemmer in PostgreSQL's text search and in the snowballstemmer
# package: language code → the configuration / algorithm name. Every other language is
# matched by trigram similarity, on both databases alike.
STEMMERS = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "lt": "lithuanian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
}
SIMILARITY = 0.6  # pg_trgm's default pg_trgm.word_similarity_threshold

FTS_TABLE = "board_post_fts"
SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, search_stems, content='board_post', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER board_post_fts_insert AFTER INSERT ON board_post BEGIN "  # noqa: S608 - FTS_TABLE is a constant of this module, no input
    f"INSERT INTO {FTS_TABLE}(rowid, search_text, search_stems) "
    "VALUES (new.id, new.search_text, new.search_stems); END",
    f"CREATE TRIGGER board_post_fts_delete AFTER DELETE ON board_post BEGIN "  # noqa: S608 - FTS_TABLE is a constant of this module, no input
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text, search_stems) "
    "VALUES ('delete', old.id, old.search_text, old.search_stems); END",
    f"CREATE TRIGGER board_post_fts_update AFTER UPDATE OF search_text, search_stems ON board_post BEGIN "  # noqa: S608 - FTS_TABLE is a constant of this module, no input
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text, search_stems) "
    "VALUES ('delete', old.id, old.search_text, old.search_stems); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text, search_stems) "
    "VALUES (new.id, new.search_text, new.search_stems); END",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]
_CONFIG_OF_LANGUAGE = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in STEMMERS.items())
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE board_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, search_text) || "
    f"to_tsvector(CASE language {_CONFIG_OF_LANGUAGE} ELSE 'simple'::regconfig END, search_text)) STORED",
    "CREATE INDEX ix_board_post_search_vector ON board_post USING gin (search_vector)",
    "CREATE INDEX ix_board_post_search_trgm ON board_post USING gin (search_text gin_trgm_ops)",
]

# Schema objects the models do not declare (the migration test and `flask db migrate` skip them).
UNMANAGED = {
    FTS_TABLE,
    *(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config", "content")),
    "search_vector",
    "ix_board_post_search_vector",
    "ix_board_post_search_trgm",
}
db.metadata.info.setdefault("unmanaged", set()).update(UNMANAGED)

for statement in SQLITE_DDL:
    event.listen(Post.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in SQLITE_DROP:
    event.listen(Post.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRES_DDL:
    event.listen(Post.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))


def fold(value: str) -> str:
    """Lower case without accents: "Ķekavas Sociālais" → "kekavas socialais", "Łódź" → "lodz"."""
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold().translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(value: str) -> list[str]:
    return _WORD.findall(fold(value))


def index_text(*parts: str) -> str:
    """What both indexes store for a post: its words, folded, separated by single spaces."""
    return " ".join(word for part in parts for word in words(part))


@lru_cache(maxsize=len(STEMMERS))
def _stemmer(algorithm: str):
    return snowballstemmer.stemmer(algorithm)


def stems(language: str, folded_text: str) -> str:
    """The Snowball stems of a post's folded words in its language (SQLite's index); "" without a stemmer."""
    algorithm = STEMMERS.get(language)
    if algorithm is None:
        return ""
    return " ".join(dict.fromkeys(_stemmer(algorithm).stemWords(folded_text.split())))


def index_post(post: Post, *parts: str) -> None:
    """Store what search reads of a post: its folded words and, on either database, their stems."""
    post.search_text = index_text(*parts)
    post.search_stems = stems(post.language, post.search_text)


def terms(query: str) -> list[str]:
    """The words of a search query, in order, without repeats, at most MAX_TERMS."""
    found: list[str] = []
    for word in words(query):
        word = word[:MAX_TERM_LENGTH]
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


# ---------------------------------------------------------------- trigram similarity (SQLite's side)


def trigrams(word: str) -> list[str]:
    """pg_trgm's trigrams of one word, in order: padded with two spaces before and one after."""
    padded = f"  {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


@lru_cache(maxsize=4096)
def _trigram_index(folded_text: str) -> dict[str, list[tuple[int, int]]]:
    """Every trigram of a text → the (word number, position) pairs it occurs at."""
    index: dict[str, list[tuple[int, int]]] = {}
    for number, word in enumerate(dict.fromkeys(folded_text.split())):
        for position, trigram in enumerate(trigrams(word)):
            index.setdefault(trigram, []).append((number, position))
    return index


def word_similarity(term: str, folded_text: str) -> float:
    """pg_trgm's word_similarity of a query word and a text, taken word by word.

    For each word of the text: the query's trigrams found in it, over the query's trigrams
    plus the stretch of the word from the first to the last of them, less those found
    (so "livanos" against "livani": 5 shared of 8, over a stretch of 5 → 5 / 8).
    """
    wanted = set(trigrams(term))
    found: dict[int, dict[str, list[int]]] = {}
    index = _trigram_index(folded_text or "")
    for trigram in wanted:
        for number, position in index.get(trigram, ()):
            found.setdefault(number, {}).setdefault(trigram, []).append(position)
    best = 0.0
    for in_word in found.values():
        positions = [position for found_at in in_word.values() for position in found_at]
        shared, stretch = len(in_word), max(positions) - min(positions) + 1
        best = max(best, shared / (len(wanted) + stretch - shared))
    return best


@event.listens_for(Engine, "connect")
def _register_similarity(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("board_word_similarity", 2, word_similarity, deterministic=True)


# ---------------------------------------------------------------- the WHERE clause and the order


def _stems_of(term: str) -> list[str]:
    """The query word's stems in every stemmer language (the query's language is unknown)."""
    return list(dict.fromkeys(_stemmer(algorithm).stemWord(term) for algorithm in STEMMERS.values()))


def _fts(fts_query: str, name: str) -> ColumnElement[bool]:
    matching = (
        text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :{name}")  # noqa: S608 - a constant table name; the query is a bound parameter
        .bindparams(**{name: fts_query})
        .columns(column("rowid", Integer))
    )
    return Post.id.in_(matching)


def _as_typed(term: str, number: int, dialect: str) -> ColumnElement[bool] | TextClause:
    """The term as typed or longer (a prefix search)."""
    if dialect == "postgresql":
        return text(f"board_post.search_vector @@ to_tsquery('simple', :board_exact_{number} || ':*')").bindparams(
            **{f"board_exact_{number}": term}
        )
    return _fts(f'search_text:"{term}"*', f"board_exact_{number}")


def _found(term: str, number: int, dialect: str) -> ColumnElement[bool]:
    """The term as typed or longer, or by a stem, or by trigram similarity in a language without a stemmer."""
    without_stemmer = Post.language.not_in(list(STEMMERS))
    if dialect == "postgresql":
        name = f"board_term_{number}"
        stemmed = " || ".join(f"to_tsquery('{config}', :{name})" for config in dict.fromkeys(STEMMERS.values()))
        by_form = text(f"board_post.search_vector @@ (to_tsquery('simple', :{name} || ':*') || {stemmed})").bindparams(
            **{name: term}
        )
        similar = text(f":board_similar_{number} <% board_post.search_text").bindparams(
            **{f"board_similar_{number}": term}
        )
    else:
        fts_query = " OR ".join([f'search_text:"{term}"*', *(f'search_stems:"{stem}"' for stem in _stems_of(term))])
        by_form = _fts(fts_query, f"board_term_{number}")
        similar = db.func.board_word_similarity(literal(term), Post.search_text) >= SIMILARITY
    return or_(by_form, without_stemmer & similar)


def match_clause(query: str) -> ColumnElement[bool] | None:
    """A WHERE clause on ``board_post`` for posts matching every word of ``query``; None if it has none."""
    found = terms(query)
    if not found:
        return None
    dialect = db.session.get_bind().dialect.name
    clause = _found(found[0], 0, dialect)
    for number, term in enumerate(found[1:], start=1):
        clause = clause & _found(term, number, dialect)
    return clause


def rank(query: str) -> ColumnElement[int] | None:
    """How well a matching post fits: the number of query words found as typed (or longer); higher first."""
    found = terms(query)
    if not found:
        return None
    dialect = db.session.get_bind().dialect.name
    score: ColumnElement[int] = literal(0)
    for number, term in enumerate(found):
        score = score + case((_as_typed(term, number, dialect), 1), else_=0)
    return score


def rebuild() -> None:
    """Fold every post's search text again and recompute its stems (after an upgrade), then SQLite's index."""
    rows = db.session.execute(select(Post.id, Post.language, Post.search_text)).all()
    changes = []
    for post_id, language, search_text in rows:
        folded = index_text(search_text)
        changes.append({"id": post_id, "search_text": folded, "search_stems": stems(language, folded)})
    if changes:
        db.session.execute(update(Post), changes)
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))  # noqa: S608 - FTS_TABLE is a constant
