"""Error pages in the app's own look, for browsers. /api/ paths are left to the API's
JSON error handlers: these handlers hand them back untouched."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

#: Codes with a page of their own; the text says what a person can do next.
ERROR_PAGES = {
    400: ("Bad request", "The page could not understand what was sent. Go back and try again."),
    403: ("Not allowed", "You are not allowed to do that here."),
    404: ("Not found", "There is nothing at this address. It may have been deleted or moved."),
    405: ("Not allowed like this", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than Shelfmark accepts. Try a smaller file."),
    429: ("Too many requests", "Please wait a moment before trying again."),
    500: ("Something went wrong", "Shelfmark hit an error it did not expect. It has been logged."),
}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _page(error: HTTPException):
    code = error.code or 500
    title, advice = ERROR_PAGES.get(code, (error.name, error.description or ""))
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return render_template("error.html", code=code, title=title, advice=advice), code, headers


def init_app(app: Flask) -> None:
    """Flask has already logged an unexpected exception when the 500 handler runs."""

    def handle(error: HTTPException):
        return error if _is_api() else _page(error)

    for code in ERROR_PAGES:
        app.register_error_handler(code, handle)
