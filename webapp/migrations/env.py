"""Alembic environment, run by Flask-Migrate inside an application context.

Differences from Flask-Migrate's template, each on purpose:
- no ``fileConfig`` logging: it would disable the launcher's loggers;
- on SQLite, foreign keys are switched off for the run. Batch mode rebuilds tables
  (copy, drop, rename), and dropping a parent table with foreign keys on would
  cascade-delete its children's rows. Integrity is checked at the end instead.
"""

import logging

from alembic import context
from flask import current_app
from sqlalchemy import text

logger = logging.getLogger("alembic.env")
config = context.config
migrate_ext = current_app.extensions["migrate"]
target_metadata = migrate_ext.db.metadata
config.set_main_option(
    "sqlalchemy.url", migrate_ext.db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(_context, _revision, directives) -> None:
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online() -> None:
    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    engine = migrate_ext.db.engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # On the driver connection, outside any transaction: exec_driver_sql would
            # begin one first (see webapp.database), and inside a transaction SQLite
            # silently ignores this pragma, so a table rebuild would cascade-delete.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            if sqlite:
                # SQLite's DDL is transactional: one failing step undoes the whole upgrade.
                conf_args.setdefault("transactional_ddl", True)
            context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                    if problems:
                        raise RuntimeError(f"Migration left broken references: {problems[:5]}")
            if connection.in_transaction():
                connection.commit()
        finally:
            if sqlite:
                if connection.in_transaction():
                    connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
