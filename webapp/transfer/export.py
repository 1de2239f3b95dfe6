"""The library out: Shelfmark's own zip, a Goodreads-compatible CSV, a plain CSV.

- **shelfmark**: a zip of ``library.json`` and ``covers/``, everything the library holds
  (the schema is docs/export-format.md). Shelfmark's own importer
  (webapp.transfer.sources.shelfmark) reads it back, and exporting the library it made
  gives the same ``library.json``.
- **goodreads**: Goodreads' current 24-column library export, written as Goodreads
  writes it (``="…"`` ISBNs, ``YYYY/MM/DD`` dates, the series in the title), because
  StoryGraph, BookWyrm and Hardcover all read that file. One reader's books: it has
  no place for anyone else's.
- **csv**: one row per book of the catalogue, with the exporting reader's status and
  rating, for a spreadsheet. UTF-8 with a BOM, the one thing that makes Excel read
  UTF-8; the Goodreads file has none, as Goodreads' own has none.

Every CSV cell goes through webapp.transfer.csv_safety.neutralise, except the
deliberate ``="…"`` around an ISBN, which holds digits (and X) only.

Everything is streamed: books are read a chunk at a time by id, their authors, series,
readings and loans loaded for the chunk, and the session let go of before the next, so
a 100,000-book library exports in the memory of one chunk (plus a number per book, for
shelves and posts to name their books by).

Whose things go in: ``everything=True`` (the desktop, administrators) every person's
readings, posts, shelves and goals, and every loan; ``everything=False`` (a member of a
server) the whole catalogue plus only their own readings, posts, shelves and goals, and
the loans they recorded.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload

from webapp import clock
from webapp.covers import cover_path
from webapp.extensions import db
from webapp.isbn import isbn10_to_isbn13, isbn13_to_isbn10
from webapp.markdown import render_markdown
from webapp.models import (
    Book,
    BookAuthor,
    BookSeries,
    BookSource,
    Loan,
    Post,
    PostKind,
    Reading,
    ReadingGoal,
    ReadingStatus,
    Shelf,
    User,
    book_shelves,
)
from webapp.partial_dates import PartialDate
from webapp.transfer.csv_safety import neutralise
from webapp.version import __version__

EXPORT_FORMATS = ("shelfmark", "goodreads", "csv")
FORMAT_VERSION = 1
LIBRARY_JSON = "library.json"
COVERS_FOLDER = "covers"
CHUNK = 500

_MEDIA_TYPES = {"shelfmark": "application/zip", "goodreads": "text/csv", "csv": "text/csv"}
_FILE_NAMES = {
    "shelfmark": "shelfmark-export-{day}.zip",
    "goodreads": "goodreads_library_export-{day}.csv",
    "csv": "shelfmark-catalogue-{day}.csv",
}

GOODREADS_HEADER = (
    "Book Id",
    "Title",
    "Author",
    "Author l-f",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Average Rating",
    "Publisher",
    "Binding",
    "Number of Pages",
    "Year Published",
    "Original Publication Year",
    "Date Read",
    "Date Added",
    "Bookshelves",
    "Bookshelves with positions",
    "Exclusive Shelf",
    "My Review",
    "Spoiler",
    "Private Notes",
    "Read Count",
    "Owned Copies",
)
GOODREADS_BINDINGS = {
    "hardcover": "Hardcover",
    "paperback": "Paperback",
    "ebook": "Kindle Edition",
    "audiobook": "Audiobook",
}
GOODREADS_SHELVES = {
    ReadingStatus.READ: "read",
    ReadingStatus.READING: "currently-reading",
    ReadingStatus.WANT_TO_READ: "to-read",
    ReadingStatus.DID_NOT_FINISH: "did-not-finish",
}
PLAIN_HEADER = (
    "Title",
    "Subtitle",
    "Authors",
    "Series",
    "ISBN-13",
    "ISBN-10",
    "Publisher",
    "Year",
    "Pages",
    "Language",
    "Format",
    "Copies",
    "Location",
    "Price",
    "Currency",
    "Added",
    "Status",
    "Rating",
    "Times read",
    "Last finished",
    "Shelves",
)
_NAME_PARTICLES = {"le", "de", "van", "von", "du", "da", "di", "la"}


class UnknownExportFormat(ValueError):
    pass


def media_type(format: str) -> str:
    _check(format)
    return _MEDIA_TYPES[format]


def export_file_name(format: str, today: date | None = None) -> str:
    """``shelfmark-export-2026-12-04.zip`` and the like: what a download is saved as."""
    _check(format)
    return _FILE_NAMES[format].format(day=(today or clock.today()).isoformat())


def _check(format: str) -> None:
    if format not in EXPORT_FORMATS:
        raise UnknownExportFormat(
            f"There is no export format {format!r} (choose {', '.join(EXPORT_FORMATS)})."
        )


def write_export(format: str, out: BinaryIO, user: User, *, everything: bool, data_dir: Path) -> None:
    """Write the export of ``format`` for ``user`` to ``out`` (see the module docstring
    for ``everything``). Reads only; the session is left empty of what it loaded."""
    _check(format)
    person = _Person(user.id, user.username)
    try:
        if format == "shelfmark":
            _write_shelfmark(out, person, everything=everything, data_dir=Path(data_dir))
        elif format == "goodreads":
            _write_csv(out, _goodreads_rows(person), bom=False)
        else:
            _write_csv(out, _plain_rows(person), bom=True)
    finally:
        db.session.rollback()


class _Person:
    """The exporting user as plain values: the session is emptied between chunks."""

    def __init__(self, user_id: int, username: str) -> None:
        self.id = user_id
        self.username = username


# -- reading the library a chunk at a time ---------------------------------------------


def _book_chunks(*where: ColumnElement[bool]) -> Iterator[list[Book]]:
    """Books by id, CHUNK at a time, with their authors and series loaded."""
    last_id = 0
    while True:
        books = list(
            db.session.scalars(
                select(Book)
                .where(Book.id > last_id, *where)
                .order_by(Book.id)
                .limit(CHUNK)
                .options(
                    selectinload(Book.author_links).selectinload(BookAuthor.author),
                    selectinload(Book.series_links).selectinload(BookSeries.series),
                )
            )
        )
        if not books:
            return
        yield books
        last_id = books[-1].id
        db.session.expunge_all()


def _readings_of(book_ids: list[int], user_id: int | None) -> dict[int, list[Reading]]:
    query = (
        select(Reading)
        .where(Reading.book_id.in_(book_ids))
        .options(selectinload(Reading.reads), selectinload(Reading.user))
    )
    if user_id is not None:
        query = query.where(Reading.user_id == user_id)
    found: dict[int, list[Reading]] = defaultdict(list)
    for reading in db.session.scalars(query):
        found[reading.book_id].append(reading)
    for readings in found.values():
        readings.sort(key=lambda reading: reading.user.username)
    return found


def _loans_of(book_ids: list[int], user_id: int | None) -> dict[int, list[Loan]]:
    query = (
        select(Loan)
        .where(Loan.book_id.in_(book_ids))
        .order_by(Loan.lent_on, Loan.id)
        .options(selectinload(Loan.recorded_by))
    )
    if user_id is not None:
        query = query.where(Loan.recorded_by_id == user_id)
    found: dict[int, list[Loan]] = defaultdict(list)
    for loan in db.session.scalars(query):
        found[loan.book_id].append(loan)
    return found


def _shelf_names_of(book_ids: list[int], user_id: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        select(book_shelves.c.book_id, Shelf.name)
        .join(Shelf, Shelf.id == book_shelves.c.shelf_id)
        .where(book_shelves.c.book_id.in_(book_ids), Shelf.owner_id == user_id)
        .order_by(Shelf.name)
    )
    for book_id, name in rows:
        found[book_id].append(name)
    return found


def _iso(moment: datetime | None) -> str | None:
    """Naive UTC (as stored) written with its ``Z``."""
    return None if moment is None else moment.isoformat() + "Z"


def _partial(when: PartialDate | None) -> str | None:
    return None if when is None else when.iso()


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


# -- Shelfmark's own zip ---------------------------------------------------------------


def _write_shelfmark(out: BinaryIO, person: _Person, *, everything: bool, data_dir: Path) -> None:
    only = None if everything else person.id
    covers: list[tuple[str, Path]] = []
    refs: dict[int, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(LIBRARY_JSON, "w", force_zip64=True) as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            _write_library_json(stream, person, only, data_dir, covers, refs)
            stream.flush()
            stream.detach()
        for member, path in covers:
            # Covers are JPEG, PNG, WebP or GIF: compressed already.
            archive.write(path, member, compress_type=zipfile.ZIP_STORED)


def _write_library_json(
    stream: io.TextIOWrapper,
    person: _Person,
    only: int | None,
    data_dir: Path,
    covers: list[tuple[str, Path]],
    refs: dict[int, int],
) -> None:
    header = {
        "format": "shelfmark",
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "exported_at": _iso(datetime.now(UTC).replace(tzinfo=None)),
        "exported_by": person.username,
        "everything": only is None,
    }
    stream.write("{\n")
    for key, value in header.items():
        stream.write(f"{json.dumps(key)}: {_dump(value)},\n")
    users = select(User).order_by(User.username)
    if only is not None:
        users = users.where(User.id == only)
    _write_list(
        stream,
        "users",
        (
            {"username": user.username, "display_name": user.display_name}
            for user in db.session.scalars(users)
        ),
    )
    stream.write(",\n")
    _write_list(stream, "books", _book_entries(person, only, data_dir, covers, refs))
    stream.write(",\n")
    _write_list(stream, "authors", _author_entries())
    stream.write(",\n")
    _write_list(stream, "series", _series_entries(refs))
    stream.write(",\n")
    _write_list(stream, "shelves", _shelf_entries(only, refs))
    stream.write(",\n")
    _write_list(stream, "posts", _post_entries(only, refs))
    stream.write(",\n")
    _write_list(stream, "goals", _goal_entries(only))
    stream.write("\n}\n")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _write_list(stream: io.TextIOWrapper, key: str, entries: Iterator[dict]) -> None:
    """``"key": [`` then one entry per line: a file a person (or ``grep``) can read."""
    stream.write(f"{json.dumps(key)}: [")
    first = True
    for entry in entries:
        stream.write("\n  " if first else ",\n  ")
        stream.write(_dump(entry))
        first = False
    stream.write("]" if first else "\n]")


def _book_entries(
    person: _Person, only: int | None, data_dir: Path, covers: list[tuple[str, Path]], refs: dict[int, int]
) -> Iterator[dict]:
    for books in _book_chunks():
        ids = [book.id for book in books]
        readings = _readings_of(ids, only)
        loans = _loans_of(ids, only)
        for book in books:
            ref = refs[book.id] = len(refs) + 1
            cover = None
            stored = cover_path(data_dir, book.cover_file)
            if stored is not None:
                cover = f"{COVERS_FOLDER}/{ref}{stored.suffix.lower()}"
                covers.append((cover, stored))
            yield {
                "ref": ref,
                "title": book.title,
                "subtitle": book.subtitle,
                "authors": book.author_names,
                "series": [
                    {"name": link.series.name, "position": link.position}
                    for link in sorted(book.series_links, key=lambda link: link.series.sort_name)
                ],
                "isbn13": book.isbn13,
                "isbn10": book.isbn10,
                "publisher": book.publisher,
                "year": book.year,
                "pages": book.pages,
                "language": book.language,
                "format": book.format,
                "copies": book.copies,
                "location": book.location,
                "price_minor": book.price_minor,
                "currency": book.currency,
                "description": book.description,
                "cover": cover,
                "added_at": _iso(book.added_at),
                "readings": [_reading_entry(reading) for reading in readings.get(book.id, [])],
                "loans": [_loan_entry(loan) for loan in loans.get(book.id, [])],
            }


def _reading_entry(reading: Reading) -> dict:
    return {
        "user": reading.user.username,
        "status": reading.status,
        "rating": reading.rating,
        "progress_pages": reading.progress_pages,
        "progress_percent": reading.progress_percent,
        "visibility": reading.visibility,
        "reads": [
            {"outcome": read.outcome, "started": _partial(read.started), "ended": _partial(read.ended)}
            for read in sorted(reading.reads, key=lambda read: read.id)
        ],
    }


def _loan_entry(loan: Loan) -> dict:
    return {
        "borrower": loan.borrower,
        "lent_on": _day(loan.lent_on),
        "due_on": _day(loan.due_on),
        "returned_on": _day(loan.returned_on),
        "note": loan.note,
        "recorded_by": loan.recorded_by.username if loan.recorded_by else None,
    }


def _author_entries() -> Iterator[dict]:
    """The authors of the books (an author without books is not kept by the library's
    forms either); for readers of the file: the importer takes them from the books."""
    from webapp.models import Author

    query = (
        select(Author.name, Author.sort_name)
        .where(Author.id.in_(select(BookAuthor.author_id)))
        .order_by(Author.sort_name, Author.name)
    )
    for name, sort_name in db.session.execute(query):
        yield {"name": name, "sort_name": sort_name}


def _series_entries(refs: dict[int, int]) -> Iterator[dict]:
    from webapp.models import Series

    rows = db.session.execute(
        select(Series.name, BookSeries.book_id, BookSeries.position)
        .join(BookSeries, BookSeries.series_id == Series.id)
        .order_by(Series.sort_name, Series.name, BookSeries.position_sort, BookSeries.book_id)
    )
    current: dict | None = None
    for name, book_id, position in rows:
        if current is None or current["name"] != name:
            if current is not None:
                yield current
            current = {"name": name, "books": []}
        current["books"].append({"book": refs[book_id], "position": position})
    if current is not None:
        yield current


def _shelf_entries(only: int | None, refs: dict[int, int]) -> Iterator[dict]:
    query = (
        select(Shelf.id, Shelf.name, User.username)
        .join(User, User.id == Shelf.owner_id)
        .order_by(User.username, Shelf.name)
    )
    if only is not None:
        query = query.where(Shelf.owner_id == only)
    for shelf_id, name, username in db.session.execute(query).all():
        book_ids = db.session.scalars(
            select(book_shelves.c.book_id).where(book_shelves.c.shelf_id == shelf_id)
        )
        yield {"user": username, "name": name, "books": sorted(refs[book_id] for book_id in book_ids)}


def _post_entries(only: int | None, refs: dict[int, int]) -> Iterator[dict]:
    last: tuple[datetime, int] | None = None
    while True:
        query = (
            select(Post, User.username)
            .join(User, User.id == Post.author_id)
            .order_by(Post.created_at, Post.id)
            .limit(CHUNK)
        )
        if only is not None:
            query = query.where(Post.author_id == only)
        if last is not None:
            query = query.where(
                or_(Post.created_at > last[0], (Post.created_at == last[0]) & (Post.id > last[1]))
            )
        rows = db.session.execute(query).all()
        if not rows:
            return
        for post, username in rows:
            yield {
                "user": username,
                "book": refs.get(post.book_id) if post.book_id else None,
                "title": post.title,
                "body": post.body,
                "kind": post.kind,
                "visibility": post.visibility,
                "created_at": _iso(post.created_at),
                "updated_at": _iso(post.updated_at),
            }
        last = (rows[-1][0].created_at, rows[-1][0].id)
        db.session.expunge_all()


def _goal_entries(only: int | None) -> Iterator[dict]:
    query = (
        select(User.username, ReadingGoal.year, ReadingGoal.target_books)
        .join(User, User.id == ReadingGoal.user_id)
        .order_by(User.username, ReadingGoal.year)
    )
    if only is not None:
        query = query.where(ReadingGoal.user_id == only)
    for username, year, target in db.session.execute(query):
        yield {"user": username, "year": year, "target_books": target}


# -- CSV -------------------------------------------------------------------------------


class _Isbn(str):
    """An ISBN cell written ``="…"`` on purpose (digits and X only, so nothing to run)."""


def _write_csv(out: BinaryIO, rows: Iterator[list[str]], *, bom: bool) -> None:
    stream = io.TextIOWrapper(out, encoding="utf-8-sig" if bom else "utf-8", newline="")
    try:
        writer = csv.writer(stream, lineterminator="\n")
        for row in rows:
            writer.writerow([cell if isinstance(cell, _Isbn) else neutralise(cell) for cell in row])
        stream.flush()
    finally:
        stream.detach()


def _excel_isbn(value: str | None) -> str:
    if not value:
        return _Isbn('=""')
    if not value.isalnum():  # the model keeps digits (and X); never wrap anything else
        return neutralise(value)
    return _Isbn(f'="{value}"')


def _stars(reading: Reading | None) -> str:
    if reading is None or reading.rating is None:
        return ""
    stars = reading.rating
    return str(int(stars)) if stars == int(stars) else str(stars)


def _slash_date(when: PartialDate | date | None) -> str:
    """Goodreads' ``2019/03/20``; a month or a year known alone stays ``2019/03``, ``2019``."""
    if when is None:
        return ""
    if isinstance(when, date):
        return when.strftime("%Y/%m/%d")
    return when.iso().replace("-", "/")


def _last_name_first(name: str) -> str:
    """Goodreads' "Author l-f": ``Le Guin, Ursula K.``."""
    if "," in name:
        return name
    parts = name.split()
    start = len(parts) - 1
    while start > 0 and parts[start - 1].lower() in _NAME_PARTICLES:
        start -= 1
    if start <= 0:
        return name
    return f"{' '.join(parts[start:])}, {' '.join(parts[:start])}"


def _title_with_series(book: Book) -> str:
    """Goodreads writes the series into the title: ``Gideon the Ninth (The Locked Tomb, #1)``."""
    placed = [link for link in book.series_links if link.position]
    if not placed:
        return book.title
    first = min(placed, key=lambda link: link.series.sort_name)
    return f"{book.title} ({first.series.name}, #{first.position})"


def _users_books(user_id: int) -> ColumnElement[bool]:
    """The books on a reader's Goodreads shelves: those with their reading or shelf place."""
    return or_(
        Book.id.in_(select(Reading.book_id).where(Reading.user_id == user_id)),
        Book.id.in_(
            select(book_shelves.c.book_id)
            .join(Shelf, Shelf.id == book_shelves.c.shelf_id)
            .where(Shelf.owner_id == user_id)
        ),
    )


def _posts_by_kind(book_ids: list[int], user_id: int) -> dict[int, dict[str, Post]]:
    """The reader's first review and first note of each book."""
    found: dict[int, dict[str, Post]] = defaultdict(dict)
    query = (
        select(Post)
        .where(
            Post.book_id.in_(book_ids),
            Post.author_id == user_id,
            Post.kind.in_([PostKind.REVIEW, PostKind.NOTE]),
        )
        .order_by(Post.created_at, Post.id)
    )
    for post in db.session.scalars(query):
        found[post.book_id].setdefault(post.kind, post)
    return found


def _goodreads_ids(book_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(BookSource.book_id, BookSource.source_id).where(
            BookSource.book_id.in_(book_ids), BookSource.source == "goodreads"
        )
    )
    return dict(rows.all())


def _goodreads_rows(person: _Person) -> Iterator[list[str]]:
    yield list(GOODREADS_HEADER)
    for books in _book_chunks(_users_books(person.id)):
        ids = [book.id for book in books]
        readings = _readings_of(ids, person.id)
        shelves = _shelf_names_of(ids, person.id)
        posts = _posts_by_kind(ids, person.id)
        goodreads_ids = _goodreads_ids(ids)
        for book in books:
            reading = next(iter(readings.get(book.id, [])), None)
            yield _goodreads_row(
                book, reading, shelves.get(book.id, []), posts.get(book.id, {}), goodreads_ids
            )


def _goodreads_row(
    book: Book, reading: Reading | None, shelves: list[str], posts: dict[str, Post], ids: dict[int, str]
) -> list[str]:
    authors = book.author_names
    status = ReadingStatus(reading.status) if reading else ReadingStatus.WANT_TO_READ
    finished = reading.finished_reads if reading else []
    # Date Read: the last finished read's end (a did-not-finish: when it was put down).
    ended = [read.ended for read in (reading.history if reading else []) if read.ended is not None]
    if status is not ReadingStatus.DID_NOT_FINISH:
        ended = [read.ended for read in finished if read.ended is not None]
    date_read = ended[-1] if ended else None
    review, note = posts.get(PostKind.REVIEW), posts.get(PostKind.NOTE)
    exclusive = GOODREADS_SHELVES[status]
    return [
        ids.get(book.id, ""),
        _title_with_series(book),
        authors[0] if authors else "",
        _last_name_first(authors[0]) if authors else "",
        ", ".join(authors[1:]),
        _excel_isbn(book.isbn10 or (book.isbn13 and isbn13_to_isbn10(book.isbn13))),
        _excel_isbn(book.isbn13 or (book.isbn10 and isbn10_to_isbn13(book.isbn10))),
        _stars(reading) or "0",
        "",
        book.publisher or "",
        GOODREADS_BINDINGS.get(book.format or "", ""),
        str(book.pages or ""),
        str(book.year or "") if book.year and book.year > 0 else "",
        "",
        _slash_date(date_read),
        _slash_date(book.added_at.date() if book.added_at else None),
        ", ".join(shelves),
        ", ".join(shelves),
        exclusive,
        str(render_markdown(review.body)) if review else "",
        "",
        note.body if note else "",
        str(len(finished)),
        str(book.copies),
    ]


def _plain_rows(person: _Person) -> Iterator[list[str]]:
    yield list(PLAIN_HEADER)
    for books in _book_chunks():
        ids = [book.id for book in books]
        readings = _readings_of(ids, person.id)
        shelves = _shelf_names_of(ids, person.id)
        for book in books:
            reading = next(iter(readings.get(book.id, [])), None)
            last = reading.last_finished if reading else None
            yield [
                book.title,
                book.subtitle or "",
                "; ".join(book.author_names),
                "; ".join(
                    link.label for link in sorted(book.series_links, key=lambda place: place.series.sort_name)
                ),
                _excel_isbn(book.isbn13) if book.isbn13 else "",
                _excel_isbn(book.isbn10) if book.isbn10 else "",
                book.publisher or "",
                "" if book.year is None else str(book.year),
                "" if book.pages is None else str(book.pages),
                book.language or "",
                book.format or "",
                str(book.copies),
                book.location or "",
                "" if book.price_minor is None else f"{book.price_minor / 100:.2f}",
                book.currency or "",
                book.added_at.date().isoformat() if book.added_at else "",
                ReadingStatus(reading.status).label if reading else "",
                _stars(reading),
                str(reading.times_read) if reading else "",
                last.ended.iso() if last and last.ended else "",
                "; ".join(shelves.get(book.id, [])),
            ]


__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_VERSION",
    "UnknownExportFormat",
    "export_file_name",
    "media_type",
    "write_export",
]
