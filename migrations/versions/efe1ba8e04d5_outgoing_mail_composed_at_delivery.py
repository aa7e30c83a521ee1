"""outgoing mail composed at delivery: the message may wait for the worker, with its context

Bulk mail (a cohort's reminders and invitations) is queued without its message; the worker
composes it at delivery from the row's kind, ref and context, and keeps it in the row.

Revision ID: efe1ba8e04d5
Revises: a3c1d2e4f5b6
Create Date: 2026-12-07 20:49:46.344597

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "efe1ba8e04d5"
down_revision = "a3c1d2e4f5b6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.alter_column("message", existing_type=sa.TEXT(), nullable=True)


def downgrade():
    waiting = op.get_bind().scalar(sa.text("SELECT count(*) FROM outgoing_mail WHERE message IS NULL"))
    if waiting:
        raise RuntimeError(
            f"{waiting} queued mail(s) are not composed yet: deliver them first "
            "(flask --app elearn jobs send-mail), then downgrade."
        )
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.alter_column("message", existing_type=sa.TEXT(), nullable=False)
        batch_op.drop_column("context")
