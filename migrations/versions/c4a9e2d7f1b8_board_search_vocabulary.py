"""board search: the vocabulary trigram search compares query words with

``board_search_word`` holds the words of posts in languages without a stemmer; a query
word is compared with these (one word each, on a trigram index) instead of with every
post's whole text, which made a search fifty times slower on PostgreSQL. SQLite: an FTS5
table with the ``trigram`` tokenizer over it, kept in sync by triggers. PostgreSQL: a
trigram GIN index on it, and the trigram index on ``board_post.search_text`` goes. The DDL
is copied from elearn/board/search.py so that the migration stays as it was when written.

``flask --app elearn board reindex`` fills the vocabulary from the existing posts.

Revision ID: c4a9e2d7f1b8
Revises: b7e1f0c2a9d3
Create Date: 2026-12-08 02:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a9e2d7f1b8"
down_revision = "b7e1f0c2a9d3"
branch_labels = None
depends_on = None

SQLITE_WORDS = [
    "CREATE VIRTUAL TABLE board_search_word_fts USING fts5(word, content='board_search_word', tokenize='trigram')",
    "CREATE TRIGGER board_search_word_fts_insert AFTER INSERT ON board_search_word BEGIN "
    "INSERT INTO board_search_word_fts(rowid, word) VALUES (new.rowid, new.word); END",
    "CREATE TRIGGER board_search_word_fts_delete AFTER DELETE ON board_search_word BEGIN "
    "INSERT INTO board_search_word_fts(board_search_word_fts, rowid, word) VALUES ('delete', old.rowid, old.word); END",
]


def upgrade():
    op.create_table(
        "board_search_word",
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_board_search_word")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_WORDS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_board_post_search_trgm")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_board_search_word_trgm ON board_search_word USING gin (word gin_trgm_ops)")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS board_search_word_fts")
    op.drop_table("board_search_word")
    if dialect == "postgresql":
        op.execute("CREATE INDEX ix_board_post_search_trgm ON board_post USING gin (search_text gin_trgm_ops)")
