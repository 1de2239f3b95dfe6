"""The catalogue listing: filter, sort and page through 100,000 books quickly.

Two steps, measured on the 100,000-book demo library (tests/bench/bench_library.py):
1. page the *ids* along an index that already holds the sort key and the id
   (``ix_books_sort_title`` and friends), so even ``OFFSET 99000`` walks a small
   covering index instead of the table (2 ms instead of 12 ms);
2. load just those books, their authors and the reader's readings by id.

Filters on other tables are ``EXISTS`` semi-joins, so SQLite keeps walking the sort
index and stops after one page instead of sorting every match in a temporary B-tree.
The count is a separate ``COUNT(*)`` over the filters alone (no ORDER BY, no joins to
load), which SQLite answers from an index.

Sorting by rating is the reader's own rating: rated books first (best first, from
``ix_readings_user_rating``), then the unrated ones by title, paged as two segments.
Sorting by series is paged the same way: books in a series (each under the first of its
series by name, then by position, numbers as numbers, unnumbered last, then title), then
the books in no series by title along ``ix_books_sort_title``. Filtered to one series, it
is that series' order, along ``ix_book_series_series_position``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Join

from webapp.extensions import db
from webapp.models import Author, Book, BookAuthor, BookSeries, Reading, Series, book_shelves
from webapp.pagination import Page

SORTS = {
    "title": "Title",
    "author": "Author",
    "year": "Year",
    "added": "Date added",
    "rating": "My rating",
    "series": "Series",
}
#: The direction each sort starts in when the reader picks it.
DEFAULT_DESCENDING = {
    "title": False,
    "author": False,
    "year": False,
    "added": True,
    "rating": True,
    "series": False,
}
PAGE_SIZES = (20, 50, 100, 200)


@dataclass(frozen=True)
class CatalogueQuery:
    """What the reader asked for; every part optional."""

    status: str | None = None
    shelf_id: int | None = None
    author: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    format: str | None = None
    series_id: int | None = None
    sort: str = "title"
    descending: bool = False

    @property
    def is_filtered(self) -> bool:
        return any(
            value not in (None, "")
            for value in (
                self.status,
                self.shelf_id,
                self.author,
                self.year_from,
                self.year_to,
                self.format,
                self.series_id,
            )
        )


@dataclass(frozen=True)
class CatalogueRow:
    book: BookSummary
    reading: ReadingSummary | None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_conditions(user_id: int, query: CatalogueQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.status:
        conditions.append(
            exists().where(
                Reading.book_id == Book.id, Reading.user_id == user_id, Reading.status == query.status
            )
        )
    if query.shelf_id is not None:
        conditions.append(
            exists().where(book_shelves.c.book_id == Book.id, book_shelves.c.shelf_id == query.shelf_id)
        )
    if query.author:
        matching = (
            select(BookAuthor.book_id)
            .join(Author)
            .where(Author.name.ilike(_like_pattern(query.author), escape="\\"))
        )
        conditions.append(Book.id.in_(matching))
    if query.year_from is not None:
        conditions.append(Book.year >= query.year_from)
    if query.year_to is not None:
        conditions.append(Book.year <= query.year_to)
    if query.format:
        conditions.append(Book.format == query.format)
    if query.series_id is not None:
        # IN, not EXISTS: a series has a handful of books, so SQLite starts from them
        # (ix_book_series_series_position) and sorts those, instead of walking the sort
        # index through 100,000 books to find them (80 ms).
        conditions.append(
            Book.id.in_(select(BookSeries.book_id).where(BookSeries.series_id == query.series_id))
        )
    return conditions


def _ordered(statement: Select, columns: Sequence, descending: bool) -> Select:
    return statement.order_by(*[column.desc() if descending else column.asc() for column in columns])


_SORT_COLUMNS = {
    "title": (Book.sort_title, Book.id),
    "author": (Book.sort_author, Book.id),
    "year": (Book.year, Book.id),
    "added": (Book.added_at, Book.id),
}


def count_books(user_id: int, query: CatalogueQuery) -> int:
    """How many books match. With a status or shelf alone, counting that table's rows is
    the same number (one reading per reader and book, one place per shelf and book) and
    needs no look-up of each book."""
    only = {
        name
        for name in ("status", "shelf_id", "author", "year_from", "year_to", "format", "series_id")
        if getattr(query, name) not in (None, "")
    }
    if only == {"status"}:
        statement = select(func.count()).where(Reading.user_id == user_id, Reading.status == query.status)
    elif only == {"shelf_id"}:
        statement = select(func.count()).where(book_shelves.c.shelf_id == query.shelf_id)
    elif only == {"series_id"}:
        statement = select(func.count()).where(BookSeries.series_id == query.series_id)
    else:
        statement = select(func.count()).select_from(Book).where(*filter_conditions(user_id, query))
    return db.session.scalar(statement)


def page_of_ids(user_id: int, query: CatalogueQuery, offset: int, limit: int) -> list[int]:
    conditions = filter_conditions(user_id, query)
    if query.sort == "rating":
        return _rating_ids(user_id, conditions, query.descending, offset, limit)
    if query.sort == "series":
        if query.series_id is not None:
            # The join to that series' links is the filter (an EXISTS on the same table
            # would correlate away).
            others = filter_conditions(user_id, replace(query, series_id=None))
            return _one_series_ids(query.series_id, others, query.descending, offset, limit)
        return _series_ids(conditions, query.descending, offset, limit)
    columns = _SORT_COLUMNS.get(query.sort, _SORT_COLUMNS["title"])
    statement = _ordered(select(Book.id).where(*conditions), columns, query.descending)
    return list(db.session.scalars(statement.offset(offset).limit(limit)))


def _rating_ids(
    user_id: int, conditions: list[ColumnElement[bool]], descending: bool, offset: int, limit: int
) -> list[int]:
    """Rated books (best first, or worst first) and then the unrated ones by title."""
    rated = select(Reading.book_id).where(Reading.user_id == user_id, Reading.rating_halves.is_not(None))
    if conditions:
        rated = rated.join(Book, Book.id == Reading.book_id).where(*conditions)
    rated_count = db.session.scalar(select(func.count()).select_from(rated.subquery()))
    # Within one rating, by id (the order of ix_readings_user_rating): by title would sort
    # every rated book in a temporary B-tree (60 ms for 10,000 ratings).
    order = (
        (Reading.rating_halves.desc(), Reading.book_id.desc())
        if descending
        else (Reading.rating_halves.asc(), Reading.book_id.asc())
    )
    ids: list[int] = []
    if offset < rated_count:
        ids = list(db.session.scalars(rated.order_by(*order).offset(offset).limit(limit)))
    if len(ids) < limit:
        is_rated = exists().where(
            Reading.book_id == Book.id, Reading.user_id == user_id, Reading.rating_halves.is_not(None)
        )
        unrated = select(Book.id).where(~is_rated, *conditions).order_by(Book.sort_title, Book.id)
        ids += db.session.scalars(unrated.offset(max(0, offset - rated_count)).limit(limit - len(ids)))
    return ids


class OuterLoopJoin(Join):
    """An inner join whose left table SQLite must loop over outermost: ``CROSS JOIN`` is
    how SQLite lets a query fix the join order. Other databases get a plain JOIN."""

    inherit_cache = True


@compiles(OuterLoopJoin, "sqlite")
def _cross_join(join: OuterLoopJoin, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    return (
        f"{compiler.process(join.left, **kw)} CROSS JOIN {compiler.process(join.right, **kw)} "
        f"ON {compiler.process(join.onclause, **{k: v for k, v in kw.items() if k != 'asfrom'})}"
    )


def _direction(columns: Sequence, descending: bool) -> list:
    return [column.desc() if descending else column.asc() for column in columns]


def _one_series_ids(
    series_id: int, conditions: list[ColumnElement[bool]], descending: bool, offset: int, limit: int
) -> list[int]:
    """One series' books in its order: numbered ones by number (unnumbered after them,
    whichever the direction), then by title."""
    statement = (
        select(BookSeries.book_id)
        .join(Book, Book.id == BookSeries.book_id)
        .where(BookSeries.series_id == series_id, *conditions)
        .order_by(
            BookSeries.position_sort.is_(None),
            *_direction((BookSeries.position_sort, Book.sort_title, Book.id), descending),
        )
    )
    return list(db.session.scalars(statement.offset(offset).limit(limit)))


def _series_ids(
    conditions: list[ColumnElement[bool]], descending: bool, offset: int, limit: int
) -> list[int]:
    """Books in a series (each once, under the first of its series by name), in series
    and position order; then the books in no series, by title, in either direction.

    The first segment walks the series by name and each one's links by position, so
    SQLite sorts only within one series (by title among equal positions) and stops after
    the page: a deep page costs about 10 µs per link before it. The second walks
    ``ix_books_sort_title`` and probes book_series' primary key per book."""
    other_link, other_series = aliased(BookSeries), aliased(Series)
    earlier_series = (
        select(other_link.book_id)
        .join(other_series, other_series.id == other_link.series_id)
        .where(
            other_link.book_id == BookSeries.book_id,
            or_(
                other_series.sort_name < Series.sort_name,
                and_(other_series.sort_name == Series.sort_name, other_series.id < Series.id),
            ),
        )
        .exists()
    )
    # Series in name order along their index, each one's links along
    # ix_book_series_series_position: SQLite then sorts only within a series and stops
    # after the page (1 ms for the first page of 22,000 links; 120 ms when its planner
    # picks the links as the outer loop and sorts them all, as it does for a plain JOIN).
    links = OuterLoopJoin(Series.__table__, BookSeries.__table__, BookSeries.series_id == Series.id)
    in_series = (
        select(BookSeries.book_id)
        .select_from(links.join(Book.__table__, Book.id == BookSeries.book_id))
        .where(~earlier_series, *conditions)
    )
    # Each book in a series once: the distinct books of book_series (its primary key).
    counted = select(func.count(func.distinct(BookSeries.book_id)))
    if conditions:
        counted = counted.join(Book, Book.id == BookSeries.book_id).where(*conditions)
    in_series_count = db.session.scalar(counted) or 0
    ids: list[int] = []
    if offset < in_series_count:
        ordered = in_series.order_by(
            *_direction((Series.sort_name, Series.id), descending),
            BookSeries.position_sort.is_(None),
            *_direction((BookSeries.position_sort, Book.sort_title, Book.id), descending),
        )
        ids = list(db.session.scalars(ordered.offset(offset).limit(limit)))
    if len(ids) < limit:
        in_none = ~exists().where(BookSeries.book_id == Book.id)
        rest = _ordered(select(Book.id).where(in_none, *conditions), (Book.sort_title, Book.id), descending)
        ids += db.session.scalars(rest.offset(max(0, offset - in_series_count)).limit(limit - len(ids)))
    return ids


@dataclass(frozen=True)
class BookSummary:
    """What a catalogue row shows of a book, read with Core rather than the ORM: for 50
    to 200 rows, building full Book objects with their author links cost more than
    the whole query."""

    id: int
    title: str
    subtitle: str | None
    year: int | None
    format: str | None
    added_at: datetime
    cover_file: str | None
    author_names: list[str]
    #: "The Locked Tomb #1", by series name.
    series_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadingSummary:
    status: str
    rating_halves: int | None

    @property
    def rating(self) -> float | None:
        return None if self.rating_halves is None else self.rating_halves / 2


def load_rows(user_id: int, ids: Sequence[int]) -> list[CatalogueRow]:
    """The books for ``ids``, in that order, with authors and this reader's readings."""
    if not ids:
        return []
    names: dict[int, list[str]] = {book_id: [] for book_id in ids}
    for book_id, name in db.session.execute(
        select(BookAuthor.book_id, Author.name)
        .join(Author, Author.id == BookAuthor.author_id)
        .where(BookAuthor.book_id.in_(ids))
        .order_by(BookAuthor.book_id, BookAuthor.position)
    ):
        names[book_id].append(name)
    series: dict[int, list[str]] = {book_id: [] for book_id in ids}
    for book_id, name, position in db.session.execute(
        select(BookSeries.book_id, Series.name, BookSeries.position)
        .join(Series, Series.id == BookSeries.series_id)
        .where(BookSeries.book_id.in_(ids))
        .order_by(BookSeries.book_id, Series.sort_name, Series.id)
    ):
        series[book_id].append(f"{name} #{position}" if position else name)
    books = {
        row.id: BookSummary(*row, author_names=names[row.id], series_labels=tuple(series[row.id]))
        for row in db.session.execute(
            select(
                Book.id, Book.title, Book.subtitle, Book.year, Book.format, Book.added_at, Book.cover_file
            ).where(Book.id.in_(ids))
        )
    }
    readings = {
        book_id: ReadingSummary(status, rating)
        for book_id, status, rating in db.session.execute(
            select(Reading.book_id, Reading.status, Reading.rating_halves).where(
                Reading.user_id == user_id, Reading.book_id.in_(ids)
            )
        )
    }
    return [CatalogueRow(books[book_id], readings.get(book_id)) for book_id in ids if book_id in books]


def catalogue_page(user_id: int, query: CatalogueQuery, page: int, per_page: int) -> Page:
    """One page of the catalogue as :class:`CatalogueRow` items."""
    total = count_books(user_id, query)
    ids = page_of_ids(user_id, query, (page - 1) * per_page, per_page)
    return Page(items=load_rows(user_id, ids), page=page, per_page=per_page, total=total)
