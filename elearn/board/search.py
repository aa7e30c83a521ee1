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
  more): "įmonės" finds "įmonė". PostgreSQL stems a post with the language's text-search
  configuration; SQLite with the same Snowball algorithm from the ``snowballstemmer``
  package, stored in ``board_post.search_stems``. The query word is stemmed (by that
  package) in every stemmer language, since nothing says which language it is in;
- **by trigram similarity**, for the words of posts in a language without one (Latvian,
  Estonian, Polish, Slovenian, Croatian, Ukrainian: PostgreSQL has no Snowball
  configuration for them): they are kept in the vocabulary ``board_search_word``; the words
  there whose trigrams cover at least :data:`SIMILARITY` of the query word's are searched
  for too ("maisiņš" finds "maisiņi", "Līvānos" finds "Līvāni", "vrečka" finds "vrečke").
  PostgreSQL compares with pg_trgm's ``<%`` (word similarity, its default threshold 0.6) on
  a trigram index; SQLite narrows the vocabulary with an FTS5 ``trigram`` index and computes
  the same measure in :func:`word_similarity`, registered on every SQLite connection.

Each query word thus becomes one full-text match of its alternatives, inside the one
statement of the page: the number of queries does not change. :func:`rank` puts posts with
every word as typed (or longer) first, then those found through other forms; newest first
within each.

Schema objects the models do not declare, created by the migrations and, for
``db.create_all`` (the test fixture), by the ``after_create`` hooks below:

- SQLite: ``board_post_fts``, an external-content FTS5 table over ``search_text`` and
  ``search_stems`` (``unicode61`` tokenizer), and ``board_search_word_fts``, one over the
  vocabulary (``trigram`` tokenizer), each kept in sync by triggers.
- PostgreSQL: ``board_post.search_vector``, a generated ``tsvector`` column (the words with
  the ``simple`` configuration and their stems with the post language's) with a GIN index,
  and ``ix_board_search_word_trgm``, a trigram GIN index on the vocabulary (``pg_trgm``).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache
from typing import Any

import snowballstemmer
from sqlalchemy import (
    DDL,
    BindParameter,
    ColumnClause,
    ColumnElement,
    Select,
    bindparam,
    case,
    delete,
    event,
    literal,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from elearn.board.models import Post, SearchWord
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
WORDS_FTS = "board_search_word_fts"
SQLITE_DDL = {
    "board_post": [
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
    ],
    "board_search_word": [
        f"CREATE VIRTUAL TABLE {WORDS_FTS} USING fts5(word, content='board_search_word', tokenize='trigram')",
        f"CREATE TRIGGER board_search_word_fts_insert AFTER INSERT ON board_search_word BEGIN "  # noqa: S608 - a constant table name
        f"INSERT INTO {WORDS_FTS}(rowid, word) VALUES (new.rowid, new.word); END",
        f"CREATE TRIGGER board_search_word_fts_delete AFTER DELETE ON board_search_word BEGIN "  # noqa: S608 - a constant table name
        f"INSERT INTO {WORDS_FTS}({WORDS_FTS}, rowid, word) VALUES ('delete', old.rowid, old.word); END",
    ],
}
SQLITE_DROP = {
    "board_post": [f"DROP TABLE IF EXISTS {FTS_TABLE}"],
    "board_search_word": [f"DROP TABLE IF EXISTS {WORDS_FTS}"],
}
_CONFIG_OF_LANGUAGE = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in STEMMERS.items())
POSTGRES_DDL = {
    "board_post": [
        "ALTER TABLE board_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "to_tsvector('simple'::regconfig, search_text) || "
        f"to_tsvector(CASE language {_CONFIG_OF_LANGUAGE} ELSE 'simple'::regconfig END, search_text)) STORED",
        "CREATE INDEX ix_board_post_search_vector ON board_post USING gin (search_vector)",
    ],
    "board_search_word": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX ix_board_search_word_trgm ON board_search_word USING gin (word gin_trgm_ops)",
    ],
}

# Schema objects the models do not declare (the migration test and `flask db migrate` skip them).
UNMANAGED = {
    *(f"{name}{suffix}" for name in (FTS_TABLE, WORDS_FTS) for suffix in ("", "_data", "_idx", "_docsize", "_config")),
    "search_vector",
    "ix_board_post_search_vector",
    "ix_board_search_word_trgm",
}
db.metadata.info.setdefault("unmanaged", set()).update(UNMANAGED)

for model in (Post, SearchWord):
    name = model.__tablename__
    for statement in SQLITE_DDL[name]:
        event.listen(model.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in SQLITE_DROP[name]:
        event.listen(model.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRES_DDL[name]:
        event.listen(model.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))


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
    """Store what search reads of a post: its folded words, their stems, and its words in the vocabulary."""
    post.search_text = index_text(*parts)
    post.search_stems = stems(post.language, post.search_text)
    remember_words([(post.language, post.search_text)])


def vocabulary(language: str, folded_text: str) -> set[str]:
    """The words of a post that trigram search compares query words with: only in languages without a stemmer."""
    if language in STEMMERS:
        return set()
    return {word for word in folded_text.split() if 3 <= len(word) <= MAX_TERM_LENGTH and not word.isdigit()}


def remember_words(texts: list[tuple[str, str]]) -> None:
    """Add the vocabulary of (language, folded text) pairs to ``board_search_word`` (one statement)."""
    found = sorted(set().union(*(vocabulary(language, text) for language, text in texts)))
    if not found:
        return
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(SearchWord).on_conflict_do_nothing(), [{"word": word} for word in found])


def terms(query: str) -> list[str]:
    """The words of a search query, in order, without repeats, at most MAX_TERMS."""
    found: list[str] = []
    for word in words(query):
        word = word[:MAX_TERM_LENGTH]
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


# ---------------------------------------------------------------- trigram similarity


def trigrams(word: str) -> list[str]:
    """pg_trgm's trigrams of one word, in order: padded with two spaces before and one after."""
    padded = f"  {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


@lru_cache(maxsize=8192)
def _positions(word: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for position, trigram in enumerate(trigrams(word)):
        found.setdefault(trigram, []).append(position)
    return found


def word_similarity(term: str, word: str) -> float:
    """pg_trgm's word_similarity of a query word and one word of a post.

    The query's trigrams found in the word, over the query's trigrams plus the stretch of the
    word from the first to the last of them, less those found ("livanos" against "livani":
    5 shared of 8, over a stretch of 5 → 5 / 8).
    """
    wanted = _positions(term)
    in_word = _positions(word or "")
    positions = [position for trigram in wanted if trigram in in_word for position in in_word[trigram]]
    if not positions:
        return 0.0
    shared = sum(1 for trigram in wanted if trigram in in_word)
    stretch = max(positions) - min(positions) + 1
    return shared / (len(wanted) + stretch - shared)


@event.listens_for(Engine, "connect")
def _register_similarity(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("board_word_similarity", 2, word_similarity, deterministic=True)


# ---------------------------------------------------------------- the WHERE clause and the order


def _stems_of(term: str) -> list[str]:
    """The query word's stems in every stemmer language (the query's language is unknown), without the word."""
    found = dict.fromkeys(_stemmer(algorithm).stemWord(term) for algorithm in STEMMERS.values())
    return [stem for stem in found if stem and stem != term]


def _inner_trigrams(term: str) -> list[str]:
    """The trigrams of the word itself, without padding: what SQLite's trigram index can look up."""
    return list(dict.fromkeys(term[i : i + 3] for i in range(len(term) - 2)))


def _in_posts(match: ColumnElement[str] | BindParameter[str]) -> ColumnElement[bool]:
    """SQLite: posts whose index matches an FTS5 query (built from folded words only, never from user syntax)."""
    index: ColumnClause[str] = literal_column(FTS_TABLE)
    matching: Select[Any] = select(literal_column("rowid")).select_from(table(FTS_TABLE)).where(index.match(match))
    return Post.id.in_(matching)


def _as_typed(term: str, number: int, dialect: str) -> ColumnElement[bool]:
    """The term as typed or longer (a prefix search)."""
    if dialect == "postgresql":
        query = db.func.to_tsquery(
            literal_column("'simple'::regconfig"), bindparam(f"board_exact_{number}", f"{term}:*")
        )
        return literal_column("board_post.search_vector").bool_op("@@")(query)
    return _in_posts(bindparam(f"board_exact_{number}", f'search_text:"{term}"*'))


def _found(term: str, number: int, dialect: str) -> ColumnElement[bool]:
    """The term as typed or longer, by a stem, or by a similar word of the vocabulary: one full-text match."""
    stems_ = _stems_of(term)
    if dialect == "postgresql":
        base = " | ".join([f"{term}:*", *stems_])
        alternatives = bindparam(f"board_term_{number}", base) + db.func.coalesce(
            literal(" | ") + db.func.string_agg(SearchWord.word, " | "), ""
        )
        # one row whatever the vocabulary holds: the tsquery is computed once, not for every post
        query = (
            select(db.func.to_tsquery(literal_column("'simple'::regconfig"), alternatives))
            .where(SearchWord.word.bool_op("%>")(bindparam(f"board_similar_{number}", term)))
            .scalar_subquery()
        )
        return literal_column("board_post.search_vector").bool_op("@@")(query)
    base = " OR ".join([f'search_text:"{term}"*', *(f'search_stems:"{stem}"' for stem in stems_)])
    candidates = " OR ".join(f'"{trigram}"' for trigram in _inner_trigrams(term))
    if not candidates:  # a word of one or two letters: as typed or by its stem
        return _in_posts(bindparam(f"board_term_{number}", base))
    words_fts = table(WORDS_FTS)
    similar = select(db.func.group_concat(literal(' OR search_text:"') + SearchWord.word + literal('"'), "")).where(
        literal_column("rowid").in_(
            select(literal_column("rowid"))
            .select_from(words_fts)
            .where(literal_column(WORDS_FTS).match(bindparam(f"board_trigrams_{number}", candidates)))
        ),
        db.func.board_word_similarity(bindparam(f"board_similar_{number}", term), SearchWord.word) >= SIMILARITY,
    )
    return _in_posts(bindparam(f"board_term_{number}", base) + db.func.coalesce(similar.scalar_subquery(), ""))


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
    """Fold every post's search text again, recompute its stems and the vocabulary (after an upgrade), then
    SQLite's indexes. The vocabulary loses the words of posts that are gone."""
    rows = db.session.execute(select(Post.id, Post.language, Post.search_text)).all()
    changes, texts = [], []
    for post_id, language, search_text in rows:
        folded = index_text(search_text)
        changes.append({"id": post_id, "search_text": folded, "search_stems": stems(language, folded)})
        texts.append((language, folded))
    if changes:
        db.session.execute(update(Post), changes)
    db.session.execute(delete(SearchWord))
    remember_words(texts)
    if db.session.get_bind().dialect.name == "sqlite":
        for name in (FTS_TABLE, WORDS_FTS):
            db.session.execute(text(f"INSERT INTO {name}({name}) VALUES ('rebuild')"))  # noqa: S608 - constant names
