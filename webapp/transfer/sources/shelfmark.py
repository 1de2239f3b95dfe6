"""Shelfmark's own export (webapp.transfer.export): a zip of ``library.json`` and covers.

The zip is someone's file, so it is read as hostile:

- nothing is ever extracted by a member's name: ``library.json`` is read into memory
  and each cover into a temporary file whose name we choose, so ``../../.bashrc`` or
  ``/etc/passwd`` as a member name only ever names nothing;
- every read is bounded by what we allow, not by what the zip declares (a member may
  claim 1 KB and inflate to 10 GB): ``library.json`` up to JSON_MAX_BYTES, a cover up to
  COVER_MAX_BYTES (a larger one is left out with a warning);
- a ``format_version`` newer than this Shelfmark reads is refused in one line, before
  anything is imported.

Whose things are imported: a file carries each reading, post, shelf and goal with its
person's username. The importer takes the things of the person who made the export
(``exported_by``) and gives them to the person importing; other people's (an
administrator's export of a whole household) are left out, and the report says how
many. The catalogue (books, authors, series, covers) and the loans, which are the
household's, are imported whole.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from webapp.catalogue import SeriesPlace
from webapp.models import BookFormat, PostKind, ReadingStatus, Visibility
from webapp.models.read import ReadOutcome
from webapp.partial_dates import InvalidPartialDate, PartialDate
from webapp.transfer.export import FORMAT_VERSION, LIBRARY_JSON
from webapp.transfer.files import UnreadableFile
from webapp.transfer.records import (
    BookRecord,
    GoalRecord,
    ImportedBook,
    ImportedLoan,
    ImportedPost,
    ImportedRead,
    ImportedReading,
    Item,
    PostRecord,
    ShelfRecord,
    SkippedRow,
)

#: library.json of the 100,000-book bench library is some 60 MB; room for four times it.
JSON_MAX_BYTES = 256 * 1024 * 1024
#: Covers are stored at most 1600 pixels on a side: a few hundred KB. Uploads may be 10 MB.
COVER_MAX_BYTES = 10 * 1024 * 1024
#: How much of library.json sniff() inflates to see that it is ours.
SNIFF_BYTES = 4096


class _Bad(ValueError):
    """A value of library.json that is not what the format says; the message says which."""


class ShelfmarkSource:
    name = "shelfmark"
    label = "Shelfmark"
    skipped_delimiter = ","

    def sniff(self, path: Path) -> bool:
        if path.is_dir() or not zipfile.is_zipfile(path):
            return False
        try:
            with zipfile.ZipFile(path) as archive, archive.open(LIBRARY_JSON) as member:
                start = member.read(SNIFF_BYTES)
        except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError):
            return False
        return b'"format_version"' in start

    def skipped_header(self, path: Path) -> list[str]:
        return ["library.json entry"]

    def read(self, path: Path) -> Iterator[Item]:
        try:
            archive = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as problem:
            raise UnreadableFile(f"{path.name} is not a zip file Shelfmark can open ({problem}).") from None
        with archive:
            library = _library(archive, path.name)
            scratch = Path(tempfile.mkdtemp(prefix="shelfmark-import-"))
            try:
                yield from _records(library, archive, scratch)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)


def _library(archive: zipfile.ZipFile, file_name: str) -> dict:
    try:
        info = archive.getinfo(LIBRARY_JSON)
    except KeyError:
        raise UnreadableFile(
            f"{file_name} is a zip file but not a Shelfmark export (it has no library.json)."
        ) from None
    if info.file_size > JSON_MAX_BYTES:
        raise UnreadableFile(f"{file_name}: its library.json is larger than {JSON_MAX_BYTES // 2**20} MB.")
    data = _bounded_read(archive, info, JSON_MAX_BYTES)
    if data is None:
        raise UnreadableFile(f"{file_name}: its library.json is larger than {JSON_MAX_BYTES // 2**20} MB.")
    try:
        library = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnreadableFile(f"{file_name}: its library.json is not UTF-8 text.") from None
    except json.JSONDecodeError as problem:
        raise UnreadableFile(
            f"{file_name}: its library.json is not valid JSON (line {problem.lineno}: {problem.msg})."
        ) from None
    if not isinstance(library, dict) or "format_version" not in library:
        raise UnreadableFile(
            f"{file_name}: its library.json has no format_version; it is not a Shelfmark export."
        )
    version = library["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UnreadableFile(f"{file_name}: its format_version {version!r} is not a version number.")
    if version > FORMAT_VERSION:
        raise UnreadableFile(
            f"{file_name} was written by a newer Shelfmark (export format {version}); this one reads "
            f"format {FORMAT_VERSION}. Update Shelfmark to import it."
        )
    return library


def _bounded_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's bytes, or None if it inflates to more than ``limit`` (whatever its
    header claims). Damaged members raise UnreadableFile."""
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as problem:
        raise UnreadableFile(f"{info.filename[:80]} in the zip cannot be read ({problem}).") from None
    return None if len(data) > limit else data


def _records(library: dict, archive: zipfile.ZipFile, scratch: Path) -> Iterator[Item]:
    person = library.get("exported_by")
    books = _list(library, "books")
    posts = _list(library, "posts")
    shelves = _list(library, "shelves")
    goals = _list(library, "goals")
    left_out: Counter[str] = Counter()

    def mine(entry: Any, what: str) -> bool:
        owner = entry.get("user") if isinstance(entry, dict) else None
        if owner == person:
            return True
        left_out[what] += 1
        return False

    my_shelves = [shelf for shelf in shelves if mine(shelf, "shelves")]
    shelves_of: dict[Any, list[str]] = defaultdict(list)
    for shelf in my_shelves:
        for ref in shelf.get("books") or []:
            if isinstance(shelf.get("name"), str) and isinstance(ref, int):
                shelves_of[ref].append(shelf["name"])
    posts_of: dict[Any, list[ImportedPost]] = defaultdict(list)
    loose_posts: list[tuple[int, Any]] = []
    refs = {book.get("ref") for book in books if isinstance(book, dict)}
    for number, entry in enumerate(posts, start=1):
        if not mine(entry, "posts"):
            continue
        if entry.get("book") in refs and entry.get("book") is not None:
            try:
                posts_of[entry["book"]].append(_post(entry))
            except (_Bad, TypeError, ValueError, KeyError) as problem:
                loose_posts.append((number, problem))
        else:
            loose_posts.append((number, entry))
    row = 0
    for entry in books:
        row += 1
        try:
            record = _book_record(row, entry, person, shelves_of, posts_of, archive, scratch)
        except (_Bad, TypeError, ValueError, KeyError, AttributeError) as problem:
            yield SkippedRow(row, f"Book {row} of library.json: {problem}", [_cell(entry)])
            continue
        if row == 1 and left_out:
            record.warnings += _left_out_warnings(left_out)
        yield record
    for number, entry in loose_posts:
        row += 1
        if isinstance(entry, Exception):
            yield SkippedRow(row, f"Post {number} of library.json: {entry}", [])
            continue
        try:
            yield PostRecord(row, _post(entry))
        except (_Bad, TypeError, ValueError, KeyError, AttributeError) as problem:
            yield SkippedRow(row, f"Post {number} of library.json: {problem}", [_cell(entry)])
    for entry in my_shelves:
        if entry.get("books"):
            continue
        row += 1
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            yield ShelfRecord(row, name)
        else:
            yield SkippedRow(row, "A shelf of library.json has no name.", [_cell(entry)])
    for entry in goals:
        if not mine(entry, "goals"):
            continue
        row += 1
        year, target = entry.get("year"), entry.get("target_books")
        if _is_int(year) and _is_int(target) and target > 0:
            yield GoalRecord(row, year, target)
        else:
            yield SkippedRow(
                row, "A reading goal of library.json needs a year and a number of books.", [_cell(entry)]
            )


def _left_out_warnings(left_out: Counter[str]) -> list[str]:
    counts = ", ".join(f"{count} {what}" for what, count in sorted(left_out.items()))
    return [f"{counts} of other people in this export were left out: only its maker's are imported, as yours"]


def _list(library: dict, key: str) -> list:
    value = library.get(key, [])
    if not isinstance(value, list):
        raise UnreadableFile(f"library.json: {key} is not a list.")
    return value


def _cell(entry: Any) -> str:
    return json.dumps(entry, ensure_ascii=False)[:10_000]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(entry: dict, key: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            raise _Bad(f"{key} is missing")
        return None
    if not isinstance(value, str):
        raise _Bad(f"{key} is not text")
    return value


def _number(entry: dict, key: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if not _is_int(value):
        raise _Bad(f"{key} {value!r} is not a whole number")
    return value


def _moment(entry: dict, key: str) -> datetime | None:
    value = _text(entry, key)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{key} {value[:40]!r} is not a date and time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _day(entry: dict, key: str) -> date | None:
    value = _text(entry, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{key} {value[:40]!r} is not a date") from None


def _partial(entry: dict, key: str) -> PartialDate | None:
    value = _text(entry, key)
    if value is None:
        return None
    try:
        return PartialDate.parse(value)
    except InvalidPartialDate as problem:
        raise _Bad(f"{key}: {problem}") from None


def _book_record(
    row: int,
    entry: Any,
    person: Any,
    shelves_of: dict[Any, list[str]],
    posts_of: dict[Any, list[ImportedPost]],
    archive: zipfile.ZipFile,
    scratch: Path,
) -> BookRecord:
    if not isinstance(entry, dict):
        raise _Bad("it is not an object")
    ref = entry.get("ref")
    warnings: list[str] = []
    authors = entry.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(name, str) for name in authors):
        raise _Bad("authors is not a list of names")
    series = []
    for place in entry.get("series") or []:
        if not isinstance(place, dict) or not isinstance(place.get("name"), str):
            raise _Bad("series is not a list of {name, position}")
        series.append(SeriesPlace(place["name"], _text(place, "position")))
    book_format = _text(entry, "format")
    book = ImportedBook(
        title=_text(entry, "title", required=True).strip(),
        authors=authors,
        subtitle=_text(entry, "subtitle"),
        isbn13=_text(entry, "isbn13"),
        isbn10=_text(entry, "isbn10"),
        publisher=_text(entry, "publisher"),
        year=_number(entry, "year"),
        pages=_number(entry, "pages"),
        language=_text(entry, "language"),
        format=BookFormat(book_format) if book_format else None,
        description=_text(entry, "description"),
        copies=_number(entry, "copies"),
        series=series,
        location=_text(entry, "location"),
        price_minor=_number(entry, "price_minor"),
        currency=_text(entry, "currency"),
        added_at=_moment(entry, "added_at"),
    )
    cover = _text(entry, "cover")
    if cover:
        book.cover = _cover(archive, cover, scratch, row, warnings)
    reading = None
    readings = entry.get("readings") or []
    if not isinstance(readings, list):
        raise _Bad("readings is not a list")
    for found in readings:
        if isinstance(found, dict) and found.get("user") == person:
            reading = _reading(found)
    loans = [_loan(loan) for loan in entry.get("loans") or []]
    return BookRecord(
        row=row,
        book=book,
        reading=reading,
        shelves=list(shelves_of.get(ref, [])) if ref is not None else [],
        posts=list(posts_of.get(ref, [])) if ref is not None else [],
        loans=loans,
        warnings=warnings,
        cells=[_cell(entry)],
    )


def _cover(archive: zipfile.ZipFile, name: str, scratch: Path, row: int, warnings: list[str]) -> Path | None:
    """The cover, copied to a temporary file named by us, or None (with a warning)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        warnings.append(f"book {row}: its cover {name[:80]} is not in the zip; imported without it")
        return None
    data = _bounded_read(archive, info, COVER_MAX_BYTES) if info.file_size <= COVER_MAX_BYTES else None
    if data is None:
        warnings.append(f"book {row}: its cover is larger than {COVER_MAX_BYTES // 2**20} MB; left out")
        return None
    path = scratch / f"cover-{row}"
    path.write_bytes(data)
    return path


def _reading(entry: dict) -> ImportedReading:
    rating = entry.get("rating")
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int | float)):
        raise _Bad(f"rating {rating!r} is not a number of stars")
    visibility = _text(entry, "visibility")
    reads = []
    for read in entry.get("reads") or []:
        if not isinstance(read, dict):
            raise _Bad("reads is not a list of objects")
        reads.append(
            ImportedRead(
                ReadOutcome(_text(read, "outcome", required=True)),
                started=_partial(read, "started"),
                ended=_partial(read, "ended"),
            )
        )
    return ImportedReading(
        status=ReadingStatus(_text(entry, "status", required=True)),
        rating=None if rating is None else float(rating),
        reads=reads,
        progress_pages=_number(entry, "progress_pages"),
        progress_percent=_number(entry, "progress_percent"),
        visibility=Visibility(visibility) if visibility else None,
    )


def _loan(entry: Any) -> ImportedLoan:
    if not isinstance(entry, dict):
        raise _Bad("loans is not a list of objects")
    lent_on = _day(entry, "lent_on")
    if lent_on is None:
        raise _Bad("a loan has no lent_on")
    return ImportedLoan(
        borrower=_text(entry, "borrower", required=True),
        lent_on=lent_on,
        due_on=_day(entry, "due_on"),
        returned_on=_day(entry, "returned_on"),
        note=_text(entry, "note"),
    )


def _post(entry: Any) -> ImportedPost:
    if not isinstance(entry, dict):
        raise _Bad("it is not an object")
    visibility = _text(entry, "visibility")
    return ImportedPost(
        title=_text(entry, "title", required=True),
        body=_text(entry, "body") or "",
        kind=PostKind(_text(entry, "kind") or PostKind.NOTE),
        visibility=Visibility(visibility) if visibility else None,
        created_at=_moment(entry, "created_at"),
        updated_at=_moment(entry, "updated_at"),
    )


SOURCE = ShelfmarkSource()
