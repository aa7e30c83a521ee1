"""drop indexes that a unique constraint already covers

Each of these single-column indexes is the leading column of the table's unique constraint,
whose own index answers the same lookups (by user, by cohort, by course …) on SQLite and on
PostgreSQL. Keeping both only made every insert and every non-HOT update write one more index
entry: a quiz submission, for one, rewrites its attempt row and with it each of its indexes.

Revision ID: 6b80b0a2e3ee
Revises: 51b7665c370c
Create Date: 2026-12-03 06:20:46.565192

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "6b80b0a2e3ee"
down_revision = "51b7665c370c"
branch_labels = None
depends_on = None

# (table, column): the index is named ix_<table>_<column>, as the models' naming convention does
COVERED = [
    ("board_membership", "organisation_id"),
    ("certificate", "user_id"),
    ("cohort_invitation", "cohort_id"),
    ("cohort_lead", "cohort_id"),
    ("cohort_member", "cohort_id"),
    ("course_completion", "user_id"),
    ("enrolment", "user_id"),
    ("module", "course_id"),
    ("module_completion", "user_id"),
    ("module_translation", "variant_id"),
    ("quiz_attempt", "user_id"),
    ("role_grant", "user_id"),
    ("translation_revision", "variant_id"),
    ("unit", "module_id"),
    ("unit_progress", "user_id"),
    ("unit_revision", "unit_id"),
    ("unit_translation", "variant_id"),
    ("variant", "course_id"),
]


def upgrade():
    for table, column in COVERED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade():
    for table, column in COVERED:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
