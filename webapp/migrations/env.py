"""Alembic environment, run by Flask-Migrate inside an application context.

Differences from Flask-Migrate's template, each on purpose:
- no ``fileConfig`` logging: it would disable the launcher's loggers;
- on SQLite, the search index's triggers are dropped for the run and put back (with
  the index refilled) at its end, so batch mode can rebuild tables (webapp/search);
- on SQLite, foreign keys are switched off for the run. Batch mode rebuilds tables
  (copy, drop, rename), and dropping a parent table with foreign keys on would
  cascade-delete its children's rows. Integrity is checked at the end instead.
"""

import logging

from alembic import context
from flask import current_app
from sqlalchemy import text

from webapp.search import sqlite_index
from webapp.search.backend import include_name

logger = logging.getLogger("alembic.env")

# The full-text index's tables are made by its own SQL, not the models (webapp/search).
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
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(_context, _revision, directives) -> None:
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def _driver_pragma(connection, pragma: str) -> None:
    if connection.in_transaction():
        connection.commit()
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(f"PRAGMA {pragma}")
        if cursor.execute("PRAGMA foreign_keys").fetchone()[0] != (pragma.endswith("ON")):
            raise RuntimeError(f"SQLite did not apply PRAGMA {pragma}")
    finally:
        cursor.close()


def run_migrations_online() -> None:
    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    conf_args.setdefault("include_name", include_name)
    engine = migrate_ext.db.engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Straight to the driver: through SQLAlchemy this would first BEGIN, and
            # SQLite ignores this pragma inside a transaction.
            _driver_pragma(connection, "foreign_keys = OFF")
        try:
            if sqlite:
                # SQLite's DDL is transactional: one failing step undoes the whole upgrade.
                conf_args.setdefault("transactional_ddl", True)
            context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
            with context.begin_transaction():
                if sqlite:
                    sqlite_index.suspend_triggers(connection)  # batch mode would trip on them
                context.run_migrations()
                if sqlite:
                    sqlite_index.restore_triggers(connection)
                if sqlite:
                    problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                    if problems:
                        raise RuntimeError(f"Migration left broken references: {problems[:5]}")
            if connection.in_transaction():
                connection.commit()
        finally:
            if sqlite:
                _driver_pragma(connection, "foreign_keys = ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
