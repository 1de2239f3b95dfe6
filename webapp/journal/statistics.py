"""Reading statistics for the dashboard, computed by the database.

Every figure is one aggregate query (GROUP BY over the user's readings), so the cost
grows with the number of groups, not with the size of the library. Dates are taken
apart with SQLAlchemy's ``extract``, which SQLite renders as ``strftime`` and
PostgreSQL as ``EXTRACT``: the same code is correct on both.

What counts as "a book read": a finished read with an end date. A re-read counts again,
in the month it finished. A read whose end is known only to the year counts in that
year's figures and in none of its months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select

from webapp.extensions import db
from webapp.models import Book, BookFormat, Read, Reading, ReadingGoal, ReadOutcome
from webapp.partial_dates import DatePrecision

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FORMAT_LABELS = {
    BookFormat.HARDCOVER: "Hardcover",
    BookFormat.PAPERBACK: "Paperback",
    BookFormat.EBOOK: "E-book",
    BookFormat.AUDIOBOOK: "Audiobook",
}
UNKNOWN_FORMAT = "Not recorded"


@dataclass(frozen=True)
class MonthTotals:
    year: int
    month: int
    books: int
    pages: int

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def short_label(self) -> str:
        return MONTH_NAMES[self.month - 1]


@dataclass(frozen=True)
class GoalProgress:
    year: int
    target: int | None
    done: int

    @property
    def percent(self) -> int:
        """Capped at 100 for the bar; the text says when a goal was beaten."""
        if not self.target:
            return 0
        return min(100, round(100 * self.done / self.target))


def _finished(user_id: int) -> tuple[ColumnElement[bool], ...]:
    """The WHERE clauses of "reads this user finished" over ``Read`` joined to its
    ``Reading`` (see the module docstring)."""
    return (
        Reading.user_id == user_id,
        Read.outcome == ReadOutcome.FINISHED,
        Read.ended_on.is_not(None),
    )


def _month_known() -> ColumnElement[bool]:
    return Read.ended_precision != DatePrecision.YEAR


def finished_reads():
    """``SELECT … FROM reads JOIN readings``: the base of every figure here."""
    return select().select_from(Read).join(Reading, Reading.id == Read.reading_id)


def month_start(today: date, months_back: int) -> tuple[int, int]:
    """(year, month) of the month ``months_back`` months before ``today``'s."""
    index = today.year * 12 + (today.month - 1) - months_back
    return index // 12, index % 12 + 1


def last_twelve_months(user_id: int, today: date) -> list[MonthTotals]:
    """Books finished and their pages in each of the 12 months up to ``today``'s, oldest
    first, months without a finished book included as zeros."""
    first_year, first_month = month_start(today, 11)
    year = func.extract("year", Read.ended_on)
    month = func.extract("month", Read.ended_on)
    rows = db.session.execute(
        finished_reads()
        .add_columns(year, month, func.count(Read.id), func.coalesce(func.sum(Book.pages), 0))
        .join(Book, Book.id == Reading.book_id)
        .where(*_finished(user_id), _month_known())
        .where(Read.ended_on >= date(first_year, first_month, 1))
        .where(Read.ended_on <= today)
        .group_by(year, month)
    ).all()
    found = {(int(y), int(m)): (int(books), int(pages)) for y, m, books, pages in rows}
    months = []
    for back in range(11, -1, -1):
        y, m = month_start(today, back)
        books, pages = found.get((y, m), (0, 0))
        months.append(MonthTotals(y, m, books, pages))
    return months


def books_per_year(user_id: int) -> list[tuple[int, int]]:
    """(year, books finished) for every year from the first finish to the last, gaps as zeros."""
    year = func.extract("year", Read.ended_on)
    rows = db.session.execute(
        finished_reads().add_columns(year, func.count(Read.id)).where(*_finished(user_id)).group_by(year)
    ).all()
    found = {int(y): int(count) for y, count in rows}
    if not found:
        return []
    return [(y, found.get(y, 0)) for y in range(min(found), max(found) + 1)]


def ratings_distribution(user_id: int) -> list[tuple[float, int]]:
    """(stars, how many readings have that rating) for every half star 0.5 … 5, zeros included."""
    rows = db.session.execute(
        select(Reading.rating_halves, func.count(Reading.id))
        .where(Reading.user_id == user_id, Reading.rating_halves.is_not(None))
        .group_by(Reading.rating_halves)
    ).all()
    found = {int(halves): int(count) for halves, count in rows}
    return [(halves / 2, found.get(halves, 0)) for halves in range(1, 11)]


def formats_read(user_id: int) -> list[tuple[str, int]]:
    """(format, books finished in it), in the order of BookFormat, unrecorded last; only
    formats that occur."""
    rows = db.session.execute(
        finished_reads()
        .add_columns(Book.format, func.count(Read.id))
        .join(Book, Book.id == Reading.book_id)
        .where(*_finished(user_id))
        .group_by(Book.format)
    ).all()
    found = {fmt: int(count) for fmt, count in rows}
    shown = [(label, found[fmt.value]) for fmt, label in FORMAT_LABELS.items() if found.get(fmt.value)]
    if found.get(None):
        shown.append((UNKNOWN_FORMAT, found[None]))
    return shown


def goal_progress(user_id: int, year: int) -> GoalProgress:
    target = db.session.scalar(
        select(ReadingGoal.target_books).where(ReadingGoal.user_id == user_id, ReadingGoal.year == year)
    )
    done = db.session.scalar(
        finished_reads()
        .add_columns(func.count(Read.id))
        .where(*_finished(user_id))
        .where(Read.ended_on >= date(year, 1, 1), Read.ended_on <= date(year, 12, 31))
    )
    return GoalProgress(year=year, target=target, done=int(done or 0))
