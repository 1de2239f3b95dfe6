"""Error pages in the app's own look, for browsers. /api/ paths are left to the API's
JSON error handlers: these handlers hand them back untouched."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from webapp.api.errors import problem_from_exception
from webapp.extensions import db

#: PostgreSQL's SQLSTATE for "disk full" (class 53, insufficient resources).
POSTGRES_DISK_FULL = "53100"


class InsufficientStorage(HTTPException):
    """507: the write could not be stored. Werkzeug has no class for it. WebDAV's code,
    but its meaning is exactly this ("unable to store the representation needed to
    complete the request"); 503 would say the server is busy and to come back soon,
    which a full disk will not fix by itself."""

    code = 507
    description = (
        "The disk where Shelfmark keeps your library is full, so this change was not saved. "
        "Nothing was lost: everything saved before is as it was. Free some space and try again."
    )


#: Codes with a page of their own; the text says what a person can do next.
ERROR_PAGES = {
    401: (
        "Open Shelfmark from its window",
        "This page is only served to Shelfmark's own window. Start Shelfmark again to open it.",
    ),
    400: ("Bad request", "The page could not understand what was sent. Go back and try again."),
    403: ("Not allowed", "You are not allowed to do that here."),
    404: ("Not found", "There is nothing at this address. It may have been deleted or moved."),
    405: ("Not allowed like this", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than Shelfmark accepts. Try a smaller file."),
    429: (
        "Too many attempts",
        "Please wait a minute before trying again; the limit resets after sixty seconds.",
    ),
    500: ("Something went wrong", "Shelfmark hit an error it did not expect. It has been logged."),
    507: ("The disk is full", InsufficientStorage.description),
}


def _page(error: HTTPException):
    code = error.code or 500
    title, advice = ERROR_PAGES.get(code, (error.name, error.description or ""))
    # Our own descriptions (e.g. "This form has expired...") say more than the generic advice.
    default = type(error).description
    reason = error.description if code != 500 and error.description and error.description != default else None
    headers = dict(error.get_headers()) if code in (405, 429) else {}
    headers.pop("Content-Type", None)
    return render_template("error.html", code=code, title=title, advice=advice, reason=reason), code, headers


#: Less room than this on the library's disk turns SQLite's "disk I/O error" into "full".
NEARLY_FULL_BYTES = 1024 * 1024


def _no_room(folder: str | Path | None) -> bool:
    try:
        return folder is not None and shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def is_disk_full(error: BaseException, folder: str | Path | None = None) -> bool:
    """SQLite's SQLITE_FULL, PostgreSQL's 53100 or the OS's ENOSPC/EDQUOT, whether
    raised as they are or wrapped (SQLAlchemy keeps the driver's error as ``orig``).

    SQLite says "disk I/O error" (SQLITE_IOERR), not SQLITE_FULL, when a full disk
    stops it growing its shared-memory file, which a connection opened after the disk
    filled must do; Python's sqlite3 does not tell us the errno, so an I/O error while
    ``folder`` (the library's) has next to no room left counts as full too."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if (
            isinstance(current, DBAPIError)
            and current.orig is not None
            and is_disk_full(current.orig, folder)
        ):
            return True
        code = getattr(current, "sqlite_errorcode", None) if isinstance(current, sqlite3.Error) else None
        if code == sqlite3.SQLITE_FULL:
            return True
        if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR and _no_room(folder):
            return True
        if getattr(current, "sqlstate", None) == POSTGRES_DISK_FULL:
            return True
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        current = current.__cause__ or current.__context__
    return False


def init_app(app: Flask) -> None:
    """Pages get these; /api/v1 gets problem+json (webapp.api.errors). Flask has already
    logged an unexpected exception when the 500 handler runs."""

    def handle(error: HTTPException):
        if (error.code or 500) >= 500:
            # The request's transaction may be the broken part; the error page (which
            # reads the signed-in user) must not fail on it too.
            db.session.rollback()
        if request.path.startswith("/api/"):
            return problem_from_exception(error)
        return _page(error)

    for code in ERROR_PAGES:
        if code != 507:
            app.register_error_handler(code, handle)

    def disk_full(error: Exception):
        """A write that found the disk full: roll back (the transaction never happened)
        and say so; any other database or OS error is still the 500 it was."""
        if not is_disk_full(error, current_app.config["DATA_DIR"]):
            raise error
        current_app.logger.error("A write failed because the disk is full: %s", error)
        return handle(InsufficientStorage())

    for kind in (DBAPIError, sqlite3.Error, OSError):
        app.register_error_handler(kind, disk_full)
