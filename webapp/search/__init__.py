"""Full-text search over books and posts (FTS5 on SQLite, tsvector on PostgreSQL).

``search_library`` is the one entry point; the pages, the JSON endpoint and the REST
API all call it. The index itself lives in the database and is kept in step by
triggers created by revision 0003; ``flask search rebuild`` refills it.
"""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.search.service import SearchHit, SearchPage, rebuild_index, search_library

__all__ = ["SearchHit", "SearchPage", "init_app", "rebuild_index", "search_library"]

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Refill the search index from the books and posts tables."""
    started = time.perf_counter()
    with db.engine.begin() as connection:
        rebuild_index(connection)
    click.echo(f"Search index rebuilt in {time.perf_counter() - started:.1f} s.")


def init_app(app: Flask) -> None:
    from webapp.search.routes import api_bp, bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    app.cli.add_command(search_cli)
