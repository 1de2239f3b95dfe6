"""``/books/<id>/reading``: the caller's own reading of a book (one per user and book)."""

from __future__ import annotations

from typing import Any

from apiflask.schemas import EmptySchema
from flask import url_for
from sqlalchemy import select

from webapp import clock
from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import abort
from webapp.api.records import get_or_404, save
from webapp.api.schemas.readings import ReadingIn, ReadingOut
from webapp.catalogue import apply_reading_data
from webapp.extensions import db
from webapp.models import Book, Reading

TAGS = ["Readings"]


def reading_for(user_id: int, book_id: int) -> Reading | None:
    return db.session.scalar(select(Reading).where(Reading.user_id == user_id, Reading.book_id == book_id))


def _existing_reading(book_id: int) -> Reading:
    get_or_404(Book, book_id, "book")
    reading = reading_for(caller().user_id, book_id)
    if reading is None:
        abort(404, f"You have no reading of book {book_id}; POST one.")
    return reading


def _apply(reading: Reading, data: dict[str, Any]) -> None:
    apply_reading_data(reading, data, today=clock.today())


@bp.get("/books/<int:book_id>/reading")
@bp.output(ReadingOut)
@bp.doc(tags=TAGS, summary="Your reading of a book")
def get_reading(book_id: int):
    return _existing_reading(book_id)


@bp.post("/books/<int:book_id>/reading")
@bp.input(ReadingIn, arg_name="data")
@bp.output(ReadingOut, status_code=201, description="Created; Location names it.")
@bp.doc(tags=TAGS, summary="Start a reading of a book", responses={409: "You already have one; PATCH it."})
def create_reading(book_id: int, data: dict[str, Any]):
    book = get_or_404(Book, book_id, "book")
    if reading_for(caller().user_id, book.id) is not None:
        abort(409, "You already have a reading of this book; PATCH it.")
    reading = Reading(user_id=caller().user_id, book_id=book.id, visibility=caller().user.reading_visibility)
    db.session.add(reading)
    _apply(reading, data)
    save()
    return reading, 201, {"Location": url_for("api.get_reading", book_id=book.id, _external=True)}


@bp.patch("/books/<int:book_id>/reading")
@bp.input(ReadingIn(partial=True), arg_name="data")
@bp.output(ReadingOut)
@bp.doc(tags=TAGS, summary="Change your reading of a book")
def update_reading(book_id: int, data: dict[str, Any]):
    reading = _existing_reading(book_id)
    _apply(reading, data)
    save()
    return reading


@bp.delete("/books/<int:book_id>/reading")
@bp.output(EmptySchema, status_code=204, description="Deleted.")
@bp.doc(tags=TAGS, summary="Forget your reading of a book")
def delete_reading(book_id: int):
    db.session.delete(_existing_reading(book_id))
    save()
    return "", 204
