"""Libib's CSV export.

One flat file for every kind of item Libib catalogues (books, movies, music, games),
read by column name, with or without the ``collection`` column newer exports have. What
each column becomes:

- ``item_type``: only books are read; a movie, an album or a game is a skipped row that
  says so (Shelfmark keeps books);
- ``ean_isbn13`` and ``upc_isbn10`` are the ISBNs. A file opened and saved in Excel has
  them as ``9.78E+12`` (the digits are gone) or, for an ISBN-10 starting with 0, as nine
  digits: both are a warning on that row and the book comes in without an ISBN. Adding
  the 0 back would be a guess, and a wrong ISBN matches someone else's book;
- ``creators`` (a comma list) are the authors; ``first_name``/``last_name`` are only the
  first one's, used when ``creators`` is empty or written "Last, First";
- ``group`` is the series (Libib has no number in the series); ``description``,
  ``publisher``, ``publish_date`` (its year), ``length`` (pages), ``price``, ``copies``
  and ``added`` go to the book;
- ``status`` (Not begun, In progress, Completed, Abandoned) with ``began`` and
  ``completed`` make the reading and its read; with no status, the dates say it, and a
  book with neither (nor a rating) has no reading;
- ``rating`` is in stars, 0 to 5 (0: unrated); ``review`` becomes a review dated
  ``review_date``; ``notes`` a private note;
- ``tags`` and the ``collection`` become shelves;
- the movie, music and game columns (``number_of_discs``, ``esrb``, ``aspect_ratio``…)
  mean nothing for a book and are left out.

Dates are ``YYYY-MM-DD``. Excel rewrites them as ``7/20/2026`` in its locale's order; that
order is not guessed: such a date is a warning and left empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from webapp.catalogue import SeriesPlace
from webapp.models import PostKind, ReadingStatus, Visibility
from webapp.models.book import COPIES_MAX
from webapp.models.limits import PAGES_MAX, PRICE_MINOR_MAX
from webapp.models.read import ReadOutcome
from webapp.partial_dates import PartialDate
from webapp.transfer import cells
from webapp.transfer.files import CsvProblem, UnreadableFile, csv_rows, header_index, header_names
from webapp.transfer.records import (
    BookRecord,
    ImportedBook,
    ImportedPost,
    ImportedRead,
    ImportedReading,
    Item,
    SkippedRow,
)

REQUIRED = ("item_type", "title", "creators")
STATUSES = {
    "not begun": ReadingStatus.WANT_TO_READ,
    "not started": ReadingStatus.WANT_TO_READ,
    "in progress": ReadingStatus.READING,
    "completed": ReadingStatus.READ,
    "abandoned": ReadingStatus.DID_NOT_FINISH,
}
BOOK_TYPES = {"", "book", "books"}
OTHER_KINDS = {"movie": "a movie", "music": "music", "game": "a game", "video game": "a video game"}
PUBLISHER_MAX = 255
SERIES_MAX = 255
#: How Excel writes a date in its locale: 7/20/2026, 20/07/26.
_SPREADSHEET_DATE = re.compile(r"^[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}$")
_PRICE = re.compile(r"^[^0-9]*(?P<amount>[0-9]+(?:[.,][0-9]{1,2})?)[^0-9]*$")


def libib_date(value: str | None, column: str) -> PartialDate | None:
    """A Libib date, and a message that names what Excel did to one it rewrote."""
    written = cells.text(value)
    if written and _SPREADSHEET_DATE.match(written):
        raise cells.CellProblem(
            f"{column} {written} was rewritten by a spreadsheet in its day and month order, "
            "which is not guessed"
        )
    return cells.partial_date(written, column)


def price_in_minor_units(value: str | None) -> int | None:
    """``12.99``, ``12,99`` or ``$12.99`` as 1299; CellProblem for what is not a price."""
    written = cells.text(value)
    if written is None:
        return None
    match = _PRICE.match(written)
    if match is None:
        raise cells.CellProblem(f"price {written[:40]} is not a price")
    try:
        minor = int(Decimal(match.group("amount").replace(",", ".")) * 100)
    except InvalidOperation:
        raise cells.CellProblem(f"price {written[:40]} is not a price") from None
    if minor > PRICE_MINOR_MAX:
        raise cells.CellProblem(f"price {written[:40]} is too large")
    return minor


class LibibSource:
    name = "libib"
    label = "Libib"
    skipped_delimiter = ","

    def sniff(self, path: Path) -> bool:
        names = set(header_names(path))
        return set(REQUIRED) <= names and bool(names & {"ean_isbn13", "upc_isbn10"})

    def skipped_header(self, path: Path) -> list[str]:
        for item in csv_rows(path):
            return [] if isinstance(item, CsvProblem) else item[1]
        return []

    def read(self, path: Path) -> Iterator[Item]:
        index: dict[str, int] | None = None
        for item in csv_rows(path):
            if isinstance(item, CsvProblem):
                yield SkippedRow(item.row, f"Row {item.row}: {item.reason}.")
                return
            number, row = item
            if index is None:
                index = header_index(row)
                missing = [column for column in REQUIRED if column not in index]
                if missing:
                    raise UnreadableFile(f"{path.name} lacks the Libib column {missing[0]}.")
                continue
            if not any(cell.strip() for cell in row):
                continue
            yield self._record(number, row, index)

    def _record(self, number: int, row: list[str], index: dict[str, int]) -> Item:
        def cell(column: str) -> str | None:
            position = index.get(column)
            return row[position] if position is not None and position < len(row) else None

        warnings: list[str] = []

        def lenient(convert, *args, **kwargs):
            try:
                return convert(*args, **kwargs)
            except cells.CellProblem as problem:
                warnings.append(f"row {number}: {problem}; left empty")
                return None

        item_type = (cells.text(cell("item_type")) or "").casefold()
        if item_type not in BOOK_TYPES:
            kind = OTHER_KINDS.get(item_type, f"an item of type {item_type[:40]}")
            return SkippedRow(number, f"The row is {kind}, not a book: Shelfmark keeps books.", row)
        title = cells.text(cell("title"))
        if not title:
            return SkippedRow(number, "The row has no title.", row)
        isbn13, isbn10 = lenient(cells.isbns, cell("ean_isbn13"), "ean_isbn13") or (None, None)
        isbn13_10, isbn10_10 = lenient(cells.isbns, cell("upc_isbn10"), "upc_isbn10") or (None, None)
        isbn13, isbn10 = isbn13 or isbn13_10, isbn10 or isbn10_10
        published = lenient(libib_date, cell("publish_date"), "publish_date")
        added = lenient(libib_date, cell("added"), "added")
        publisher = cells.text(cell("publisher"))
        series = cells.text(cell("group"))
        book = ImportedBook(
            title=title,
            authors=self._authors(cell),
            isbn13=isbn13,
            isbn10=isbn10,
            publisher=publisher[:PUBLISHER_MAX] if publisher else None,
            year=published.value.year if published else None,
            pages=lenient(cells.whole_number, cell("length"), "length", minimum=1, maximum=PAGES_MAX),
            description=cells.text(cell("description")),
            copies=lenient(cells.whole_number, cell("copies"), "copies", maximum=COPIES_MAX),
            series=[SeriesPlace(series[:SERIES_MAX])] if series else [],
            price_minor=lenient(price_in_minor_units, cell("price")),
            added_at=datetime.combine(added.value, datetime.min.time()) if added else None,
        )
        shelves = cells.split_list(cell("tags")) + cells.split_list(cell("collection"))
        rating = lenient(cells.stars, cell("rating"), "rating")
        return BookRecord(
            row=number,
            book=book,
            reading=self._reading(cell, lenient, rating, number, warnings),
            shelves=list(dict.fromkeys(shelves)),
            posts=self._posts(cell, lenient, title),
            warnings=warnings,
            cells=row,
        )

    @staticmethod
    def _authors(cell) -> list[str]:
        first, last = cells.text(cell("first_name")), cells.text(cell("last_name"))
        primary = " ".join(name for name in (first, last) if name)
        names = cells.split_names(cell("creators"))
        if first and last and names[:2] == [last, first]:
            names = [primary, *names[2:]]
        return names or ([primary] if primary else [])

    @staticmethod
    def _reading(
        cell, lenient, rating: float | None, number: int, warnings: list[str]
    ) -> ImportedReading | None:
        began = lenient(libib_date, cell("began"), "began")
        completed = lenient(libib_date, cell("completed"), "completed")
        written = " ".join((cells.text(cell("status")) or "").replace("_", " ").casefold().split())
        status = STATUSES.get(written)
        if written and status is None:
            warnings.append(f"row {number}: status {written[:40]} is not a Libib status; the dates say it")
        if status is None:
            if completed is not None or (rating is not None and began is None):
                status = ReadingStatus.READ
            elif began is not None:
                status = ReadingStatus.READING
            else:
                return None
        if status is ReadingStatus.READ:
            reads = [ImportedRead(ReadOutcome.FINISHED, began, completed)]
        elif status is ReadingStatus.READING:
            reads = [ImportedRead(ReadOutcome.IN_PROGRESS, began)]
        elif status is ReadingStatus.DID_NOT_FINISH:
            reads = [ImportedRead(ReadOutcome.DID_NOT_FINISH, began, completed)]
        else:
            reads = []
        return ImportedReading(status=status, rating=rating, reads=reads)

    @staticmethod
    def _posts(cell, lenient, title: str) -> list[ImportedPost]:
        posts = []
        review = cells.text(cell("review"))
        if review:
            reviewed = lenient(libib_date, cell("review_date"), "review_date")
            posts.append(
                ImportedPost(
                    title=f"Review of {title}",
                    body=review,
                    kind=PostKind.REVIEW,
                    created_at=datetime.combine(reviewed.value, datetime.min.time()) if reviewed else None,
                )
            )
        notes = cells.text(cell("notes"))
        if notes:
            posts.append(
                ImportedPost(
                    title=f"Notes on {title}", body=notes, kind=PostKind.NOTE, visibility=Visibility.PRIVATE
                )
            )
        return posts


SOURCE = LibibSource()
