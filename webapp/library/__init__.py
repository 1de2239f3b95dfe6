"""The library pages: the catalogue, books, a reader's readings, shelves."""

from flask import Blueprint, Flask

bp = Blueprint("library", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


from webapp.library import books, browse, loans, reads, series, shelves  # noqa: E402, F401
