from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.extensions import db
from webapp.isbn import InvalidISBN, normalize_isbn10, normalize_isbn13
from webapp.models.common import enum_check, enum_column_type, utcnow

if TYPE_CHECKING:
    from webapp.models.loan import Loan
    from webapp.models.post import Post
    from webapp.models.reading import Reading
    from webapp.models.series import BookSeries
    from webapp.models.shelf import Shelf

#: More copies than a household could shelve is a typo (and a bound for the integer column).
COPIES_MAX = 999


class BookFormat(enum.StrEnum):
    HARDCOVER = "hardcover"
    PAPERBACK = "paperback"
    EBOOK = "ebook"
    AUDIOBOOK = "audiobook"


book_shelves = Table(
    "book_shelves",
    db.metadata,
    Column("book_id", ForeignKey("books.id", ondelete="CASCADE"), primary_key=True),
    Column("shelf_id", ForeignKey("shelves.id", ondelete="CASCADE"), primary_key=True),
    Column("added_at", db.DateTime, nullable=False, default=utcnow),
    Index("ix_book_shelves_shelf_id", "shelf_id"),
)

_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def sort_key_for_title(title: str) -> str:
    """Libraries file "The Hobbit" under H; so does our title sort."""
    return _LEADING_ARTICLE.sub("", title.strip()).casefold()[:255]


def sort_key_for_author(name: str) -> str:
    """ "Ursula K. Le Guin" sorts as "le guin ursula k."; a comma name is taken as given."""
    name = " ".join(name.split())
    if "," in name:
        return name.casefold()
    parts = name.split(" ")
    surname_start = len(parts) - 1
    while surname_start > 0 and parts[surname_start - 1].lower() in {
        "le",
        "de",
        "van",
        "von",
        "du",
        "da",
        "di",
        "la",
    }:
        surname_start -= 1
    return " ".join(parts[surname_start:] + parts[:surname_start]).casefold()


class Author(db.Model):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    sort_name: Mapped[str] = mapped_column(String(255), index=True)

    book_links: Mapped[list[BookAuthor]] = relationship(
        back_populates="author", cascade="all, delete-orphan", passive_deletes=True
    )

    def __init__(self, name: str) -> None:
        self.name = " ".join(name.split())
        self.sort_name = sort_key_for_author(self.name)

    def __repr__(self) -> str:
        return f"<Author {self.name!r}>"


class BookAuthor(db.Model):
    """Authorship with its order: the first author is the one a book is filed under."""

    __tablename__ = "book_authors"
    __table_args__ = (Index("ix_book_authors_author_id", "author_id"),)

    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    book: Mapped[Book] = relationship(back_populates="author_links")
    author: Mapped[Author] = relationship(back_populates="book_links")


class Book(db.Model):
    """A catalogue entry of the shared library."""

    __tablename__ = "books"
    __table_args__ = (
        enum_check("format", BookFormat, "format"),
        CheckConstraint("pages IS NULL OR pages > 0", name="pages_positive"),
        CheckConstraint("year IS NULL OR (year >= -3000 AND year <= 9999)", name="year_range"),
        CheckConstraint("price_minor IS NULL OR price_minor >= 0", name="price_not_negative"),
        CheckConstraint("isbn13 IS NULL OR length(isbn13) = 13", name="isbn13_length"),
        CheckConstraint("isbn10 IS NULL OR length(isbn10) = 10", name="isbn10_length"),
        CheckConstraint("copies >= 0", name="copies_not_negative"),
        Index("ix_books_sort_title", "sort_title", "id"),
        Index("ix_books_added_at", "added_at", "id"),
        Index("ix_books_year", "year", "id"),
        Index("ix_books_format", "format", "year", "id"),
        Index("ix_books_sort_author", "sort_author", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    sort_title: Mapped[str] = mapped_column(String(255))
    subtitle: Mapped[str | None] = mapped_column(String(500))
    #: The first author's sort name, kept by :meth:`set_authors`: sorting 100,000 books by
    #: author through the join costs a temporary B-tree every time; this column has an index.
    sort_author: Mapped[str | None] = mapped_column(String(255))
    isbn13: Mapped[str | None] = mapped_column(String(13), unique=True)
    isbn10: Mapped[str | None] = mapped_column(String(10), unique=True)
    publisher: Mapped[str | None] = mapped_column(String(255))
    year: Mapped[int | None]
    pages: Mapped[int | None]
    language: Mapped[str | None] = mapped_column(String(35))
    format: Mapped[str | None] = mapped_column(enum_column_type(BookFormat))
    #: Money in minor units (cents) so sums are exact; currency is ISO 4217.
    price_minor: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    #: Where the book stands, e.g. "Study, shelf 3".
    location: Mapped[str | None] = mapped_column(String(255))
    #: Markdown, rendered and sanitised as posts are (imported HTML goes through the same).
    description: Mapped[str | None] = mapped_column(Text)
    #: How many copies the household owns; 0 = not owned (a wish, a library book).
    copies: Mapped[int] = mapped_column(default=1, server_default="1")
    #: File name inside the data directory's covers/ folder; never a user-given path.
    cover_file: Mapped[str | None] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author_links: Mapped[list[BookAuthor]] = relationship(
        back_populates="book",
        order_by="BookAuthor.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    authors: AssociationProxy[list[Author]] = association_proxy("author_links", "author")
    shelves: Mapped[list[Shelf]] = relationship(
        secondary=book_shelves, back_populates="books", passive_deletes=True
    )
    readings: Mapped[list[Reading]] = relationship(
        back_populates="book", cascade="all, delete-orphan", passive_deletes=True
    )
    posts: Mapped[list[Post]] = relationship(back_populates="book", passive_deletes=True)
    series_links: Mapped[list[BookSeries]] = relationship(
        back_populates="book", cascade="all, delete-orphan", passive_deletes=True
    )
    loans: Mapped[list[Loan]] = relationship(
        back_populates="book",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Loan.lent_on.desc(), Loan.id.desc())",
    )

    @validates("title")
    def _keep_sort_title(self, _key: str, title: str) -> str:
        title = title.strip()
        self.sort_title = sort_key_for_title(title)
        return title

    @validates("isbn13")
    def _normalise_isbn13(self, _key: str, value: str | None) -> str | None:
        return normalize_isbn13(value) if value else None

    @validates("isbn10")
    def _normalise_isbn10(self, _key: str, value: str | None) -> str | None:
        return normalize_isbn10(value) if value else None

    def set_authors(self, authors: list[Author]) -> None:
        """Replace the authors, keeping the order given (duplicates dropped)."""
        unique = list(dict.fromkeys(authors))
        existing = {link.author: link for link in self.author_links}
        links = []
        for position, author in enumerate(unique):
            link = existing.get(author) or BookAuthor(author=author)
            link.position = position
            links.append(link)
        self.author_links = links
        self.sort_author = unique[0].sort_name if unique else None

    @property
    def author_names(self) -> list[str]:
        return [link.author.name for link in self.author_links]

    @property
    def open_loans(self) -> list[Loan]:
        return [loan for loan in self.loans if loan.returned_on is None]

    @property
    def copies_at_home(self) -> int:
        return max(0, self.copies - len(self.open_loans))

    def __repr__(self) -> str:
        return f"<Book {self.id} {self.title!r}>"


__all__ = ["COPIES_MAX", "Author", "Book", "BookAuthor", "BookFormat", "InvalidISBN", "book_shelves"]
