"""question sets shared by quiz attempts

Each attempt kept a copy of its quiz's questions; now every attempt at the same version of
a quiz refers to one ``question_set`` row, keyed by the SHA-256 of the questions' canonical
JSON. The data is carried both ways: upgrade stores each distinct set once and points the
attempts at it; downgrade copies the questions back into every attempt.

Revision ID: 51b7665c370c
Revises: 5324bbac6f2b
Create Date: 2026-12-02 15:48:48.251687

"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "51b7665c370c"
down_revision = "5324bbac6f2b"
branch_labels = None
depends_on = None

CHUNK = 1000
# downgrade() copies these tables' rows back into quiz_attempt before dropping them (migrations/env.py)
DOWNGRADE_KEEPS_DATA = {"question_set"}
question_set = sa.table("question_set", sa.column("digest", sa.String), sa.column("questions", sa.JSON))
quiz_attempt = sa.table(
    "quiz_attempt",
    sa.column("id", sa.Integer),
    sa.column("questions", sa.JSON),
    sa.column("question_set_digest", sa.String),
)


def digest(questions) -> str:
    """As elearn.learning.question_sets.digest did when this migration was written."""
    canonical = json.dumps(questions, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def upgrade():
    op.create_table(
        "question_set",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_question_set")),
    )
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_set_digest", sa.String(length=64), nullable=True))

    connection = op.get_bind()
    stored, last = set(), 0
    page = (
        sa.select(quiz_attempt.c.id, quiz_attempt.c.questions)
        .where(quiz_attempt.c.id > sa.bindparam("last"))
        .order_by(quiz_attempt.c.id)
        .limit(CHUNK)
    )
    while batch := connection.execute(page, {"last": last}).all():  # a page at a time: attempts can be many
        last = batch[-1].id
        sets, pointers = [], []
        for attempt_id, questions in batch:
            key = digest(questions)
            if key not in stored:
                stored.add(key)
                sets.append({"digest": key, "questions": questions})
            pointers.append({"attempt_id": attempt_id, "key": key})
        if sets:
            connection.execute(question_set.insert(), sets)
        connection.execute(
            quiz_attempt.update()
            .where(quiz_attempt.c.id == sa.bindparam("attempt_id"))
            .values(question_set_digest=sa.bindparam("key")),
            pointers,
        )

    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.alter_column("question_set_digest", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f("ix_quiz_attempt_question_set_digest"), ["question_set_digest"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_quiz_attempt_question_set_digest_question_set"),
            "question_set",
            ["question_set_digest"],
            ["digest"],
        )
        batch_op.drop_column("questions")


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("questions", sa.JSON(), nullable=True))

    connection = op.get_bind()
    for key, questions in connection.execute(sa.select(question_set.c.digest, question_set.c.questions)).all():
        connection.execute(
            quiz_attempt.update()
            .where(quiz_attempt.c.question_set_digest == sa.bindparam("key"))
            .values(questions=sa.bindparam("questions")),
            {"key": key, "questions": questions},
        )

    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.alter_column("questions", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(batch_op.f("fk_quiz_attempt_question_set_digest_question_set"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_quiz_attempt_question_set_digest"))
        batch_op.drop_column("question_set_digest")

    op.drop_table("question_set")
