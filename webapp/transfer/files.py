"""Opening what a person gave us: one text file (CSV or TSV) or a folder.

Exports come from spreadsheets and twenty-year-old web apps: UTF-8 with or without a BOM,
UTF-16 from Excel, ISO-8859-1 from LibraryThing, CRLF, semicolons where Excel's locale
uses the comma for decimals, cells of thousands of characters, a quote left open. All of
that is read or reported here; nothing reads the whole file into memory (a 100,000-row
export is streamed, row by row).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: How much of a file is looked at to tell its encoding, delimiter and kind.
SAMPLE_BYTES = 64 * 1024
#: A single cell larger than this is not a book's data; its row is skipped.
CELL_MAX_CHARS = 1_000_000

#: Magic numbers of files people drop by mistake, for a one-line "this is not…" answer.
_KNOWN_BINARIES = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file (save it as CSV)"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


class UnreadableFile(Exception):
    """The file is not one we can read at all; the message is one line for a person."""


@dataclass(frozen=True)
class Sample:
    """The start of a file, decoded: what ``sniff`` functions look at."""

    path: Path
    raw: bytes
    encoding: str
    text: str

    @property
    def first_line(self) -> str:
        return self.text.lstrip("\ufeff").splitlines()[0] if self.text.strip() else ""


def kind_of_binary(raw: bytes) -> str | None:
    """What a binary file is ("a ZIP archive"), or None if it may be text."""
    for magic, name in _KNOWN_BINARIES:
        if raw.startswith(magic):
            return name
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in raw[:SAMPLE_BYTES]:
        return "a binary file, not text"
    return None


#: A character of two to four bytes as UTF-8 writes it; ISO-8859-1 text almost never
#: holds one by chance ("Ã©" is the tell-tale of UTF-8 read as Latin-1).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: The decoding error handler of UTF-8 files: a stray byte of another encoding (one
#: row pasted from a Windows program into a UTF-8 export) is read as Windows-1252
#: rather than lost, and the rest of the file stays UTF-8.
STRAY_BYTES = "shelfmark-stray-cp1252"


def _stray_cp1252(problem: UnicodeError) -> tuple[str, int]:
    if not isinstance(problem, UnicodeDecodeError):
        raise problem
    stray = problem.object[problem.start : problem.end]
    # The five bytes Windows-1252 leaves undefined are read as ISO-8859-1 (controls).
    text = "".join(
        bytes([byte]).decode("cp1252", errors="ignore") or bytes([byte]).decode("latin-1") for byte in stray
    )
    return text, problem.end


codecs.register_error(STRAY_BYTES, _stray_cp1252)


def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252, which reads
    every ISO-8859-1 text the same way and Excel's Western exports too.

    A UTF-8 file with a few bytes that are not UTF-8 (real LibraryThing exports have
    them) is still UTF-8: more of its characters are well-formed UTF-8 sequences than
    there are stray bytes. Read with :data:`STRAY_BYTES`, those few become Windows-1252
    characters instead of turning every accent of the file into mojibake."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # The sample may end inside a character: an incremental decoder allows that.
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    well_formed = len(_UTF8_SEQUENCE.findall(raw))
    stray = raw.decode("utf-8", errors="replace").count("\ufffd")
    return "utf-8" if well_formed > stray else "cp1252"


def decode_errors(encoding: str) -> str:
    """How undecodable bytes are read: UTF-8's strays as Windows-1252, else U+FFFD."""
    return STRAY_BYTES if encoding.replace("_", "-").lower().startswith("utf-8") else "replace"


def read_sample(path: Path) -> Sample:
    """The first bytes of a text file, decoded; UnreadableFile for what is not text."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(SAMPLE_BYTES)
    except IsADirectoryError:
        raise UnreadableFile(f"{path.name} is a folder, not a file.") from None
    except OSError as problem:
        raise UnreadableFile(f"{path.name} cannot be read: {problem.strerror or problem}.") from None
    if not raw.strip():
        raise UnreadableFile(f"{path.name} is empty.")
    binary = kind_of_binary(raw)
    if binary:
        raise UnreadableFile(f"{path.name} is {binary}, not a CSV or TSV export.")
    encoding = detect_encoding(raw)
    text = raw.decode(encoding, errors=decode_errors(encoding))
    return Sample(path=path, raw=raw, encoding=encoding, text=text)


def open_text(path: Path, encoding: str | None = None) -> io.TextIOWrapper:
    """The file as text, newlines left to the csv module (``newline=""``). Bytes that
    the detected encoding cannot read become U+FFFD (or, in UTF-8, Windows-1252
    characters: see :func:`detect_encoding`) rather than stopping the import."""
    encoding = encoding or read_sample(path).encoding
    return open(path, encoding=encoding, errors=decode_errors(encoding), newline="")


def detect_delimiter(first_line: str) -> str:
    """Comma, semicolon or tab: whichever the header line has most of outside quotes."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


@dataclass(frozen=True)
class CsvProblem:
    """The reader could not go on: a broken row. ``row`` is where it stopped."""

    row: int
    reason: str


def csv_rows(
    path: Path, *, delimiter: str | None = None, encoding: str | None = None
) -> Iterator[tuple[int, list[str]] | CsvProblem]:
    """``(row number, cells)`` for every row including the header (row 1), as a
    spreadsheet numbers them; a multi-line cell is one row. On a row the csv module
    cannot read, yields a CsvProblem and stops (what comes after a broken quote cannot
    be trusted)."""
    sample = read_sample(path)
    delimiter = delimiter or detect_delimiter(sample.first_line)
    csv.field_size_limit(CELL_MAX_CHARS)
    with open_text(path, encoding or sample.encoding) as stream:
        reader = csv.reader(stream, delimiter=delimiter, strict=False)
        number = 0
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as problem:
                yield CsvProblem(number, f"the file cannot be read from here on ({problem})")
                return
            if number == 1 and cells:
                cells[0] = cells[0].lstrip("\ufeff")
            yield number, cells


def header_index(header: list[str]) -> dict[str, int]:
    """Column name (trimmed, case kept) -> position; the first of repeated names wins."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name.strip(), position)
    return index


def header_names(path: Path) -> list[str]:
    """The column names of a file's first line (trimmed), for ``sniff``: a source is
    told by its exact column names, not by words that two apps' headers share. Empty
    for a folder or a file that is not text."""
    if path.is_dir():
        return []
    try:
        first_line = read_sample(path).first_line
    except UnreadableFile:
        return []
    try:
        cells = next(csv.reader([first_line], delimiter=detect_delimiter(first_line)), [])
    except csv.Error:
        return []
    return [cell.strip() for cell in cells]
