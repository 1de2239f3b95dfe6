"""``/books``: the shared library. Everyone reads it and adds to it (with a write key);
changing a book others read, and deleting, follow webapp/permissions.py."""

from __future__ import annotations

import contextlib
from typing import Any

from apiflask.schemas import EmptySchema
from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import abort, field_error
from webapp.api.pagination import page_of, paginate
from webapp.api.records import get_or_404, save
from webapp.api.schemas.books import BookDeleteQuery, BookIn, BookOut, BookQuery
from webapp.catalogue import apply_book_data
from webapp.extensions import db
from webapp.isbn import InvalidISBN, normalize_isbn13
from webapp.models import Author, Book, BookAuthor, BookSeries, Reading, book_shelves
from webapp.permissions import delete_decision, edit_refusal, others_stake

SORTS = {
    "title": (Book.sort_title, Book.id),
    "-title": (Book.sort_title.desc(), Book.id.desc()),
    "added": (Book.added_at, Book.id),
    "-added": (Book.added_at.desc(), Book.id.desc()),
    "year": (Book.year, Book.id),
    "-year": (Book.year.desc(), Book.id.desc()),
}
TAGS = ["Books"]


def books_matching(query: dict[str, Any], viewer_id: int) -> Select:
    """The filters of ``GET /books``; ``status`` is the viewer's own reading status."""
    statement = select(Book).options(
        selectinload(Book.author_links).selectinload(BookAuthor.author),
        selectinload(Book.series_links).selectinload(BookSeries.series),
    )
    if text := (query.get("q") or "").strip():
        by_author = (
            select(BookAuthor.book_id).join(Author).where(Author.name.icontains(text, autoescape=True))
        )
        conditions = [Book.title.icontains(text, autoescape=True), Book.id.in_(by_author)]
        with contextlib.suppress(InvalidISBN):
            conditions.append(Book.isbn13 == normalize_isbn13(text))
        statement = statement.where(db.or_(*conditions))
    if status := query.get("status"):
        statement = statement.where(
            Book.id.in_(select(Reading.book_id).where(Reading.user_id == viewer_id, Reading.status == status))
        )
    if shelf := query.get("shelf"):
        statement = statement.where(
            Book.id.in_(select(book_shelves.c.book_id).where(book_shelves.c.shelf_id == shelf))
        )
    if author := query.get("author"):
        statement = statement.where(
            Book.id.in_(select(BookAuthor.book_id).where(BookAuthor.author_id == author))
        )
    if series := query.get("series"):
        statement = statement.where(
            Book.id.in_(select(BookSeries.book_id).where(BookSeries.series_id == series))
        )
    if book_format := query.get("format"):
        statement = statement.where(Book.format == book_format)
    if (year_from := query.get("year_from")) is not None:
        statement = statement.where(Book.year >= year_from)
    if (year_to := query.get("year_to")) is not None:
        statement = statement.where(Book.year <= year_to)
    return statement.order_by(*SORTS[query["sort"]])


def book_location(book: Book) -> dict[str, str]:
    return {"Location": url_for("api.get_book", book_id=book.id, _external=True)}


@bp.get("/books")
@bp.input(BookQuery, location="query", arg_name="query")
@bp.output(page_of(BookOut))
@bp.doc(tags=TAGS, summary="List books", description="Filter, sort and page through the library.")
def list_books(query: dict[str, Any]):
    body, headers = paginate(books_matching(query, caller().user_id), query["page"], query["per_page"])
    return body, 200, headers


@bp.post("/books")
@bp.input(BookIn, arg_name="data")
@bp.output(BookOut, status_code=201, description="Created; Location names it.")
@bp.doc(
    tags=TAGS,
    summary="Add a book",
    responses={409: "Another book has this ISBN.", 422: "A field is not valid (each error names it)."},
)
def create_book(data: dict[str, Any]):
    book = Book(title=data["title"])
    apply_book_data(book, data)
    db.session.add(book)
    save()
    return book, 201, book_location(book)


@bp.get("/books/<int:book_id>")
@bp.output(BookOut)
@bp.doc(tags=TAGS, summary="One book")
def get_book(book_id: int):
    return get_or_404(Book, book_id, "book")


@bp.patch("/books/<int:book_id>")
@bp.input(BookIn(partial=True), arg_name="data")
@bp.output(BookOut)
@bp.doc(
    tags=TAGS,
    summary="Change a book",
    responses={
        403: "Others have readings, posts or shelf places on this book: editors and administrators only.",
        409: "Another book has this ISBN.",
        422: "A field is not valid (each error names it), or copies is below the copies lent out.",
    },
)
def update_book(book_id: int, data: dict[str, Any]):
    book = get_or_404(Book, book_id, "book")
    refusal = edit_refusal(caller().user, others_stake(book.id, caller().user))
    if refusal:
        abort(403, refusal)
    lent = len(book.open_loans)
    if data.get("copies", lent) < lent:
        noun = "copy is" if lent == 1 else "copies are"
        field_error("copies", f"{lent} {noun} lent out now: record a return first.")
    apply_book_data(book, data)
    save()
    return book


@bp.delete("/books/<int:book_id>")
@bp.input(BookDeleteQuery, location="query", arg_name="query")
@bp.output(EmptySchema, status_code=204, description="Deleted, with its readings; posts stay.")
@bp.doc(
    tags=TAGS,
    summary="Delete a book",
    description=(
        "Editors and administrators only. A book other members have readings of, posts "
        "about or shelf places for is refused to editors (403); an administrator gets 409 until the request "
        "says `delete_others_readings=true`."
    ),
    responses={
        403: "Not an editor or administrator; or an editor, and others have readings, posts, shelves on it.",
        409: "Others have readings, posts or shelf places on it: confirm with delete_others_readings=true.",
    },
)
def delete_book(book_id: int, query: dict[str, Any]):
    book = get_or_404(Book, book_id, "book")
    decision = delete_decision(caller().user, others_stake(book.id, caller().user))
    if decision.refusal:
        abort(403, decision.refusal)
    if decision.needs_confirmation and not query["delete_others_readings"]:
        abort(
            409,
            f"Other members have {decision.stake.describe()} on book {book.id}: "
            f"{decision.consequence()}. Send delete_others_readings=true to delete it anyway.",
        )
    db.session.delete(book)
    save()
    return "", 204
