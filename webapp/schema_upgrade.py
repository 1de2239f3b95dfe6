"""Bring a database to the newest schema without ever losing it.

The launcher's contract (docs/architecture.md, "One launch"): a database behind the newest
revision is first copied with SQLite's online backup API, then upgraded; if the upgrade
fails, the copy is put back and the user told; a database written by a newer Shelfmark
is refused and left exactly as it was (we read its revision through a read-only
connection, so not even the journal mode is touched).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask
from sqlalchemy.engine import make_url

from webapp.extensions import db
from webapp.library_faults import check_library_file, explain
from webapp.migration_commands import migrate_extension
from webapp.schema_errors import DatabaseTooNew, SchemaError, UpgradeFailed

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

__all__ = [
    "SCHEMA_HEAD",
    "DatabaseTooNew",
    "SchemaError",
    "SchemaState",
    "UpgradeFailed",
    "UpgradeResult",
    "schema_state",
    "upgrade_with_backup",
]

log = logging.getLogger(__name__)


#: The newest revision in the migrations we ship (webapp/migrations/versions). A library
#: already there is opened without loading Alembic at all; anything else, and any other
#: MIGRATIONS_DIRECTORY, goes through Alembic, which has the last word.
#: tests/integration/test_schema_upgrade.py checks this against Alembic's head.
SCHEMA_HEAD = "0010"
SHIPPED_MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    known: bool

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def alembic_config(app: Flask) -> Config:
    """Flask-Migrate's config for our directory (its CLI wrappers swallow errors into
    ``sys.exit``, so we call Alembic's commands ourselves)."""
    with app.app_context():
        return migrate_extension(app).get_config(app.config["MIGRATIONS_DIRECTORY"])


def script_directory(app: Flask) -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(app))


def sqlite_path(app: Flask) -> Path | None:
    """The database file, or None for PostgreSQL and in-memory databases."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _read_only_revision(path: Path) -> str | None:
    # Without a write-ahead log to read, ``immutable`` opens the file without creating
    # -wal/-shm companions, so a database we refuse is left exactly as we found it.
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() and wal.stat().st_size else "mode=ro&immutable=1"
    connection = sqlite3.connect(f"{path.as_uri()}?{mode}", uri=True)
    try:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        connection.close()


def current_revision(app: Flask) -> str | None:
    path = sqlite_path(app)
    if path is not None:
        return _read_only_revision(path) if path.exists() else None
    from alembic.runtime.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_state(app: Flask) -> SchemaState:
    scripts = script_directory(app)
    head = scripts.get_current_head()
    if head is None:
        raise SchemaError("The application ships no migrations; the bundle is damaged.")
    current = current_revision(app)
    known = current is None or _is_known(scripts, current)
    return SchemaState(current=current, head=head, known=known)


def _is_known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for unknown ids
        return False


def backup_sqlite(source: Path, backups_dir: Path, label: str) -> Path:
    """Copy a live database consistently (WAL included) with the online backup API."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backups_dir / f"{source.stem}-{stamp}-{label}.db"
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.Error:
        dst.close()
        target.unlink(missing_ok=True)  # half a backup (a full disk) is no backup
        raise
    finally:
        dst.close()
        src.close()
    check = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise SchemaError(f"The backup {target} failed its integrity check; nothing was changed.")
    finally:
        check.close()
    return target


def restore_sqlite(backup: Path, target: Path) -> None:
    """Write the backup's pages back over the database through SQLite, WAL and all."""
    src = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _already_at_head(app: Flask) -> bool:
    """The everyday launch: a SQLite library at :data:`SCHEMA_HEAD`, read without Alembic."""
    if Path(app.config["MIGRATIONS_DIRECTORY"]).resolve() != SHIPPED_MIGRATIONS.resolve():
        return False
    path = sqlite_path(app)
    return path is not None and path.exists() and _read_only_revision(path) == SCHEMA_HEAD


def upgrade_with_backup(app: Flask) -> UpgradeResult | None:
    """Upgrade to head; None when nothing needed doing. Raises SchemaError subclasses:
    LibraryUnavailable for what the person must fix (a damaged library file, a
    read-only folder, a full disk; see :mod:`webapp.library_faults`)."""
    try:
        return _upgrade_with_backup(app)
    except SchemaError:
        raise
    except Exception as exc:
        fault = explain(exc, Path(app.config["DATA_DIR"]))
        if fault is None:
            raise
        raise fault from exc


def _upgrade_with_backup(app: Flask) -> UpgradeResult | None:
    path = sqlite_path(app)
    if path is not None:
        check_library_file(path)
    if _already_at_head(app):
        return None
    from alembic import command

    state = schema_state(app)
    if not state.known:
        raise DatabaseTooNew(
            f"This library was saved by a newer version of Shelfmark (schema {state.current}). "
            f"Shelfmark {app.config['VERSION']} cannot open it and has left it untouched; "
            "please install the newer version."
        )
    if state.up_to_date:
        return None

    backup = None
    if path is not None and path.exists() and state.current is not None:
        backups_dir = Path(app.config["DATA_DIR"]) / "backups"
        backup = backup_sqlite(path, backups_dir, f"before-{state.head}")
        log.info("Backed up %s to %s before upgrading from %s", path, backup, state.current)

    try:
        with app.app_context():
            command.upgrade(alembic_config(app), "head")
    except Exception as exc:
        # The person is told in one sentence (the SchemaError below); the file gets the traceback.
        log.exception("Upgrade from %s to %s failed", state.current, state.head, extra={"file_only": True})
        with app.app_context():
            db.engine.dispose()
        if backup is not None and path is not None:
            restore_sqlite(backup, path)
            raise UpgradeFailed(
                f"Shelfmark could not upgrade your library ({exc.__class__.__name__}: {exc}). "
                f"It has been restored from the backup at {backup}; nothing was lost."
            ) from exc
        fault = explain(exc, Path(app.config["DATA_DIR"]))
        if fault is not None:
            raise fault from exc
        raise UpgradeFailed(f"Shelfmark could not prepare its database: {exc}") from exc
    finally:
        with app.app_context():
            db.engine.dispose()
    log.info("Upgraded the database from %s to %s", state.current, state.head)
    return UpgradeResult(from_revision=state.current, to_revision=state.head, backup=backup)
