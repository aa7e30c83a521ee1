"""board: organisation logos (re-encoded PNG in board_organisation_logo, its digest and size on the organisation)

Revision ID: f2c7a9d4e6b1
Revises: d5b3f8a1c2e7
Create Date: 2026-12-08 02:35:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f2c7a9d4e6b1"
down_revision = "d5b3f8a1c2e7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "board_organisation_logo",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["board_organisation.id"],
            name=op.f("fk_board_organisation_logo_organisation_id_board_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_board_organisation_logo")),
    )
    with op.batch_alter_table("board_organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_digest", sa.String(length=16), server_default="", nullable=False))
        batch_op.add_column(sa.Column("logo_width", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("logo_height", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("board_organisation", schema=None) as batch_op:
        batch_op.drop_column("logo_height")
        batch_op.drop_column("logo_width")
        batch_op.drop_column("logo_digest")
    op.drop_table("board_organisation_logo")
