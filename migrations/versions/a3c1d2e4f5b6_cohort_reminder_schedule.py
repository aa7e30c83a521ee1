"""cohort reminder schedule: weekly reminders on a weekday, and the day they last ran

Revision ID: a3c1d2e4f5b6
Revises: 29ed6cc56391
Create Date: 2026-12-07 19:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3c1d2e4f5b6"
down_revision = "29ed6cc56391"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_weekday", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reminders_ran_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_column("reminders_ran_on")
        batch_op.drop_column("reminder_weekday")
