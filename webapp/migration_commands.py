"""Flask-Migrate, attached only when a migration is wanted.

Flask-Migrate imports Alembic as it is imported, about a tenth of a second that every
start would pay although a library already at the newest schema needs no migration.
So the extension is attached on first need (:func:`migrate_extension`: the launcher
finding an old library, a test), and ``flask db …`` is a stand-in group that attaches
it and hands over to Flask-Migrate's own group once that command is actually run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from flask import Flask
from flask.cli import ScriptInfo

if TYPE_CHECKING:
    from flask_migrate import Migrate

COMMAND_NAME = "db"


def migrate_extension(app: Flask) -> Migrate:
    """Flask-Migrate bound to ``app`` and our migrations folder (batch mode for SQLite)."""
    existing = app.extensions.get("migrate")
    if existing is not None:
        return existing.migrate
    from flask_migrate import Migrate

    from webapp.extensions import db

    migrate = Migrate(command=COMMAND_NAME)
    migrate.init_app(
        app, db, directory=app.config["MIGRATIONS_DIRECTORY"], render_as_batch=True, compare_type=True
    )
    return migrate


class LibraryInUse(click.ClickException):
    exit_code = 3  # as the launcher's second opener


def hold_library_lock(app: Flask, context: click.Context) -> None:
    """Migrate only a library no one else has open: the same instance lock the window,
    ``serve`` and ``unlock`` take (webapp/instance_lock.py), held until
    the command ends."""
    from pathlib import Path

    from webapp.instance_lock import AlreadyRunning, InstanceLock

    lock = InstanceLock(Path(app.config["DATA_DIR"]), role="flask db")
    try:
        lock.acquire()
    except AlreadyRunning as running:
        raise LibraryInUse(str(running)) from None
    context.call_on_close(lock.release)


class MigrationCommands(click.Group):
    """``flask db``: resolves to Flask-Migrate's group when invoked, not when the app
    is built."""

    @staticmethod
    def _real() -> click.Group:
        from flask_migrate.cli import db as flask_migrate_group

        return flask_migrate_group

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        app = parent.ensure_object(ScriptInfo).load_app() if parent is not None else None
        if app is not None:
            migrate_extension(app)
        context = self._real().make_context(info_name, args, parent=parent, **extra)
        if app is not None:  # parsed (``--help`` has exited by now): a command will run
            hold_library_lock(app, context)
        return context

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._real().get_command(ctx, cmd_name)


def init_app(app: Flask) -> None:
    app.cli.add_command(
        MigrationCommands(COMMAND_NAME, help="Perform database migrations (Flask-Migrate)."),
        name=COMMAND_NAME,
    )
