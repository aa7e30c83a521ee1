"""course cover image: course.md's cover (a media/ file), its alternative text and size

Revision ID: e5c0ae7d41b2
Revises: c4a9e2d7f1b8
Create Date: 2026-12-08 02:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5c0ae7d41b2"
down_revision = "c4a9e2d7f1b8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cover", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_column("cover")
