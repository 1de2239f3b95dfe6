"""``/books/<id>/reads``: the caller's own times through a book, with their dates.

Every change goes through webapp.reading_history, as the book page's do, so the rules
(no future dates, an end not before its start, one read under way) and the reading's
status follow the same way; its refusals are 422s naming the field. The first read
POSTed for a book creates the caller's reading of it (seen as their default says), so
a script recording a past read need not make the reading first.
"""

from __future__ import annotations

from typing import Any

from apiflask.schemas import EmptySchema
from flask import url_for
from sqlalchemy import select

from webapp import clock, reading_history
from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import abort, field_errors
from webapp.api.pagination import PageQuery, page_of, paginate_rows
from webapp.api.readings import reading_for
from webapp.api.records import get_or_404, save
from webapp.api.schemas.readings import ReadIn, ReadOut
from webapp.extensions import db
from webapp.models import Book, Read, Reading, ReadingStatus
from webapp.models.limits import ID_MAX
from webapp.reading_history import ReadProblem

TAGS = ["Reads"]
NOT_YOURS = {404: "No such book, or no read of yours with this id on it."}
REFUSED = {422: "A field is not valid, or breaks a rule of reads (each error names its field)."}


def _own_read(book_id: int, read_id: int) -> Read:
    """The caller's read, on this book; anyone else's is as absent as a missing one."""
    get_or_404(Book, book_id, "book")
    read = None
    if 0 < read_id <= ID_MAX:
        read = db.session.scalar(
            select(Read)
            .join(Reading)
            .where(Read.id == read_id, Reading.book_id == book_id, Reading.user_id == caller().user_id)
        )
    if read is None:
        abort(404, f"You have no read with id {read_id} of book {book_id}.")
    return read


def _refuse(problem: ReadProblem) -> None:
    db.session.rollback()  # nothing half-saved: not even the reading a first read made
    field_errors(problem.errors)


def read_location(read: Read) -> dict[str, str]:
    return {
        "Location": url_for("api.get_read", book_id=read.reading.book_id, read_id=read.id, _external=True)
    }


@bp.get("/books/<int:book_id>/reads")
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(page_of(ReadOut))
@bp.doc(
    tags=TAGS,
    summary="Your reads of a book",
    description="Oldest first: undated reads first, the one under way last. Empty when you "
    "have no reading of the book.",
    responses={404: "There is no book with this id."},
)
def list_reads(book_id: int, query: dict[str, Any]):
    get_or_404(Book, book_id, "book")
    reading = reading_for(caller().user_id, book_id)
    history = reading.history if reading is not None else []
    start = (query["page"] - 1) * query["per_page"]
    body, headers = paginate_rows(
        history[start : start + query["per_page"]], len(history), query["page"], query["per_page"]
    )
    return body, 200, headers


@bp.post("/books/<int:book_id>/reads")
@bp.input(ReadIn, arg_name="data")
@bp.output(ReadOut, status_code=201, description="Created; Location names it.")
@bp.doc(
    tags=TAGS,
    summary="Record a read of a book",
    description="If you have no reading of the book yet, this makes one (seen as your "
    "default says, Settings → Profile). The reading's status follows: a read in_progress "
    "makes it reading; a finished or abandoned read, when none is under way, makes it read or "
    "did_not_finish.",
    responses={404: "There is no book with this id.", **REFUSED},
)
def create_read(book_id: int, data: dict[str, Any]):
    book = get_or_404(Book, book_id, "book")
    reading = reading_for(caller().user_id, book.id)
    if reading is None:
        user = caller().user
        reading = Reading(
            user_id=user.id,
            book_id=book.id,
            visibility=user.reading_visibility,
            status=ReadingStatus.WANT_TO_READ,
        )
        db.session.add(reading)
    try:
        read = reading_history.add_read(
            reading, data["outcome"], data.get("started_on"), data.get("ended_on"), today=clock.today()
        )
    except ReadProblem as problem:
        _refuse(problem)
    save()
    return read, 201, read_location(read)


@bp.get("/books/<int:book_id>/reads/<int:read_id>")
@bp.output(ReadOut)
@bp.doc(tags=TAGS, summary="One of your reads", responses=NOT_YOURS)
def get_read(book_id: int, read_id: int):
    return _own_read(book_id, read_id)


@bp.patch("/books/<int:book_id>/reads/<int:read_id>")
@bp.input(ReadIn(partial=True), arg_name="data")
@bp.output(ReadOut)
@bp.doc(
    tags=TAGS,
    summary="Change one of your reads",
    description="Fields left out keep their values; null clears a date. The rules apply to "
    "the read as it would be.",
    responses={**NOT_YOURS, **REFUSED},
)
def update_read(book_id: int, read_id: int, data: dict[str, Any]):
    read = _own_read(book_id, read_id)
    try:
        reading_history.update_read(
            read,
            data.get("outcome", read.outcome),
            data.get("started_on", read.started),
            data.get("ended_on", read.ended),
            today=clock.today(),
        )
    except ReadProblem as problem:
        _refuse(problem)
    save()
    return read


@bp.delete("/books/<int:book_id>/reads/<int:read_id>")
@bp.output(EmptySchema, status_code=204, description="Deleted; the reading stays.")
@bp.doc(
    tags=TAGS,
    summary="Remove one of your reads",
    description="The reading stays, its status following the reads that are left.",
    responses=NOT_YOURS,
)
def delete_read(book_id: int, read_id: int):
    reading_history.remove_read(_own_read(book_id, read_id))
    save()
    return "", 204
