"""Small hand-made libraries for the journal's tests, built through the models."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from webapp.models import Book, Post, Reading, User

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


def build_statistics_dataset(session: Session) -> dict[str, int]:
    """Ada's readings, chosen so that every rule of webapp/journal/statistics.py shows:
    the window's edges, a year without books, books without pages or format, ratings on
    unfinished readings, a "read" with no date, and another reader's book that must not
    count. Returns the two users' ids."""
    ada, bob = User(username="ada", display_name="Ada"), User(username="bob", display_name="Bob")
    session.add_all([ada, bob])
    session.flush()

    def read(user, title, pages, fmt, finished, rating=None, status="read", **extra):
        book = add_book(session, title, pages, fmt)
        session.add(
            Reading(user=user, book=book, status=status, finished_on=finished, rating_halves=rating, **extra)
        )
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
    session.add(Reading(user=bob, book=a, status="read", finished_on=date(2026, 5, 3), rating_halves=1))
    session.commit()
    return {"ada": ada.id, "bob": bob.id}
