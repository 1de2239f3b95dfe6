"""Calibre: a library folder (``metadata.db`` beside the book folders), or the CSV
catalogue Calibre writes (Convert books → Create a catalogue, or ``calibredb catalog
books.csv``).

``metadata.db`` is opened strictly read-only (``mode=ro``): its triggers call functions
only Calibre defines (``title_sort()``), and a person's Calibre library must come out of
an import exactly as it went in. A library Calibre is in the middle of writing (a hot
journal) is refused with a sentence, not read half-done. What each field becomes:

- authors in Calibre's link order; series and ``series_index`` (``1.0`` → "1", ``1.5``);
- tags → the reader's shelves; publisher; the first language (ISO 639-2 codes Calibre
  stores, ``eng``, become the short ones the book form uses, ``en``, where there is one);
- ``pubdate`` → the year (Calibre writes ``0101-01-01`` for "unknown": left empty);
- identifiers: ``isbn`` → the ISBNs; the book's ``uuid`` is its id in Calibre, matched
  when the same library is imported again (ids are renumbered when books move between
  libraries, the uuid is not);
- comments (HTML) → the description, sanitised as every description is;
- ``cover.jpg`` in the book's folder → the cover (only a file inside the library
  folder: ``books.path`` is trusted no further than that);
- a book with book files (EPUB, PDF…) is an ebook;
- the rating (0 to 10, half stars) is taken as the reader's own: a rated book becomes a
  read book with that rating and one undated read. Calibre does not say whether an
  unrated book was read, so it gets no reading — it is simply in the library.

The CSV catalogue carries the same fields (authors joined with `` & ``, rating already
in stars, comments as text). Its ``cover`` column is a path on the computer that made
it, which an uploaded file must not be able to make Shelfmark read: it is ignored.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from webapp.catalogue import SeriesPlace
from webapp.models import BookFormat, ReadingStatus
from webapp.models.read import ReadOutcome
from webapp.transfer import cells
from webapp.transfer.files import CsvProblem, UnreadableFile, csv_rows, header_index, header_names
from webapp.transfer.records import BookRecord, ImportedBook, ImportedRead, ImportedReading, Item, SkippedRow

METADATA = "metadata.db"
#: What a library must have for us to read it (older Calibres have all of these).
REQUIRED_COLUMNS = {
    "books": {"id", "title", "pubdate", "series_index", "path", "has_cover", "uuid", "timestamp"},
    "authors": {"id", "name"},
    "books_authors_link": {"id", "book", "author"},
}
#: The catalogue's columns, in Calibre's order: the skipped rows are written back so.
CATALOGUE_HEADER = [
    "author_sort", "authors", "comments", "cover", "formats", "id", "identifiers", "isbn", "languages",
    "library_name", "pubdate", "publisher", "rating", "series", "series_index", "size", "tags",
    "timestamp", "title", "title_sort", "uuid",
]  # fmt: skip
#: Columns only Calibre's catalogue has (the sniff needs most of them).
CATALOGUE_MARKERS = {"author_sort", "title_sort", "uuid", "series_index", "library_name", "identifiers"}
LANGUAGES = {
    "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "jpn": "ja", "zho": "zh", "chi": "zh",
    "pol": "pl", "swe": "sv", "nor": "no", "nob": "nb", "dan": "da", "fin": "fi", "ces": "cs",
    "cze": "cs", "ell": "el", "gre": "el", "tur": "tr", "ara": "ar", "heb": "he", "hun": "hu",
    "kor": "ko", "ukr": "uk", "cat": "ca", "lat": "la",
}  # fmt: skip
UNKNOWN_YEAR = 101


def _connect(folder: Path) -> sqlite3.Connection:
    """A read-only connection; never one that could create, change or journal a file."""
    uri = f"file:{quote(str((folder / METADATA).resolve()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=2)
    connection.row_factory = sqlite3.Row
    return connection


def _columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row["name"] for row in connection.execute(f"PRAGMA table_info({table})")}


def series_position(index: float | str | None) -> str | None:
    try:
        number = float(index) if index not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if number is None or number < 0:
        return None
    return str(int(number)) if number == int(number) else f"{number:g}"


def language_code(code: str | None) -> str | None:
    code = (code or "").strip().lower()
    return LANGUAGES.get(code, code) if code else None


def _year(pubdate: str | None) -> int | None:
    if not pubdate or len(pubdate) < 4 or not pubdate[:4].isdigit():
        return None
    year = int(pubdate[:4])
    return None if year <= UNKNOWN_YEAR else year


def _added(timestamp: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((timestamp or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _reading(stars: float | None) -> ImportedReading | None:
    if stars is None:
        return None
    finished = [ImportedRead(ReadOutcome.FINISHED)]
    return ImportedReading(status=ReadingStatus.READ, rating=stars, reads=finished)


class CalibreSource:
    name = "calibre"
    label = "Calibre"
    skipped_delimiter = ","

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            if not (path / METADATA).is_file():
                return False
            try:
                connection = _connect(path)
            except sqlite3.Error:
                return True  # a library we cannot open: read() says why
            try:
                return "title" in _columns(connection, "books")
            except sqlite3.Error:
                return True
            finally:
                connection.close()
        names = set(header_names(path))
        return {"title", "authors"} <= names and len(CATALOGUE_MARKERS & names) >= 4

    def skipped_header(self, path: Path) -> list[str]:
        if path.is_dir():
            return list(CATALOGUE_HEADER)
        for item in csv_rows(path):
            return [] if isinstance(item, CsvProblem) else item[1]
        return []

    def read(self, path: Path) -> Iterator[Item]:
        if path.is_dir():
            yield from self._library(path)
        else:
            yield from self._catalogue(path)

    # The library folder -------------------------------------------------------------

    def _library(self, folder: Path) -> Iterator[Item]:
        if not (folder / METADATA).is_file():
            raise UnreadableFile(
                f"{folder.name} is a folder but not a Calibre library (it has no {METADATA})."
            )
        root = os.path.realpath(folder)
        try:
            connection = _connect(folder)
        except sqlite3.Error as problem:
            raise UnreadableFile(f"{METADATA} cannot be opened: {problem}.") from None
        try:
            self._check_schema(connection)
            books = connection.execute(
                "SELECT id, title, pubdate, series_index, path, has_cover, uuid, timestamp"
                " FROM books ORDER BY id"
            )
            number = 0
            while True:
                try:
                    row = books.fetchone()
                except sqlite3.Error as problem:
                    raise UnreadableFile(f"{METADATA} could not be read to the end: {problem}.") from None
                if row is None:
                    break
                number += 1
                try:
                    yield self._library_book(connection, root, number, row)
                except sqlite3.Error as problem:
                    yield SkippedRow(number, f"Calibre book {row['id']} could not be read ({problem}).")
        finally:
            connection.close()

    @staticmethod
    def _check_schema(connection: sqlite3.Connection) -> None:
        try:
            for table, wanted in REQUIRED_COLUMNS.items():
                missing = wanted - _columns(connection, table)
                if missing:
                    raise UnreadableFile(
                        f"{METADATA} is not a Calibre library Shelfmark can read "
                        f"(its {table} table has no {sorted(missing)[0]} column)."
                    )
        except sqlite3.DatabaseError as problem:
            message = str(problem)
            if "locked" in message or "busy" in message:
                message = "Calibre is writing to it; close Calibre and try again"
            raise UnreadableFile(f"{METADATA} cannot be read: {message}.") from None

    def _library_book(self, connection: sqlite3.Connection, root: str, number: int, row: sqlite3.Row) -> Item:
        book_id = row["id"]

        def values(sql: str) -> list:
            return [found[0] for found in connection.execute(sql, (book_id,))]

        warnings: list[str] = []
        title = cells.text(row["title"])
        if not title:
            return SkippedRow(number, f"Calibre book {book_id} has no title.")
        authors = [
            name
            for name in values(
                "SELECT authors.name FROM books_authors_link"
                " JOIN authors ON authors.id = books_authors_link.author"
                " WHERE books_authors_link.book = ? ORDER BY books_authors_link.id"
            )
            if name and name.strip() and name.strip() != "Unknown"
        ]
        tags = values(
            "SELECT tags.name FROM books_tags_link JOIN tags ON tags.id = books_tags_link.tag"
            " WHERE books_tags_link.book = ? ORDER BY books_tags_link.id"
        )
        series = values(
            "SELECT series.name FROM books_series_link JOIN series ON series.id = books_series_link.series"
            " WHERE books_series_link.book = ?"
        )
        publisher = values(
            "SELECT publishers.name FROM books_publishers_link"
            " JOIN publishers ON publishers.id = books_publishers_link.publisher"
            " WHERE books_publishers_link.book = ?"
        )
        languages = values(
            "SELECT languages.lang_code FROM books_languages_link"
            " JOIN languages ON languages.id = books_languages_link.lang_code"
            " WHERE books_languages_link.book = ? ORDER BY books_languages_link.item_order"
        )
        ratings = values(
            "SELECT ratings.rating FROM books_ratings_link"
            " JOIN ratings ON ratings.id = books_ratings_link.rating WHERE books_ratings_link.book = ?"
        )
        comments = values("SELECT text FROM comments WHERE book = ?")
        identifiers = dict(
            connection.execute("SELECT type, val FROM identifiers WHERE book = ?", (book_id,)).fetchall()
        )
        formats = values("SELECT format FROM data WHERE book = ?")
        isbn13, isbn10 = None, None
        if identifiers.get("isbn"):
            try:
                isbn13, isbn10 = cells.isbns(identifiers["isbn"], "isbn identifier")
            except cells.CellProblem as problem:
                warnings.append(f"book {number}: {problem}; left empty")
        position = series_position(row["series_index"])
        stars = ratings[0] / 2 if ratings and ratings[0] else None
        book = ImportedBook(
            title=title,
            authors=authors,
            isbn13=isbn13,
            isbn10=isbn10,
            publisher=cells.text(publisher[0]) if publisher else None,
            year=_year(row["pubdate"]),
            language=language_code(languages[0]) if languages else None,
            format=BookFormat.EBOOK if formats else None,
            description=cells.text(comments[0]) if comments else None,
            series=[SeriesPlace(series[0], position)] if series else [],
            source_id=row["uuid"],
            cover=self._cover(root, row) if row["has_cover"] else None,
            added_at=_added(row["timestamp"]),
        )
        cells_out = [
            "",
            " & ".join(authors),
            comments[0] if comments else "",
            "",
            ", ".join(formats),
            str(book_id),
            ",".join(f"{kind}:{value}" for kind, value in identifiers.items()),
            identifiers.get("isbn", ""),
            ",".join(languages),
            "",
            row["pubdate"] or "",
            publisher[0] if publisher else "",
            str(int(stars)) if stars else "",
            series[0] if series else "",
            str(row["series_index"] or ""),
            "",
            ", ".join(tags),
            row["timestamp"] or "",
            title,
            "",
            row["uuid"] or "",
        ]
        return BookRecord(
            row=number,
            book=book,
            reading=_reading(stars),
            shelves=[tag for tag in tags if tag and tag.strip()],
            warnings=warnings,
            cells=cells_out,
        )

    @staticmethod
    def _cover(root: str, row: sqlite3.Row) -> Path | None:
        candidate = Path(os.path.realpath(Path(root) / (row["path"] or "") / "cover.jpg"))
        if os.path.commonpath([root, candidate]) != root or not candidate.is_file():
            return None
        return candidate

    # The CSV catalogue --------------------------------------------------------------

    def _catalogue(self, path: Path) -> Iterator[Item]:
        index: dict[str, int] | None = None
        for item in csv_rows(path):
            if isinstance(item, CsvProblem):
                yield SkippedRow(item.row, f"Row {item.row}: {item.reason}.")
                return
            number, row = item
            if index is None:
                index = header_index(row)
                if "title" not in index:
                    raise UnreadableFile(f"{path.name} lacks the Calibre column title.")
                continue
            if not any(cell.strip() for cell in row):
                continue
            yield self._catalogue_row(number, row, index)

    @staticmethod
    def _catalogue_row(number: int, row: list[str], index: dict[str, int]) -> Item:
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

        title = cells.text(cell("title"))
        if not title:
            return SkippedRow(number, "The row has no title.", row)
        authors = [name.strip() for name in (cell("authors") or "").split(" & ") if name.strip()]
        authors = [name for name in authors if name != "Unknown"]
        isbn13, isbn10 = lenient(cells.isbns, cell("isbn"), "isbn") or (None, None)
        stars = lenient(cells.stars, cell("rating"), "rating")
        series_name = cells.text(cell("series"))
        languages = cells.split_list(cell("languages"))
        book = ImportedBook(
            title=title,
            authors=authors,
            isbn13=isbn13,
            isbn10=isbn10,
            publisher=cells.text(cell("publisher")),
            year=_year(cells.text(cell("pubdate"))),
            language=language_code(languages[0]) if languages else None,
            format=BookFormat.EBOOK if cells.text(cell("formats")) else None,
            description=cells.text(cell("comments")),
            series=[SeriesPlace(series_name, series_position(cell("series_index")))] if series_name else [],
            source_id=cells.text(cell("uuid")),
            added_at=_added(cells.text(cell("timestamp"))),
        )
        return BookRecord(
            row=number,
            book=book,
            reading=_reading(stars),
            shelves=cells.split_list(cell("tags")),
            warnings=warnings,
            cells=row,
        )


SOURCE = CalibreSource()
