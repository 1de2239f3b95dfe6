"""How large a request body may be: an import's file is allowed more than a cover.

The app-wide ``MAX_CONTENT_LENGTH`` keeps every other form small. Flask applies the
limit when the body is first read, which CSRF protection does before any view runs, so
the larger limit is set here, in a hook that runs before CSRF's (see the order in
webapp._features)."""

from __future__ import annotations

from flask import Flask, current_app, request

#: Endpoints that receive an export file.
IMPORT_ENDPOINTS = frozenset({"transfer.start_import", "api.create_import"})


def _allow_import_files() -> None:
    if request.endpoint in IMPORT_ENDPOINTS:
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


def init_app(app: Flask) -> None:
    app.before_request(_allow_import_files)
