"""/series: every series with its book count, and one series' books in reading order.

A series page answers the question a reader brings to it, "which one do I read next?":
the books in position order (numbers sort as numbers, so 0.5 before 1 and 10 after 9;
books without a position last, by title), the reader's own status for each, and the
first book they have neither finished nor are reading now, marked "next".
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import exists, func, select

from webapp.extensions import db
from webapp.library import bp
from webapp.library.listing import CatalogueRow, load_rows
from webapp.models import Book, BookSeries, Read, Reading, ReadingStatus, Series
from webapp.models.read import ReadOutcome
from webapp.pagination import Page, requested_page

#: Series per page of /series.
SERIES_PER_PAGE = 50
#: A series longer than this (a magazine run, an imprint's numbered list) is shown in
#: pages of this many books, so one page never loads thousands.
BOOKS_PER_PAGE = 200


@dataclass(frozen=True)
class SeriesSummary:
    id: int
    name: str
    books: int


@dataclass(frozen=True)
class SeriesEntry:
    """One book of a series page: its place, the catalogue row, and whether it is next."""

    position: str | None
    row: CatalogueRow
    finished: bool
    is_next: bool = False


def series_summaries(page: int, per_page: int = SERIES_PER_PAGE) -> Page:
    """Series by sort name (``ix_series_sort_name``), each with its number of books."""
    total = db.session.scalar(select(func.count()).select_from(Series)) or 0
    counts = select(func.count()).where(BookSeries.series_id == Series.id).correlate(Series).scalar_subquery()
    rows = db.session.execute(
        select(Series.id, Series.name, counts)
        .order_by(Series.sort_name, Series.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(items=[SeriesSummary(*row) for row in rows], page=page, per_page=per_page, total=total)


def series_order() -> tuple:
    """Numeric positions first and in order, then the unnumbered, each by title: the
    order of ``ix_book_series_series_position`` then the books' titles."""
    return (BookSeries.position_sort.is_(None), BookSeries.position_sort, Book.sort_title, Book.id)


def series_entries(series: Series, user_id: int, page: int = 1) -> tuple[list[SeriesEntry], int]:
    """The page's books of ``series`` in order, with the reader's status, and how many
    books the series has. "Next" is the first book of the whole series (not only of
    this page) that the reader has no finished read of and is not reading now."""
    total = db.session.scalar(select(func.count()).where(BookSeries.series_id == series.id)) or 0
    places = db.session.execute(
        select(BookSeries.book_id, BookSeries.position)
        .join(Book, Book.id == BookSeries.book_id)
        .where(BookSeries.series_id == series.id)
        .order_by(*series_order())
        .offset((page - 1) * BOOKS_PER_PAGE)
        .limit(BOOKS_PER_PAGE)
    ).all()
    ids = [book_id for book_id, _position in places]
    rows = {row.book.id: row for row in load_rows(user_id, ids)}
    finished = set(
        db.session.scalars(
            select(Reading.book_id).where(
                Reading.user_id == user_id,
                Reading.book_id.in_(ids),
                exists().where(Read.reading_id == Reading.id, Read.outcome == ReadOutcome.FINISHED),
            )
        )
    )
    next_id = next_unread(series, user_id)
    entries = [
        SeriesEntry(
            position=position,
            row=rows[book_id],
            finished=book_id in finished,
            is_next=book_id == next_id,
        )
        for book_id, position in places
        if book_id in rows
    ]
    return entries, total


def next_unread(series: Series, user_id: int) -> int | None:
    """The id of the first book in the series' order that the reader has not finished
    (no finished read) and is not reading now; None when they have read them all."""
    done = exists().where(
        Reading.user_id == user_id,
        Reading.book_id == BookSeries.book_id,
        (Reading.status == ReadingStatus.READING)
        | exists().where(Read.reading_id == Reading.id, Read.outcome == ReadOutcome.FINISHED),
    )
    return db.session.scalar(
        select(BookSeries.book_id)
        .join(Book, Book.id == BookSeries.book_id)
        .where(BookSeries.series_id == series.id, ~done)
        .order_by(*series_order())
        .limit(1)
    )


@bp.get("/series")
@login_required
def series_list():
    result = series_summaries(requested_page())
    if result.page > result.pages:
        abort(404)
    return render_template("library/series_list.html", result=result)


@bp.get("/series/<int:series_id>")
@login_required
def series_page(series_id: int):
    series = db.get_or_404(Series, series_id)
    page = requested_page()
    entries, total = series_entries(series, current_user.id, page)
    result = Page(items=entries, page=page, per_page=BOOKS_PER_PAGE, total=total)
    if page > result.pages:
        abort(404)
    return render_template("library/series.html", series=series, result=result)
