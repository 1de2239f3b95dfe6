"""The StoryGraph's CSV export.

Read by column name, so the current header (``Title,Authors,Contributors,ISBN/UID,…``)
and the older one (``Title,Author,…,ISBN,…``) need no separate code. What each column
becomes:

- ``Authors`` (a comma list) are the authors; ``Contributors`` (``Name (Narrator)``,
  ``Name (Translator)``) are left out: Shelfmark's authors are the people who wrote the
  book, and a narrator in the author list would also spoil matching by first author;
- ``ISBN/UID`` is the ISBN when it is one (ISBN-10 or -13); StoryGraph also writes its
  own ids and ASINs there, which are not ISBNs and not mistakes: the cell is kept as the
  book's StoryGraph id either way, so importing the file again finds the same book;
- ``Read Status`` gives the status: ``read``, ``currently-reading``, ``to-read``,
  ``did-not-finish``; ``paused`` is a read still under way (status *reading*), and the
  book also goes on a shelf "paused" so that nothing the reader said is lost;
- ``Dates Read`` is a comma list of reads, each ``start-end``, a bare finish date or an
  open ``start-``; ``Read Count`` beyond the dated reads adds undated ones, and
  ``Last Date Read`` dates the one read of a file that has no ``Dates Read``. The last
  read of a did-not-finish book is not finished; an open read of a book being read (or
  paused) is the read under way;
- ``Star Rating`` is in quarter stars (4.75); the engine keeps the nearest half star;
- ``Tags`` become shelves, and so do ``Moods``, as "mood: dark", "mood: hopeful": the
  reader chose them, StoryGraph has about fifteen, and "what dark books did I read" is a
  question a shelf answers. ``Pace``, the character questions and the content warnings
  are left out: they are StoryGraph's questionnaire, there is no field for them, and a
  shelf per answer ("pace: fast", "Strong Character Development?: Yes") would bury the
  reader's own shelves;
- ``Review`` becomes a review; ``Owned?`` Yes/No becomes 1 or 0 copies; ``Format``
  (paperback, hardcover, digital, audio) the format; ``Date Added`` when it was added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from webapp.models import BookFormat, PostKind, ReadingStatus
from webapp.models.limits import TIMES_READ_MAX
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

#: Column -> the older header's name for it.
ALTERNATIVES = {"Authors": "Author", "ISBN/UID": "ISBN"}
STATUSES = {
    "read": ReadingStatus.READ,
    "currently-reading": ReadingStatus.READING,
    "to-read": ReadingStatus.WANT_TO_READ,
    "did-not-finish": ReadingStatus.DID_NOT_FINISH,
    "paused": ReadingStatus.READING,
}
FORMATS = {
    "paperback": BookFormat.PAPERBACK,
    "hardcover": BookFormat.HARDCOVER,
    "digital": BookFormat.EBOOK,
    "ebook": BookFormat.EBOOK,
    "audio": BookFormat.AUDIOBOOK,
    "audiobook": BookFormat.AUDIOBOOK,
}
MOOD_PREFIX = "mood: "
PAUSED_SHELF = "paused"
_DATE = r"[0-9]{4}/[0-9]{1,2}(?:/[0-9]{1,2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}"
#: A cell that was meant as an ISBN (digits, a spreadsheet's 9.78E+12), not an id.
_NUMBER_LIKE = re.compile(r"[0-9][0-9.\-\s]*(?:[eE]\+?[0-9]+)?[Xx]?")
#: One item of Dates Read: "2023/01/05-2023/01/20", "2023/01/20", "2023/01/05-".
_READ_RANGE = re.compile(rf"^(?P<start>{_DATE})?\s*(?P<dash>-)?\s*(?P<end>{_DATE})?$")


def parse_dates_read(value: str | None) -> list[tuple[PartialDate | None, PartialDate | None, bool]]:
    """``(started, ended, open)`` for each read of a Dates Read cell, in the cell's order;
    ``open`` is a read with a start and a dash but no end. CellProblem names an item
    that is none of the three forms."""
    reads = []
    for item in cells.split_list(value):
        match = _READ_RANGE.match(item)
        if match is None or not (match.group("start") or match.group("end")):
            raise cells.CellProblem(f"Dates Read {item[:40]} is not a date or a range of dates")
        start = cells.partial_date(match.group("start"), "Dates Read")
        end = cells.partial_date(match.group("end"), "Dates Read")
        if match.group("dash"):
            reads.append((start, end, end is None))
        else:
            # A bare date is when the book was finished.
            reads.append((None, start, False))
    return reads


class StoryGraphSource:
    name = "storygraph"
    label = "The StoryGraph"
    skipped_delimiter = ","

    def sniff(self, path: Path) -> bool:
        names = set(header_names(path))
        return (
            {"Title", "Read Status"} <= names
            and bool(names & {"Authors", "Author"})
            and bool(names & {"ISBN/UID", "ISBN", "Star Rating", "Dates Read"})
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
                for column in ("Title", "Read Status"):
                    if column not in index:
                        raise UnreadableFile(f"{path.name} lacks the StoryGraph column {column}.")
                continue
            if not any(cell.strip() for cell in row):
                continue
            yield self._record(number, row, index)

    def _record(self, number: int, row: list[str], index: dict[str, int]) -> Item:
        def cell(column: str) -> str | None:
            position = index.get(column)
            if position is None and column in ALTERNATIVES:
                position = index.get(ALTERNATIVES[column])
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
        uid = cells.excel_text(cell("ISBN/UID"))
        isbn13 = isbn10 = None
        if uid:
            try:
                isbn13, isbn10 = cells.isbns(uid, "ISBN/UID")
            except cells.CellProblem as problem:
                # StoryGraph's own ids and ASINs are not ISBNs; a number a spreadsheet
                # mangled is worth a word.
                if _NUMBER_LIKE.fullmatch(uid):
                    warnings.append(f"row {number}: {problem}; kept as the StoryGraph id only")
        owned = (cells.text(cell("Owned?")) or "").casefold()
        added = lenient(cells.full_date, cell("Date Added"), "Date Added")
        book = ImportedBook(
            title=title,
            authors=cells.split_names(cell("Authors")),
            isbn13=isbn13,
            isbn10=isbn10,
            format=FORMATS.get((cells.text(cell("Format")) or "").casefold()),
            copies={"yes": 1, "no": 0}.get(owned),
            source_id=uid[:100] if uid else None,
            added_at=datetime.combine(added, datetime.min.time()) if added else None,
        )
        written_status = (cells.text(cell("Read Status")) or "to-read").casefold()
        shelves = cells.split_list(cell("Tags"))
        shelves += [f"{MOOD_PREFIX}{mood.casefold()}" for mood in cells.split_list(cell("Moods"))]
        if written_status in STATUSES:
            status = STATUSES[written_status]
        else:
            warnings.append(
                f"row {number}: Read Status {written_status[:40]} is not a StoryGraph status; read as to-read"
            )
            status = ReadingStatus.WANT_TO_READ
        if written_status == PAUSED_SHELF:
            shelves.append(PAUSED_SHELF)
        reading = ImportedReading(
            status=status,
            rating=lenient(cells.stars, cell("Star Rating"), "Star Rating"),
            reads=self._reads(status, cell, lenient),
        )
        posts = []
        review = cells.text(cell("Review"))
        if review:
            posts.append(ImportedPost(title=f"Review of {title}", body=review, kind=PostKind.REVIEW))
        return BookRecord(
            row=number,
            book=book,
            reading=reading,
            shelves=list(dict.fromkeys(shelves)),
            posts=posts,
            warnings=warnings,
            cells=row,
        )

    @staticmethod
    def _reads(status: ReadingStatus, cell: Callable[[str], str | None], lenient) -> list[ImportedRead]:
        dated = lenient(parse_dates_read, cell("Dates Read")) or []
        if not dated:
            last = lenient(cells.partial_date, cell("Last Date Read"), "Last Date Read")
            if last is not None:
                dated = [(None, last, False)]
        count = lenient(cells.whole_number, cell("Read Count"), "Read Count", maximum=TIMES_READ_MAX) or 0
        # Oldest first, as the engine adds them, the undated before the dated: the last
        # one is the read the status speaks of.
        dated.sort(key=lambda read: (read[1] or read[0]).earliest)
        outcomes = [(None, None, False)] * max(0, count - len(dated)) + dated
        under_way = None
        if status is ReadingStatus.READING:
            under_way = next((read for read in reversed(outcomes) if read[2]), None)
            if under_way is not None:
                outcomes.remove(under_way)
        reads = [
            ImportedRead(ReadOutcome.FINISHED, started=started, ended=ended) for started, ended, _ in outcomes
        ]
        if status is ReadingStatus.DID_NOT_FINISH:
            last = reads.pop() if reads else ImportedRead(ReadOutcome.DID_NOT_FINISH)
            reads.append(ImportedRead(ReadOutcome.DID_NOT_FINISH, started=last.started, ended=last.ended))
        elif status is ReadingStatus.READING:
            reads.append(ImportedRead(ReadOutcome.IN_PROGRESS, started=under_way[0] if under_way else None))
        elif status is ReadingStatus.READ and not reads:
            reads.append(ImportedRead(ReadOutcome.FINISHED))
        return reads


SOURCE = StoryGraphSource()
