"""The library pages: the catalogue, books, a reader's readings, shelves."""

from flask import Blueprint

bp = Blueprint("library", __name__)

from webapp.library import books, browse, shelves  # noqa: E402, F401
