"""translations remember what was synced with the files; revisions of module and course texts

``synced_hash`` is the file as last imported or exported: an import compares it with the
file and with the row to tell a file edit from unexported browser work (see
elearn.courses.importer). Rows whose origin cannot be known get "" — an import then treats
a differing file as a conflict to resolve, never as permission to overwrite.

Revision ID: d092885c5eea
Revises: efe1ba8e04d5
Create Date: 2026-12-07 21:55:14.103176

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d092885c5eea"
down_revision = "efe1ba8e04d5"
branch_labels = None
depends_on = None

HASHED = ("course_translation", "module_translation", "unit_translation", "unit")


def upgrade():
    for table in HASHED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("synced_hash", sa.String(length=64), server_default="", nullable=False))
            if table in ("course_translation", "module_translation"):
                batch_op.add_column(sa.Column("body_source", sa.Text(), server_default="", nullable=False))
    # Files are the origin of everything except translations edited in the browser and
    # country-only units (either may have been made there).
    op.execute("UPDATE course_translation SET synced_hash = content_hash")
    op.execute("UPDATE module_translation SET synced_hash = content_hash")
    op.execute("UPDATE unit SET synced_hash = content_hash WHERE variant_id IS NULL")
    op.execute(
        "UPDATE unit_translation SET synced_hash = content_hash WHERE NOT EXISTS (SELECT 1 FROM translation_revision r "
        "WHERE r.variant_id = unit_translation.variant_id AND r.unit_id = unit_translation.unit_id)"
    )

    with op.batch_alter_table("variant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("synced_hidden", sa.JSON(), nullable=True))
    op.execute("UPDATE variant SET synced_hidden = '[]'")  # merging against nothing never un-hides
    with op.batch_alter_table("variant", schema=None) as batch_op:
        batch_op.alter_column("synced_hidden", existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table("translation_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("module_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("fields", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("origin", sa.String(length=10), server_default="browser", nullable=False))
    op.execute("UPDATE translation_revision SET fields = '{}'")
    with op.batch_alter_table("translation_revision", schema=None) as batch_op:
        batch_op.alter_column("fields", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("unit_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint("uq_translation_revision_variant_id_unit_id_number", type_="unique")
        batch_op.create_index("ix_translation_revision_module_id", ["module_id"], unique=False)
        batch_op.create_unique_constraint(
            "uq_translation_revision_variant_id_unit_id_module_id_number",
            ["variant_id", "unit_id", "module_id", "number"],
        )
        batch_op.create_foreign_key(
            "fk_translation_revision_module_id_module", "module", ["module_id"], ["id"], ondelete="CASCADE"
        )


def downgrade():
    kept = op.get_bind().scalar(sa.text("SELECT count(*) FROM translation_revision WHERE unit_id IS NULL"))
    if kept:
        raise RuntimeError(
            f"{kept} revision(s) of course and module texts would be lost: "
            "export them first (flask --app elearn courses export PATH), then delete them to downgrade."
        )
    with op.batch_alter_table("translation_revision", schema=None) as batch_op:
        batch_op.drop_constraint("fk_translation_revision_module_id_module", type_="foreignkey")
        batch_op.drop_constraint("uq_translation_revision_variant_id_unit_id_module_id_number", type_="unique")
        batch_op.drop_index("ix_translation_revision_module_id")
        batch_op.create_unique_constraint(
            "uq_translation_revision_variant_id_unit_id_number", ["variant_id", "unit_id", "number"]
        )
        batch_op.alter_column("unit_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("origin")
        batch_op.drop_column("fields")
        batch_op.drop_column("module_id")
    with op.batch_alter_table("variant", schema=None) as batch_op:
        batch_op.drop_column("synced_hidden")
    for table in reversed(HASHED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("synced_hash")
            if table in ("course_translation", "module_translation"):
                batch_op.drop_column("body_source")
