"""outgoing mail: the outbox every mail goes through (elearn.core.outbox)

Revision ID: 29ed6cc56391
Revises: 6b80b0a2e3ee
Create Date: 2026-12-07 19:48:49.429689

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "29ed6cc56391"
down_revision = "6b80b0a2e3ee"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
    )
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outgoing_mail_ref"), ["ref"], unique=False)
        batch_op.create_index("ix_outgoing_mail_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)


def downgrade():
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_index("ix_outgoing_mail_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_outgoing_mail_ref"))

    op.drop_table("outgoing_mail")
