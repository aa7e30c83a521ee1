"""board search by word forms: Snowball stems and trigram similarity

A column ``board_post.search_stems`` (the stems of a post's words in its language, for
SQLite's index). SQLite: the FTS5 table and its triggers are recreated over ``search_text``
and ``search_stems``. PostgreSQL: ``search_vector`` is recreated with the stems of the
post's language (its Snowball text-search configuration) beside the words, and ``pg_trgm``
gives a trigram index on ``search_text`` for languages without a stemmer. The DDL is copied
from elearn/board/search.py so that the migration stays as it was when written.

Existing posts get their stems with ``flask --app elearn board reindex``.

Revision ID: b7e1f0c2a9d3
Revises: 5e7a1c0b9d42
Create Date: 2026-12-08 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e1f0c2a9d3"
down_revision = "5e7a1c0b9d42"
branch_labels = None
depends_on = None

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
_CONFIG = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in STEMMERS.items())

SQLITE_OLD = [
    "CREATE VIRTUAL TABLE board_post_fts USING fts5(search_text, content='board_post', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER board_post_fts_insert AFTER INSERT ON board_post BEGIN "
    "INSERT INTO board_post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER board_post_fts_delete AFTER DELETE ON board_post BEGIN "
    "INSERT INTO board_post_fts(board_post_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER board_post_fts_update AFTER UPDATE OF search_text ON board_post BEGIN "
    "INSERT INTO board_post_fts(board_post_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO board_post_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_NEW = [
    "CREATE VIRTUAL TABLE board_post_fts USING fts5(search_text, search_stems, content='board_post', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER board_post_fts_insert AFTER INSERT ON board_post BEGIN "
    "INSERT INTO board_post_fts(rowid, search_text, search_stems) "
    "VALUES (new.id, new.search_text, new.search_stems); END",
    "CREATE TRIGGER board_post_fts_delete AFTER DELETE ON board_post BEGIN "
    "INSERT INTO board_post_fts(board_post_fts, rowid, search_text, search_stems) "
    "VALUES ('delete', old.id, old.search_text, old.search_stems); END",
    "CREATE TRIGGER board_post_fts_update AFTER UPDATE OF search_text, search_stems ON board_post BEGIN "
    "INSERT INTO board_post_fts(board_post_fts, rowid, search_text, search_stems) "
    "VALUES ('delete', old.id, old.search_text, old.search_stems); "
    "INSERT INTO board_post_fts(rowid, search_text, search_stems) "
    "VALUES (new.id, new.search_text, new.search_stems); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS board_post_fts_insert",
    "DROP TRIGGER IF EXISTS board_post_fts_delete",
    "DROP TRIGGER IF EXISTS board_post_fts_update",
    "DROP TABLE IF EXISTS board_post_fts",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS ix_board_post_search_trgm",
    "DROP INDEX IF EXISTS ix_board_post_search_vector",
    "ALTER TABLE board_post DROP COLUMN IF EXISTS search_vector",
]
POSTGRES_OLD = [
    "ALTER TABLE board_post ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX ix_board_post_search_vector ON board_post USING gin (search_vector)",
]
POSTGRES_NEW = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE board_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, search_text) || "
    f"to_tsvector(CASE language {_CONFIG} ELSE 'simple'::regconfig END, search_text)) STORED",
    "CREATE INDEX ix_board_post_search_vector ON board_post USING gin (search_vector)",
    "CREATE INDEX ix_board_post_search_trgm ON board_post USING gin (search_text gin_trgm_ops)",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    with op.batch_alter_table("board_post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_stems", sa.Text(), server_default="", nullable=False))
    if dialect == "sqlite":
        for statement in SQLITE_NEW:
            op.execute(statement)
        op.execute("INSERT INTO board_post_fts(board_post_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        for statement in POSTGRES_DROP + POSTGRES_NEW:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    elif dialect == "postgresql":  # pg_trgm stays: other databases objects may use it
        for statement in POSTGRES_DROP:
            op.execute(statement)
    with op.batch_alter_table("board_post", schema=None) as batch_op:
        batch_op.drop_column("search_stems")
    if dialect == "sqlite":
        for statement in SQLITE_OLD:
            op.execute(statement)
        op.execute("INSERT INTO board_post_fts(board_post_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        for statement in POSTGRES_OLD:
            op.execute(statement)
