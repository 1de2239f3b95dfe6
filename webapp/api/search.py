"""``/search``: books and posts for a few words.

INTERIM: :func:`interim_search` is a plain LIKE over book titles, author names and post
titles, standing in until the full-text service (``search_library``) lands; swap it in
there and keep this endpoint's schema. ``/api/search`` answers from the same service.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, or_, select

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.pagination import page_of, paginate_rows
from webapp.api.schemas.search import SearchHitOut, SearchQuery
from webapp.extensions import db
from webapp.models import Author, Book, BookAuthor, Post, Visibility


def interim_search(query: str, viewer_id: int, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """Books first (by title), then visible posts (newest first); returns one page and the total."""
    by_author = select(BookAuthor.book_id).join(Author).where(Author.name.icontains(query, autoescape=True))
    book_filter = or_(Book.title.icontains(query, autoescape=True), Book.id.in_(by_author))
    post_filter = (
        Post.title.icontains(query, autoescape=True),
        or_(Post.author_id == viewer_id, Post.visibility == Visibility.SHARED),
    )
    book_total = db.session.scalar(select(func.count()).select_from(Book).where(book_filter)) or 0
    post_total = db.session.scalar(select(func.count()).select_from(Post).where(*post_filter)) or 0
    start = (page - 1) * per_page
    hits: list[dict[str, Any]] = []
    if start < book_total:
        books = db.session.scalars(
            select(Book).where(book_filter).order_by(Book.sort_title, Book.id).offset(start).limit(per_page)
        )
        hits += [
            {
                "kind": "book",
                "id": b.id,
                "title": b.title,
                "subtitle": ", ".join(b.author_names) or None,
                "url": url_for("api.get_book", book_id=b.id, _external=True),
            }
            for b in books
        ]
    if len(hits) < per_page:
        posts = db.session.scalars(
            select(Post)
            .where(*post_filter)
            .order_by(Post.created_at.desc(), Post.id.desc())
            .offset(max(0, start - book_total))
            .limit(per_page - len(hits))
        )
        hits += [
            {
                "kind": "post",
                "id": p.id,
                "title": p.title,
                "subtitle": p.kind,
                "url": url_for("api.get_post", post_id=p.id, _external=True),
            }
            for p in posts
        ]
    return hits, book_total + post_total


@bp.get("/search")
@bp.input(SearchQuery, location="query", arg_name="query")
@bp.output(page_of(SearchHitOut))
@bp.doc(tags=["Search"], summary="Search books and posts")
def search(query: dict[str, Any]):
    hits, total = interim_search(query["q"].strip(), caller().user_id, query["page"], query["per_page"])
    body, headers = paginate_rows(hits, total, query["page"], query["per_page"])
    return body, 200, headers
