import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from alembic.util import CommandError
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()
    allow_data_loss = context.get_x_argument(as_dictionary=True).get("allow-data-loss") == "yes"
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table on SQLite: copy, DROP TABLE, rename. With foreign keys on,
            # that DROP deletes the rows of other tables that refer to it (ON DELETE CASCADE): a
            # downgrade dropping a column of `cohort` emptied `cohort_member`. Alembic's advice: keep
            # them off while migrating (possible only outside a transaction), check them at the end.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            migrate(connection, conf_args, allow_data_loss)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def migrate(connection, conf_args, allow_data_loss):
    """Every step in one transaction, then the checks: a refused command leaves the schema as it was."""
    downgraded = []

    def on_version_apply(*, step, **_kwargs):
        if not step.is_upgrade and not step.is_stamp:
            downgraded.append(step)

    with connection.begin():
        # PostgreSQL runs DDL in transactions; SQLite does too, but Python's sqlite3 only opens
        # one before INSERT/UPDATE/DELETE, so open it here.
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        # Schema objects the models do not declare (the board's full-text index: an FTS5 table on
        # SQLite, a tsvector column on PostgreSQL) are made by hand in migrations: autogenerate skips them.
        unmanaged = get_metadata().info.get("unmanaged", set())
        conf_args.setdefault("include_name", lambda name, _type, _parents: name not in unmanaged)
        holding_data = tables_with_rows(connection, skip=unmanaged)
        # The connection is already in a transaction, so Alembic neither begins nor commits one:
        # connection.begin() above commits when the block ends, or rolls back if it raises.
        context.configure(
            connection=connection, target_metadata=get_metadata(), on_version_apply=on_version_apply, **conf_args
        )
        with context.begin_transaction():
            context.run_migrations()
        if downgraded and not allow_data_loss:
            remaining = set(sa.inspect(connection).get_table_names())
            # A revision whose downgrade moves a table's rows elsewhere before dropping it names
            # the table in DOWNGRADE_KEEPS_DATA.
            kept = {name for step in downgraded for script in step.up_revisions for name in keeps_data(script)}
            if lost := sorted(holding_data - remaining - kept):
                raise CommandError(data_loss_message(lost))
        if connection.dialect.name == "sqlite" and (broken := foreign_key_violations(connection)):
            raise CommandError(
                "Nothing was changed: the migration would leave rows that refer to missing rows in: "
                + ", ".join(broken)
            )


def foreign_key_violations(connection):
    """SQLite's tables with rows whose foreign keys point nowhere (checked while they are off)."""
    return sorted({row[0] for row in connection.exec_driver_sql("PRAGMA foreign_key_check")})


def tables_with_rows(connection, skip):
    """The tables that hold at least one row (not Alembic's own, nor derived search indexes)."""
    preparer = connection.dialect.identifier_preparer
    names = set(sa.inspect(connection).get_table_names()) - set(skip) - {"alembic_version"}
    return {
        name
        for name in names
        if connection.exec_driver_sql(f"SELECT 1 FROM {preparer.quote(name)} LIMIT 1").first() is not None  # noqa: S608 - a table name from the database, quoted
    }


def keeps_data(script):
    return getattr(getattr(script, "module", None), "DOWNGRADE_KEEPS_DATA", ())


def data_loss_message(tables):
    return (
        "Nothing was changed: this downgrade would drop tables that hold data: "
        + ", ".join(tables)
        + ". To go back to an earlier release, restore the backup taken before the upgrade "
        "(flask --app elearn backup restore FILE, see docs/deployment.md) instead of downgrading. "
        "To drop these tables and their data anyway, repeat the command with -x allow-data-loss=yes."
    )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
