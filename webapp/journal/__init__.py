"""The journal: posts in Markdown, profiles and the reading dashboard."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, url_for

from webapp.journal.charts import format_value
from webapp.journal.posts import posts_about
from webapp.markdown import render_markdown
from webapp.models import Book

bp = Blueprint("journal", __name__)

#: The library blueprint's book page (built alongside); links to books appear once it exists.
BOOK_PAGE_ENDPOINT = "library.book"


def book_url(book: Book | None) -> str | None:
    """Where a book's own page is, or None while there is no book page to link to."""
    if book is None or BOOK_PAGE_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(BOOK_PAGE_ENDPOINT, book_id=book.id)


def init_app(app: Flask) -> None:
    """Template helpers other blueprints use: the book page includes
    ``journal/_book_posts.html``, which calls ``posts_about(book, current_user)``."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["chart_number"] = format_value
    app.jinja_env.globals["posts_about"] = posts_about
    app.jinja_env.globals["book_url"] = book_url
    app.register_blueprint(bp)


from webapp.journal import routes  # noqa: E402, F401
