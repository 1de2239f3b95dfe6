"""Goodreads' library export (``goodreads_library_export.csv``).

Both headers Goodreads has written are read by column name, so the current 24-column
file and the older 31-column one (with ``Condition``, ``Recommended For`` and the like)
need no separate code. What each column becomes:

- ``ISBN``/``ISBN13`` come wrapped as ``="0441013597"`` (empty: ``=""``);
- dates are ``YYYY/MM/DD``; ``My Rating`` 0 means unrated;
- ``Exclusive Shelf`` gives the status (``read``, ``currently-reading``, ``to-read``;
  a custom exclusive shelf is "want to read" plus a shelf of that name, except the
  did-not-finish names readers use);
- ``Bookshelves`` become the reader's shelves; ``Read Count`` and ``Date Read`` become
  reads: one dated, the rest undated;
- a series in the title, ``Gideon the Ninth (The Locked Tomb #1)``, becomes a series;
- ``My Review`` (HTML) becomes a review, ``Private Notes`` a private note;
- ``Binding`` becomes the format and ``Owned Copies`` the copies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from webapp.catalogue import SeriesPlace
from webapp.models import BookFormat, PostKind, ReadingStatus, Visibility
from webapp.models.book import COPIES_MAX
from webapp.models.limits import PAGES_MAX, TIMES_READ_MAX, YEAR_MAX, YEAR_MIN
from webapp.models.read import ReadOutcome
from webapp.transfer import cells
from webapp.transfer.files import CsvProblem, UnreadableFile, csv_rows, header_index, read_sample
from webapp.transfer.records import (
    BookRecord,
    ImportedBook,
    ImportedPost,
    ImportedRead,
    ImportedReading,
    Item,
    SkippedRow,
)

#: Columns every Goodreads export has, whichever header it is.
REQUIRED = ("Book Id", "Title", "Author", "Exclusive Shelf")
EXCLUSIVE_STATUS = {
    "read": ReadingStatus.READ,
    "currently-reading": ReadingStatus.READING,
    "to-read": ReadingStatus.WANT_TO_READ,
}
DID_NOT_FINISH_SHELVES = {"did-not-finish", "dnf", "abandoned", "did-not-finish-dnf", "gave-up"}
BINDINGS = {
    "hardcover": BookFormat.HARDCOVER,
    "library binding": BookFormat.HARDCOVER,
    "paperback": BookFormat.PAPERBACK,
    "mass market paperback": BookFormat.PAPERBACK,
    "trade paperback": BookFormat.PAPERBACK,
    "kindle edition": BookFormat.EBOOK,
    "ebook": BookFormat.EBOOK,
    "nook": BookFormat.EBOOK,
    "audiobook": BookFormat.AUDIOBOOK,
    "audible audio": BookFormat.AUDIOBOOK,
    "audio cd": BookFormat.AUDIOBOOK,
    "mp3 cd": BookFormat.AUDIOBOOK,
}
#: "Title (Series, #1)", "Title (Series #0.5)", "Title (Series, #2-3)".
_SERIES_IN_TITLE = re.compile(r"^(?P<title>.+?)\s*\((?P<series>[^()#]+?),?\s*#(?P<position>[0-9.\-]+)\)\s*$")


def split_series(title: str) -> tuple[str, list[SeriesPlace]]:
    match = _SERIES_IN_TITLE.match(title)
    if match is None:
        return title, []
    return match.group("title").strip(), [SeriesPlace(match.group("series").strip(), match.group("position"))]


class GoodreadsSource:
    name = "goodreads"
    label = "Goodreads"
    skipped_delimiter = ","

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            return False
        try:
            first_line = read_sample(path).first_line
        except UnreadableFile:
            return False
        return all(column in first_line for column in REQUIRED) and "Bookshelves" in first_line

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
                    raise UnreadableFile(f"{path.name} lacks the Goodreads column {missing[0]}.")
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

        full_title = cells.text(cell("Title"))
        if not full_title:
            return SkippedRow(number, "The row has no title.", row)
        title, series = split_series(full_title)
        isbn13, isbn10 = lenient(cells.isbns, cell("ISBN13"), "ISBN13") or (None, None)
        if not isbn13:
            isbn13, isbn10 = lenient(cells.isbns, cell("ISBN"), "ISBN") or (None, None)
        authors = [name for name in [cells.text(cell("Author"))] if name]
        authors += cells.split_list(cell("Additional Authors"))
        year = lenient(
            cells.whole_number, cell("Year Published"), "Year Published", minimum=YEAR_MIN, maximum=YEAR_MAX
        )
        if year is None:
            year = lenient(
                cells.whole_number,
                cell("Original Publication Year"),
                "Original Publication Year",
                minimum=YEAR_MIN,
                maximum=YEAR_MAX,
            )
        added = lenient(cells.full_date, cell("Date Added"), "Date Added")
        book = ImportedBook(
            title=title,
            authors=authors,
            isbn13=isbn13,
            isbn10=isbn10,
            publisher=cells.text(cell("Publisher")),
            year=year,
            pages=lenient(
                cells.whole_number, cell("Number of Pages"), "Number of Pages", minimum=1, maximum=PAGES_MAX
            ),
            format=BINDINGS.get((cells.text(cell("Binding")) or "").casefold()),
            copies=lenient(cells.whole_number, cell("Owned Copies"), "Owned Copies", maximum=COPIES_MAX),
            series=series,
            source_id=cells.text(cell("Book Id")),
            added_at=datetime.combine(added, datetime.min.time()) if added else None,
        )
        exclusive = (cells.text(cell("Exclusive Shelf")) or "to-read").casefold()
        shelves = [
            shelf
            for shelf in cells.split_list(cell("Bookshelves"))
            if shelf.casefold() not in EXCLUSIVE_STATUS
        ]
        if exclusive in EXCLUSIVE_STATUS:
            status = EXCLUSIVE_STATUS[exclusive]
        elif exclusive in DID_NOT_FINISH_SHELVES:
            status = ReadingStatus.DID_NOT_FINISH
        else:
            status = ReadingStatus.WANT_TO_READ
            if exclusive not in (shelf.casefold() for shelf in shelves):
                shelves.append(exclusive)
        reading = ImportedReading(
            status=status,
            rating=lenient(cells.stars, cell("My Rating"), "My Rating"),
            reads=self._reads(status, cell, lenient),
        )
        posts = []
        review = cells.text(cell("My Review"))
        if review:
            posts.append(ImportedPost(title=f"Review of {title}", body=review, kind=PostKind.REVIEW))
        notes = cells.text(cell("Private Notes"))
        if notes:
            posts.append(
                ImportedPost(
                    title=f"Notes on {title}", body=notes, kind=PostKind.NOTE, visibility=Visibility.PRIVATE
                )
            )
        return BookRecord(
            row=number, book=book, reading=reading, shelves=shelves, posts=posts, warnings=warnings, cells=row
        )

    @staticmethod
    def _reads(status: ReadingStatus, cell, lenient) -> list[ImportedRead]:
        finished = lenient(cells.partial_date, cell("Date Read"), "Date Read")
        count = lenient(cells.whole_number, cell("Read Count"), "Read Count", maximum=TIMES_READ_MAX) or 0
        reads: list[ImportedRead] = []
        if status is ReadingStatus.READ:
            count = max(count, 1)
            reads += [ImportedRead(ReadOutcome.FINISHED)] * (count - 1)
            reads.append(ImportedRead(ReadOutcome.FINISHED, ended=finished))
        elif status is ReadingStatus.READING:
            reads += [ImportedRead(ReadOutcome.FINISHED)] * count
            reads.append(ImportedRead(ReadOutcome.IN_PROGRESS))
        elif status is ReadingStatus.DID_NOT_FINISH:
            reads.append(ImportedRead(ReadOutcome.DID_NOT_FINISH, ended=finished))
        elif count:
            reads += [ImportedRead(ReadOutcome.FINISHED)] * (count - 1)
            reads.append(ImportedRead(ReadOutcome.FINISHED, ended=finished))
        return reads


SOURCE = GoodreadsSource()
