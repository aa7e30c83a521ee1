"""board: offers and requests are shown until a day (board_post.expires_on)

Existing posts get none: they stay listed until their authors set or extend one.

Revision ID: d5b3f8a1c2e7
Revises: e5c0ae7d41b2
Create Date: 2026-12-08 02:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d5b3f8a1c2e7"
down_revision = "e5c0ae7d41b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("board_post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_board_post_expires_on"), ["expires_on"], unique=False)


def downgrade():
    with op.batch_alter_table("board_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_post_expires_on"))
        batch_op.drop_column("expires_on")
