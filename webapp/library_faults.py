"""Why a library could not be opened, in one sentence for the person who launched it.

A damaged file, a folder that cannot be written, a full disk: each surfaces deep down
(sqlite3, the OS, Alembic, SQLAlchemy) as an exception written for a programmer.
:func:`explain` finds the cause in the exception's chain and says what happened and
what to do; the launcher shows that in the window and on the terminal and exits 2.
Nothing here writes: a library we cannot open is left exactly as it was.

Importable without the web stack (the launcher needs it before Flask has loaded).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path

from webapp.config import DATABASE_FILE, SETTINGS_FILE, SecretKeyDamaged
from webapp.schema_errors import SchemaError

__all__ = ["LibraryUnavailable", "check_library_file", "explain", "is_disk_full", "newest_good_backup"]

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUPS_FOLDER = "backups"

# SQLite's primary result codes (https://sqlite.org/rescode.html); Python 3.11 puts the
# extended code on every sqlite3.Error as ``sqlite_errorcode``.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26

DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
#: PostgreSQL's SQLSTATE for "disk full" (class 53, insufficient resources).
POSTGRES_DISK_FULL = "53100"
#: Less room than this on the library's disk turns SQLite's "disk I/O error" into "full".
NEARLY_FULL_BYTES = 1024 * 1024
NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


class LibraryUnavailable(SchemaError):
    """The library cannot be opened as it is; the message says why and what to do."""


def newest_good_backup(backups: Path, limit: int = 10) -> Path | None:
    """The most recent backup in ``backups`` that passes SQLite's quick check (read
    only, so checking changes nothing), trying at most ``limit`` of them."""
    try:
        candidates = sorted(backups.glob("*.db"), key=lambda path: path.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for candidate in candidates[:limit]:
        if _passes_quick_check(candidate):
            return candidate
    return None


def _passes_quick_check(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        return connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def damaged(database: Path) -> LibraryUnavailable:
    backup = newest_good_backup(database.parent / BACKUPS_FOLDER)
    if backup is not None:
        advice = f"to go back to your newest good backup, copy {backup} over it and start Shelfmark again."
    else:
        advice = f"move it out of {database.parent} to start a new, empty library there."
    return LibraryUnavailable(
        f"Your library {database} is damaged or is not a Shelfmark library, so Shelfmark has left it "
        f"untouched; {advice}"
    )


def disk_full(data_dir: Path) -> LibraryUnavailable:
    return LibraryUnavailable(
        f"The disk holding {data_dir} is full, so Shelfmark stopped before changing your library; "
        "free some space and start it again."
    )


def not_writable(place: Path, reason: str) -> LibraryUnavailable:
    return LibraryUnavailable(
        f"Shelfmark cannot write to {place} ({reason}), so it has changed nothing; "
        "make that folder writable, or choose another with --data-dir."
    )


def check_library_file(database: Path) -> None:
    """Refuse, before SQLite is asked, what is no database at all: SQLite answers a
    folder with "disk I/O error" and never reads a file it cannot open."""
    if database.is_dir():
        raise LibraryUnavailable(
            f"{database} is a folder where Shelfmark keeps its library file; move it out of "
            f"{database.parent}, or choose another folder with --data-dir."
        )
    try:
        with database.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        fault = explain(error, database.parent)
        if fault is None:
            raise
        raise fault from error
    if header and header != SQLITE_HEADER:  # an empty file is an empty database
        raise damaged(database)


def explain(error: BaseException, data_dir: Path) -> LibraryUnavailable | None:
    """The sentence for ``error`` (or anything in its chain), or None when it is none
    of the faults a person can fix from here (then it is a bug, and stays a traceback)."""
    database = data_dir / DATABASE_FILE
    for cause in _chain(error):
        if isinstance(cause, LibraryUnavailable):
            return cause
        if isinstance(cause, sqlite3.Error):
            found = _explain_sqlite(cause, data_dir, database)
        elif isinstance(cause, OSError):
            found = _explain_os(cause, data_dir)
        elif isinstance(cause, SecretKeyDamaged):
            found = LibraryUnavailable(
                f"{cause.path} holds no usable key; delete it and Shelfmark will make a new one "
                "(everyone will have to sign in again)."
            )
        elif isinstance(cause, tomllib.TOMLDecodeError):
            found = LibraryUnavailable(
                f"{data_dir / SETTINGS_FILE} is not valid TOML ({cause}); correct it, or move it away "
                "to use the default settings."
            )
        else:
            continue
        if found is not None:
            return found
    return None


def _explain_sqlite(error: sqlite3.Error, data_dir: Path, database: Path) -> LibraryUnavailable | None:
    code = getattr(error, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(database)
    if is_disk_full(error, data_dir):
        return disk_full(data_dir)
    if primary in (SQLITE_READONLY, SQLITE_PERM) or (
        primary == SQLITE_CANTOPEN and not os.access(data_dir, os.W_OK)
    ):
        return not_writable(data_dir, "it is read-only or you may not write there")
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return LibraryUnavailable(
            f"Your library {database} is locked by another program; close that program "
            "(a database browser, a backup or sync tool) and start Shelfmark again."
        )
    return None


def _explain_os(error: OSError, data_dir: Path) -> LibraryUnavailable | None:
    if is_disk_full(error, data_dir):
        return disk_full(data_dir)
    if error.errno == errno.EROFS:
        place = Path(error.filename).parent if error.filename else data_dir
        return not_writable(place, (error.strerror or str(error)).lower())
    if error.errno in NOT_WRITABLE:
        return LibraryUnavailable(
            f"Shelfmark is not allowed to use {error.filename or data_dir} (permission denied), so it "
            "has changed nothing; give your account access to it, or choose another folder with --data-dir."
        )
    if error.errno in (errno.ENOTDIR, errno.EEXIST) and data_dir.exists() and not data_dir.is_dir():
        return LibraryUnavailable(
            f"{data_dir} is a file, not a folder; choose a folder for the library with --data-dir."
        )
    return None


def is_disk_full(error: BaseException, folder: str | Path | None = None) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's 53100 or the OS's ENOSPC/EDQUOT, anywhere in
    ``error``'s chain: at launch (:func:`explain`) and for a write while serving
    (``webapp.errors``, a 507).

    SQLite says "disk I/O error" (SQLITE_IOERR), not SQLITE_FULL, when a full disk
    stops it growing its shared-memory file, which a connection opened after the disk
    filled must do; Python's sqlite3 does not tell us the errno, so an I/O error while
    ``folder`` (the library's) has next to no room left counts as full too."""
    for cause in _chain(error):
        if isinstance(cause, sqlite3.Error):
            code = getattr(cause, "sqlite_errorcode", None)
            primary = None if code is None else code & 0xFF
            if primary == SQLITE_FULL or (primary == SQLITE_IOERR and _no_room(folder)):
                return True
        if isinstance(cause, OSError) and cause.errno in DISK_FULL:
            return True
        if getattr(cause, "sqlstate", None) == POSTGRES_DISK_FULL:  # psycopg's DiskFull
            return True
    return False


def _no_room(folder: str | Path | None) -> bool:
    try:
        return folder is not None and shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, the DB-API error SQLAlchemy wraps (``orig``), and their causes."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                pending.append(linked)
