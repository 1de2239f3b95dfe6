"""A reader's year in review: what they finished in one calendar year.

Counted as the dashboard counts (webapp.journal.statistics): each finished read whose
end falls in the year, so a book read twice that year counts twice. A read whose end is
known only to the year counts in the year and goes in the "month unknown" bucket. Every
figure is an aggregate or a short ordered query in SQL over the year's range of
``reads.ended_on`` (``ix_reads_outcome_ended``), the same on SQLite and PostgreSQL.

A *re-read* is a finished read of the year whose reading has another finished read
before it: one that ended earlier, or one never dated (the history puts undated reads
first: they are the times read before anyone wrote dates down).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.journal.statistics import FORMAT_LABELS, MONTH_NAMES, UNKNOWN_FORMAT, finished_reads
from webapp.models import Book, Read, Reading, ReadOutcome
from webapp.partial_dates import DatePrecision, PartialDate

YEAR_FIRST, YEAR_LAST = 1, 9999
#: How many books the "highest rated" list shows.
TOP_RATED = 5


@dataclass(frozen=True)
class BookOfYear:
    book_id: int
    title: str
    pages: int | None = None
    rating_halves: int | None = None
    ended: PartialDate | None = None

    @property
    def rating(self) -> float | None:
        return None if self.rating_halves is None else self.rating_halves / 2


@dataclass(frozen=True)
class YearReview:
    year: int
    books: int = 0
    distinct_books: int = 0
    pages: int = 0
    #: Books finished without a page count (their pages are not in ``pages``).
    books_without_pages: int = 0
    longest: BookOfYear | None = None
    shortest: BookOfYear | None = None
    highest_rated: list[BookOfYear] = field(default_factory=list)
    #: (month label, books) for January … December.
    by_month: list[tuple[str, int]] = field(default_factory=list)
    month_unknown: int = 0
    formats: list[tuple[str, int]] = field(default_factory=list)
    rereads: list[BookOfYear] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.books == 0


def _in_year(user_id: int, year: int) -> tuple[ColumnElement[bool], ...]:
    """Reads ``user_id`` finished in ``year`` (over Read joined to its Reading)."""
    return (
        Reading.user_id == user_id,
        Read.outcome == ReadOutcome.FINISHED,
        Read.ended_on >= date(year, 1, 1),
        Read.ended_on <= date(year, 12, 31),
    )


def _year_reads(user_id: int, year: int):
    return finished_reads().join(Book, Book.id == Reading.book_id).where(*_in_year(user_id, year))


def years_with_reads(user_id: int) -> list[int]:
    """The years in which this reader finished something, oldest first."""
    year = func.extract("year", Read.ended_on)
    rows = db.session.execute(
        finished_reads()
        .add_columns(year)
        .where(Reading.user_id == user_id, Read.outcome == ReadOutcome.FINISHED, Read.ended_on.is_not(None))
        .group_by(year)
    ).all()
    return sorted(int(found) for (found,) in rows)


def _one_book(query) -> BookOfYear | None:
    row = db.session.execute(query.limit(1)).first()
    return None if row is None else BookOfYear(row.id, row.title, pages=row.pages)


def year_review(user_id: int, year: int) -> YearReview:
    if not YEAR_FIRST <= year <= YEAR_LAST:
        raise ValueError(f"A year from {YEAR_FIRST} to {YEAR_LAST}.")
    totals = db.session.execute(
        _year_reads(user_id, year).add_columns(
            func.count(Read.id),
            func.count(func.distinct(Reading.book_id)),
            func.coalesce(func.sum(Book.pages), 0),
            func.count(Read.id) - func.count(Book.pages),
        )
    ).one()
    books, distinct_books, pages, without_pages = (int(value or 0) for value in totals)
    if not books:
        return YearReview(year=year, by_month=[(name, 0) for name in MONTH_NAMES])

    # One row per book finished in the year (a book read twice is one book here).
    distinct = (
        _year_reads(user_id, year)
        .add_columns(Book.id, Book.title, Book.pages, Book.sort_title)
        .where(Book.pages.is_not(None))
        .distinct()
    ).subquery()
    longest = _one_book(
        select(distinct.c.id, distinct.c.title, distinct.c.pages).order_by(
            distinct.c.pages.desc(), distinct.c.sort_title, distinct.c.id
        )
    )
    shortest = _one_book(
        select(distinct.c.id, distinct.c.title, distinct.c.pages).order_by(
            distinct.c.pages, distinct.c.sort_title, distinct.c.id
        )
    )
    rated = db.session.execute(
        _year_reads(user_id, year)
        .add_columns(Book.id, Book.title, Book.pages, Reading.rating_halves, Book.sort_title)
        .where(Reading.rating_halves.is_not(None))
        .distinct()
        .order_by(Reading.rating_halves.desc(), Book.sort_title, Book.id)
        .limit(TOP_RATED)
    ).all()

    month = func.extract("month", Read.ended_on)
    month_rows = db.session.execute(
        _year_reads(user_id, year)
        .add_columns(month, func.count(Read.id))
        .where(Read.ended_precision != DatePrecision.YEAR)
        .group_by(month)
    ).all()
    per_month = {int(number): int(count) for number, count in month_rows}
    month_unknown = books - sum(per_month.values())

    format_rows = db.session.execute(
        _year_reads(user_id, year).add_columns(Book.format, func.count(Read.id)).group_by(Book.format)
    ).all()
    found = {fmt: int(count) for fmt, count in format_rows}
    formats = [(label, found[fmt.value]) for fmt, label in FORMAT_LABELS.items() if found.get(fmt.value)]
    if found.get(None):
        formats.append((UNKNOWN_FORMAT, found[None]))

    return YearReview(
        year=year,
        books=books,
        distinct_books=distinct_books,
        pages=pages,
        books_without_pages=without_pages,
        longest=longest,
        shortest=shortest,
        highest_rated=[
            BookOfYear(r.id, r.title, pages=r.pages, rating_halves=r.rating_halves) for r in rated
        ],
        by_month=[(name, per_month.get(number, 0)) for number, name in enumerate(MONTH_NAMES, start=1)],
        month_unknown=month_unknown,
        formats=formats,
        rereads=_rereads(user_id, year),
    )


def _rereads(user_id: int, year: int) -> list[BookOfYear]:
    """The year's finished reads that had a finished read before them (module docstring)."""
    earlier = aliased(Read)
    before = (
        select(earlier.id)
        .where(
            earlier.reading_id == Read.reading_id,
            earlier.id != Read.id,
            earlier.outcome == ReadOutcome.FINISHED,
            or_(
                earlier.ended_on.is_(None),
                earlier.ended_on < Read.ended_on,
                and_(earlier.ended_on == Read.ended_on, earlier.id < Read.id),
            ),
        )
        .exists()
    )
    rows = db.session.execute(
        _year_reads(user_id, year)
        .add_columns(Book.id, Book.title, Book.pages, Read.ended_on, Read.ended_precision)
        .where(before)
        .order_by(Read.ended_on, Read.id)
    ).all()
    return [
        BookOfYear(
            row.id, row.title, pages=row.pages, ended=PartialDate.stored(row.ended_on, row.ended_precision)
        )
        for row in rows
    ]
