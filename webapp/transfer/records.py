"""What a source's file is read into, before anything touches the database.

Every importer turns its app's rows into these plain values and nothing else; the import
engine (webapp.transfer.engine) alone matches them to the library and writes them. So a
new source is a parser and its tests, and the rules for matching, merging, permissions
and undo live in one place.

A source yields, in file order, :class:`BookRecord` for each book row, :class:`SkippedRow`
for each row it cannot use (with the reason a person can act on), and, for sources that
have them (Shelfmark's own export), :class:`PostRecord`, :class:`ShelfRecord` and
:class:`GoalRecord` for things that belong to no book.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from webapp.catalogue import SeriesPlace
from webapp.models import BookFormat, PostKind, ReadingStatus, Visibility
from webapp.models.read import ReadOutcome
from webapp.partial_dates import PartialDate


@dataclass(frozen=True)
class ImportedRead:
    """One time through the book. Dates may be missing (Goodreads knows one date of a
    book read three times) or coarse (a year)."""

    outcome: ReadOutcome
    started: PartialDate | None = None
    ended: PartialDate | None = None


@dataclass
class ImportedReading:
    """The importing person's relation to the book."""

    status: ReadingStatus
    #: Stars as the source gave them (StoryGraph has quarter stars: 4.75); the engine
    #: keeps them to the nearest half star, the finest our ratings hold.
    rating: float | None = None
    reads: list[ImportedRead] = field(default_factory=list)
    progress_pages: int | None = None
    progress_percent: int | None = None
    #: None: the person's default (Settings -> Profile).
    visibility: Visibility | None = None


@dataclass
class ImportedPost:
    """A review or note. ``body`` is Markdown; HTML in it (Goodreads reviews, Calibre
    comments) is kept and sanitised as every post is."""

    title: str
    body: str
    kind: PostKind = PostKind.REVIEW
    #: None: private, as new posts are.
    visibility: Visibility | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ImportedLoan:
    borrower: str
    lent_on: date
    due_on: date | None = None
    returned_on: date | None = None
    note: str | None = None


@dataclass
class ImportedBook:
    """A catalogue entry. Text is already tidied (no ``="…"``, no surrounding blanks);
    ISBNs are normalised (digits) or None; what the source could not read is left None
    and said in the record's ``warnings``."""

    title: str
    authors: list[str] = field(default_factory=list)
    subtitle: str | None = None
    isbn13: str | None = None
    isbn10: str | None = None
    publisher: str | None = None
    year: int | None = None
    pages: int | None = None
    language: str | None = None
    format: BookFormat | None = None
    #: Markdown (HTML allowed, sanitised on display).
    description: str | None = None
    #: None: the source does not say (the engine keeps the default of 1 for new books).
    copies: int | None = None
    series: list[SeriesPlace] = field(default_factory=list)
    location: str | None = None
    price_minor: int | None = None
    currency: str | None = None
    #: The source app's own id of the book ("Book Id" in Goodreads), matched on re-import.
    source_id: str | None = None
    #: An image file on disk (a Calibre book folder's cover.jpg, a cover in Shelfmark's
    #: zip, already extracted); decoded and re-encoded as uploads are.
    cover: Path | None = None
    added_at: datetime | None = None


@dataclass
class BookRecord:
    """One row of the file that names a book, with everything it carries."""

    #: The row as a spreadsheet numbers it (the header is row 1), or the n-th book of a
    #: source without rows (a Calibre library).
    row: int
    book: ImportedBook
    reading: ImportedReading | None = None
    #: The importing person's shelves to put the book on (Goodreads shelves, Calibre tags…).
    shelves: list[str] = field(default_factory=list)
    posts: list[ImportedPost] = field(default_factory=list)
    loans: list[ImportedLoan] = field(default_factory=list)
    #: What was read with a loss, for the report: "row 7: Date Read 2019/13/01 is not a date".
    warnings: list[str] = field(default_factory=list)
    #: The row's cells as the file had them, for the "skipped rows" file if the engine
    #: has to refuse it (an ISBN another book holds, a title too long…).
    cells: list[str] = field(default_factory=list)


@dataclass
class SkippedRow:
    """A row the source cannot use at all. ``reason`` says what to fix, in one sentence."""

    row: int
    reason: str
    cells: list[str] = field(default_factory=list)


@dataclass
class PostRecord:
    """A post that belongs to no book (a journal entry), from Shelfmark's own export."""

    row: int
    post: ImportedPost


@dataclass
class ShelfRecord:
    """A shelf, so that empty shelves survive a round trip."""

    row: int
    name: str


@dataclass
class GoalRecord:
    row: int
    year: int
    target_books: int


Item = BookRecord | SkippedRow | PostRecord | ShelfRecord | GoalRecord
