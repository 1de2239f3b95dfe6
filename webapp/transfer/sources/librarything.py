"""LibraryThing's export, tab-delimited (or CSV).

Read by column name, in whichever encoding the file has: LibraryThing has written
ISO-8859-1 and UTF-8 (webapp.transfer.files tells them apart, and keeps a UTF-8 file
UTF-8 when a few stray Latin-1 bytes are in it, as in real exports). What each column
becomes:

- dates are bracketed, ``[2007-04-16]``; ``ISBN`` is ``[0441013597]`` and ``ISBNs`` a
  comma list, used when ``ISBN`` is empty or not an ISBN; ``Book Id`` is the book's
  LibraryThing id, matched on a second import;
- ``Primary Author`` is "Last, First" and becomes "First Last", as Shelfmark writes
  names; ``Secondary Author`` names (``|``-separated, roles in ``Secondary Author
  Roles``) are authors too unless their role is another (translator, editor,
  illustrator…): those people did not write the book;
- ``Publication`` (``Gallimard (1979), Poche``) gives the publisher, ``Date`` the year,
  ``Media`` (or the binding after the publication) the format, ``Page Count`` the pages,
  ``Languages`` the language, ``Copies`` the copies, ``Entry Date`` when it was added;
- ``Rating`` is in half stars; ``Date Started`` and ``Date Read`` are one read (started
  only: being read). Without dates, LibraryThing's own collections say the status:
  "Currently reading", "To read", "Read but unowned" (read, no copy); a rating alone
  means read, with an undated read. A book with none of these has no reading: a
  catalogue of what one owns says nothing about what one has read;
- ``Tags`` and ``Collections`` become shelves, except the default collection "Your
  library" (every book is in it) and the three collections read as the status above;
  a book in "Wishlist" has no copy;
- ``Review`` becomes a review, ``Comment`` a note, ``Private Comment`` a private note;
- ``Summary`` is LibraryThing's "Title by Author (year)" line, which says nothing the
  book does not: it becomes the description only when someone wrote more there (a
  ``Description`` column, in exports that have it, comes first);
- ``Lending Patron``, ``Lending Start``, ``Lending End`` and ``Lending Status`` become a
  loan: lent on the start date, returned on the end date if the status says it came
  back, else due then. A loan without a start date is left out with a warning (a loan
  needs the day it began);
- ``Subjects``, Dewey and LC numbers, measurements, ``BCID``, ``OCLC`` and ``Work id`` are
  left out: they describe LibraryThing's work record, not the reader's copy, and would
  crowd the description or the shelves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from webapp.models import BookFormat, PostKind, ReadingStatus, Visibility
from webapp.models.book import COPIES_MAX
from webapp.models.limits import PAGES_MAX, YEAR_MAX, YEAR_MIN
from webapp.models.loan import BORROWER_MAX_LENGTH
from webapp.models.read import ReadOutcome
from webapp.transfer import cells
from webapp.transfer.files import CsvProblem, UnreadableFile, csv_rows, header_index, header_names
from webapp.transfer.records import (
    BookRecord,
    ImportedBook,
    ImportedLoan,
    ImportedPost,
    ImportedRead,
    ImportedReading,
    Item,
    SkippedRow,
)

REQUIRED = ("Book Id", "Title", "Primary Author")
DEFAULT_COLLECTION = "your library"
CURRENTLY_READING = "currently reading"
TO_READ = "to read"
READ_UNOWNED = "read but unowned"
WISHLIST = "wishlist"
#: Collections read as the status (or, for "Your library", as nothing): not shelves.
STATUS_COLLECTIONS = {DEFAULT_COLLECTION, CURRENTLY_READING, TO_READ, READ_UNOWNED}
MEDIA = {
    "paperback": BookFormat.PAPERBACK,
    "paper book": BookFormat.PAPERBACK,
    "trade paperback": BookFormat.PAPERBACK,
    "mass market paperback": BookFormat.PAPERBACK,
    "broché": BookFormat.PAPERBACK,
    "poche": BookFormat.PAPERBACK,
    "taschenbuch": BookFormat.PAPERBACK,
    "hardcover": BookFormat.HARDCOVER,
    "hardback": BookFormat.HARDCOVER,
    "relié": BookFormat.HARDCOVER,
    "gebunden": BookFormat.HARDCOVER,
    "ebook": BookFormat.EBOOK,
    "e-book": BookFormat.EBOOK,
    "kindle edition": BookFormat.EBOOK,
    "audiobook": BookFormat.AUDIOBOOK,
    "audio book": BookFormat.AUDIOBOOK,
    "audio cd": BookFormat.AUDIOBOOK,
    "livre audio": BookFormat.AUDIOBOOK,
    "hörbuch": BookFormat.AUDIOBOOK,
}
PUBLISHER_MAX = 255
LANGUAGE_MAX = 35
#: "Gallimard (1979), Poche" -> publisher, year, binding.
_PUBLICATION = re.compile(r"^(?P<publisher>[^()]*?)\s*\((?P<year>[^()]*)\)\s*,?\s*(?P<binding>.*)$")
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_AUTHOR_ROLES = {"", "author", "co-author", "coauthor", "auteur", "autor", "autore", "autor/a"}


def first_last(name: str) -> str:
    """LibraryThing's "Le Guin, Ursula K." as "Ursula K. Le Guin"; "King, Stephen, Jr."
    as "Stephen King, Jr."; a name without a comma as it is."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and all(parts) and parts[1].casefold() not in cells.NAME_SUFFIXES:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts) and parts[2].casefold() in cells.NAME_SUFFIXES:
        return f"{parts[1]} {parts[0]}, {parts[2]}"
    return " ".join(name.split())


def is_generated_summary(summary: str, title: str) -> bool:
    """Whether ``Summary`` is only LibraryThing's "Title by Author (year)" line."""
    summary, title = summary.casefold(), title.casefold()
    return summary == title or summary.startswith(f"{title} by ")


class LibraryThingSource:
    name = "librarything"
    label = "LibraryThing"
    skipped_delimiter = "\t"

    def sniff(self, path: Path) -> bool:
        names = set(header_names(path))
        return set(REQUIRED) <= names and bool(
            names & {"ISBNs", "Collections", "Date Read", "Lending Patron"}
        )

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
                    raise UnreadableFile(f"{path.name} lacks the LibraryThing column {missing[0]}.")
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

        title = cells.text(cell("Title"))
        if not title:
            return SkippedRow(number, "The row has no title.", row)
        isbn13, isbn10 = lenient(cells.isbns, cell("ISBN"), "ISBN") or (None, None)
        if not isbn13:
            for candidate in cells.split_list(cell("ISBNs")):
                try:
                    isbn13, isbn10 = cells.isbns(candidate, "ISBNs")
                    break
                except cells.CellProblem:
                    continue
        publisher, year, binding = self._publication(cell("Publication"))
        written_year = cells.text(cell("Date"))
        if written_year:
            found = _YEAR.search(written_year)
            year = int(found.group()) if found and YEAR_MIN <= int(found.group()) <= YEAR_MAX else None
            if year is None:
                warnings.append(f"row {number}: Date {written_year[:40]} holds no year; left empty")
        media = (cells.text(cell("Media")) or "").casefold()
        collections = cells.split_list(cell("Collections"))
        in_collection = {name.casefold() for name in collections}
        copies = lenient(cells.whole_number, cell("Copies"), "Copies", maximum=COPIES_MAX)
        if in_collection & {WISHLIST, READ_UNOWNED}:
            copies = 0
        added = lenient(cells.full_date, cell("Entry Date"), "Entry Date")
        language = cells.split_list(cell("Languages"))
        book = ImportedBook(
            title=title,
            authors=self._authors(cell),
            isbn13=isbn13,
            isbn10=isbn10,
            publisher=publisher,
            year=year,
            pages=lenient(cells.whole_number, cell("Page Count"), "Page Count", minimum=1, maximum=PAGES_MAX),
            language=language[0][:LANGUAGE_MAX] if language else None,
            format=MEDIA.get(media) or MEDIA.get(binding.casefold()),
            description=self._description(cell, title),
            copies=copies,
            source_id=cells.text(cell("Book Id")),
            added_at=datetime.combine(added, datetime.min.time()) if added else None,
        )
        shelves = cells.split_list(cell("Tags"))
        shelves += [name for name in collections if name.casefold() not in STATUS_COLLECTIONS]
        rating = lenient(cells.stars, cell("Rating"), "Rating")
        return BookRecord(
            row=number,
            book=book,
            reading=self._reading(cell, lenient, in_collection, rating),
            shelves=list(dict.fromkeys(shelves)),
            posts=self._posts(cell, title),
            loans=self._loans(cell, number, warnings),
            warnings=warnings,
            cells=row,
        )

    @staticmethod
    def _publication(value: str | None) -> tuple[str | None, int | None, str]:
        value = cells.text(value)
        if not value:
            return None, None, ""
        match = _PUBLICATION.match(value)
        if match is None:
            return value[:PUBLISHER_MAX], None, ""
        found = _YEAR.search(match.group("year"))
        year = int(found.group()) if found and YEAR_MIN <= int(found.group()) <= YEAR_MAX else None
        publisher = match.group("publisher").strip() or None
        return (publisher[:PUBLISHER_MAX] if publisher else None), year, match.group("binding").strip()

    @staticmethod
    def _authors(cell) -> list[str]:
        authors = [first_last(name) for name in [cells.text(cell("Primary Author"))] if name]
        names = cells.split_list(cell("Secondary Author"), "|")
        roles = (cells.text(cell("Secondary Author Roles")) or "").split("|")
        for position, name in enumerate(names):
            role = roles[position].strip().casefold() if position < len(roles) else ""
            if role in _AUTHOR_ROLES:
                authors.append(first_last(name))
        return list(dict.fromkeys(authors))

    @staticmethod
    def _description(cell, title: str) -> str | None:
        description = cells.text(cell("Description"))
        if description:
            return description
        summary = cells.text(cell("Summary"))
        if summary and not is_generated_summary(summary, title):
            return summary
        return None

    @staticmethod
    def _reading(cell, lenient, in_collection: set[str], rating: float | None) -> ImportedReading | None:
        started = lenient(cells.partial_date, cell("Date Started"), "Date Started")
        finished = lenient(cells.partial_date, cell("Date Read"), "Date Read")
        if finished is not None:
            status, reads = ReadingStatus.READ, [ImportedRead(ReadOutcome.FINISHED, started, finished)]
        elif started is not None or CURRENTLY_READING in in_collection:
            status, reads = ReadingStatus.READING, [ImportedRead(ReadOutcome.IN_PROGRESS, started)]
        elif READ_UNOWNED in in_collection or rating is not None:
            status, reads = ReadingStatus.READ, [ImportedRead(ReadOutcome.FINISHED)]
        elif TO_READ in in_collection:
            status, reads = ReadingStatus.WANT_TO_READ, []
        else:
            return None
        return ImportedReading(status=status, rating=rating, reads=reads)

    @staticmethod
    def _posts(cell, title: str) -> list[ImportedPost]:
        posts = []
        review = cells.text(cell("Review"))
        if review:
            posts.append(ImportedPost(title=f"Review of {title}", body=review, kind=PostKind.REVIEW))
        comment = cells.text(cell("Comment"))
        if comment:
            posts.append(ImportedPost(title=f"Comment on {title}", body=comment, kind=PostKind.NOTE))
        private = cells.text(cell("Private Comment"))
        if private:
            posts.append(
                ImportedPost(
                    title=f"Private comment on {title}",
                    body=private,
                    kind=PostKind.NOTE,
                    visibility=Visibility.PRIVATE,
                )
            )
        return posts

    @staticmethod
    def _loans(cell, number: int, warnings: list[str]) -> list[ImportedLoan]:
        borrower = cells.text(cell("Lending Patron"))
        if not borrower:
            return []
        borrower = borrower[:BORROWER_MAX_LENGTH]
        try:
            lent_on = cells.full_date(cell("Lending Start"), "Lending Start")
        except cells.CellProblem as problem:
            warnings.append(f"row {number}: {problem}; the loan to {borrower} is left out")
            return []
        if lent_on is None:
            warnings.append(f"row {number}: the loan to {borrower} has no Lending Start; it is left out")
            return []
        try:
            ended = cells.full_date(cell("Lending End"), "Lending End")
        except cells.CellProblem as problem:
            warnings.append(f"row {number}: {problem}; left empty")
            ended = None
        if ended is not None and ended < lent_on:
            warnings.append(
                f"row {number}: Lending End {ended} is before Lending Start {lent_on}; left empty"
            )
            ended = None
        returned = "return" in (cells.text(cell("Lending Status")) or "").casefold()
        if returned and ended is None:
            # An open loan would say the book is out now; the day it came back is not a guess.
            warnings.append(
                f"row {number}: the loan to {borrower} came back on a day the file does not give; "
                "it is left out"
            )
            return []
        return [
            ImportedLoan(
                borrower=borrower,
                lent_on=lent_on,
                due_on=None if returned else ended,
                returned_on=ended if returned else None,
            )
        ]


SOURCE = LibraryThingSource()
