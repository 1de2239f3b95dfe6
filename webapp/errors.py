"""Error pages in the app's own look, for browsers. /api/ paths are left to the API's
JSON error handlers: these handlers hand them back untouched."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from webapp.api.errors import problem_from_exception
from webapp.extensions import db
from webapp.library_faults import is_disk_full


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
