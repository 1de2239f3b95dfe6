"""The journal: posts in Markdown, profiles and the reading dashboard."""

from __future__ import annotations

from flask import Blueprint, Flask, url_for

from webapp.journal.charts import format_value
from webapp.journal.posts import posts_about
from webapp.markdown import render_markdown
from webapp.models import Book

bp = Blueprint("journal", __name__)


def book_url(book: Book | None) -> str | None:
    """The book's page in the library, or None for a post about no book."""
    return None if book is None else url_for("library.book", book_id=book.id)


def init_app(app: Flask) -> None:
    """Template helpers other blueprints use: the book page includes
    ``journal/_book_posts.html``, which calls ``posts_about(book, current_user)``."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["chart_number"] = format_value
    app.jinja_env.globals["posts_about"] = posts_about
    app.jinja_env.globals["book_url"] = book_url
    app.register_blueprint(bp)


from webapp.journal import routes  # noqa: E402, F401
