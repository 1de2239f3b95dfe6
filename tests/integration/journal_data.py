"""Small hand-made libraries for the journal's tests, built through the models."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from webapp.models import Book, Post, Read, Reading, User
from webapp.partial_dates import PartialDate

#: The read a reading's status implies (as migration 0008 converts old readings).
_OUTCOME_OF_STATUS = {"read": "finished", "did_not_finish": "did_not_finish", "reading": "in_progress"}

#: The day the statistics dataset is looked at from: the last 12 months are Jun 2025 … May 2026.
STATISTICS_TODAY = date(2026, 5, 15)


def add_book(session: Session, title: str, pages: int | None = None, fmt: str | None = None) -> Book:
    book = Book(title=title, pages=pages, format=fmt)
    session.add(book)
    session.flush()
    return book


def add_post(session: Session, author: User, title: str, visibility: str = "private", **fields) -> Post:
    post = Post(author=author, title=title, visibility=visibility, body=fields.pop("body", ""), **fields)
    if "created_at" not in fields:
        post.created_at = datetime(2026, 1, 1, 12, 0)
    session.add(post)
    session.flush()
    return post


def _partial(when: date | PartialDate | str | None) -> PartialDate | None:
    if when is None or isinstance(when, PartialDate):
        return when
    return PartialDate.parse(when) if isinstance(when, str) else PartialDate(when)


def add_read(
    reading: Reading,
    outcome: str = "finished",
    started: date | PartialDate | str | None = None,
    ended: date | PartialDate | str | None = None,
) -> Read:
    """One more read of ``reading``; dates as ``date``, PartialDate or ``"2019-03"``."""
    read = Read(outcome=outcome)
    read.started, read.ended = _partial(started), _partial(ended)
    reading.reads.append(read)
    return read


def add_reading(
    session: Session,
    user: User,
    book: Book,
    status: str = "read",
    finished: date | PartialDate | str | None = None,
    started: date | PartialDate | str | None = None,
    **fields,
) -> Reading:
    """A reading with the one read its status implies: finished (on ``finished``), did
    not finish, or under way; *want to read* has none."""
    reading = Reading(user=user, book=book, status=status, **fields)
    if status in _OUTCOME_OF_STATUS:
        outcome = _OUTCOME_OF_STATUS[status]
        add_read(reading, outcome, started, None if outcome == "in_progress" else finished)
    session.add(reading)
    return reading


def build_statistics_dataset(session: Session) -> dict[str, int]:
    """Ada's readings, chosen so that every rule of webapp/journal/statistics.py shows:
    the window's edges, a year without books, books without pages or format, ratings on
    unfinished readings, a "read" with no date, re-reads (one known only to the year), a
    read not finished, and another reader's book that must not count. Returns the two
    users' ids."""
    ada, bob = User(username="ada", display_name="Ada"), User(username="bob", display_name="Bob")
    session.add_all([ada, bob])
    session.flush()

    readings = {}

    def read(user, title, pages, fmt, finished, rating=None, status="read", **extra):
        book = add_book(session, title, pages, fmt)
        readings[title] = add_reading(session, user, book, status, finished, rating_halves=rating, **extra)
        return book

    a = read(ada, "A", 100, "hardcover", date(2026, 5, 2), rating=8)
    read(ada, "B", 200, "paperback", date(2026, 5, 10))
    read(ada, "C", 300, "ebook", date(2026, 1, 31), rating=10)
    read(ada, "D", None, None, date(2025, 6, 1), rating=8)  # first day of the window
    read(ada, "E", 150, "paperback", date(2025, 5, 31), rating=3)  # a day before the window
    read(ada, "F", 400, "audiobook", date(2023, 7, 7))  # 2024 has nothing
    read(ada, "G", 500, "ebook", None, status="reading", progress_percent=50)
    read(ada, "H", 250, "hardcover", None, rating=2, status="did_not_finish")
    read(ada, "I", 120, "paperback", None, rating=10)  # read, but when is unknown
    # Re-reads count again, in the month they finished: F again in January 2026; D again
    # some time in 2025 (only the year is known: the year counts it, no month does).
    add_read(readings["F"], "finished", "2026-01-02", "2026-01-20")
    add_read(readings["D"], "finished", None, "2025")
    # Neither an unfinished read nor one still under way counts.
    add_read(readings["C"], "did_not_finish", "2026-03-01", "2026-03-05")
    add_reading(session, bob, a, "read", date(2026, 5, 3), rating_halves=1)
    session.commit()
    return {"ada": ada.id, "bob": bob.id}
