"""No file makes an importer fail with anything but a one-line UnreadableFile.

Hypothesis writes files the way broken exports are broken: a real header of each source
(taken from the fixtures) followed by rows of hostile cells (quotes left open, embedded
newlines and NULs, formula starters, 10,000-character cells, missing and extra cells),
in UTF-8 with and without a BOM, UTF-16, Windows-1252, with CRLF, with semicolons or tabs
instead of commas. Each source's ``read`` must yield only records or skipped rows, and
``detect`` must either name a source or say in one line what the file is not.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.transfer.files import UnreadableFile
from webapp.transfer.records import BookRecord, GoalRecord, PostRecord, ShelfRecord, SkippedRow
from webapp.transfer.sources import available_sources, detect

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
ITEM_TYPES = (BookRecord, SkippedRow, PostRecord, ShelfRecord, GoalRecord)
TEXT_SOURCES = [source for source in available_sources() if source.name not in ("shelfmark",)]


def _headers() -> list[tuple[str, str]]:
    """(source name, header line) of every CSV/TSV fixture."""
    found = []
    for path in sorted(FIXTURES.glob("*/*")):
        if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
            continue
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                line = raw.decode(encoding).splitlines()[0]
                break
            except (UnicodeDecodeError, IndexError):
                continue
        else:
            continue
        found.append((path.parent.name, line))
    return found


HEADERS = _headers()

hostile_cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            '"',
            '""',
            '="0441013597"',
            '=""',
            '=HYPERLINK("http://example.com")',
            "+1",
            "-2",
            "@SUM(A1)",
            "\x00",
            "line\nbreak",
            "cr\rhere",
            "2019/13/45",
            "2019/03/01-2019/03/20, 2024/01/30-",
            "[2007-04-16]",
            "9.78E+12",
            "4.75",
            "-1",
            "99999999999999999999",
            "The Title (The Series, #1)",
            "<script>alert(1)</script>",
            "x" * 10_000,
            "é ü ß 中文 🙂",
        ]
    ),
)


@st.composite
def broken_files(draw: st.DrawFn) -> bytes:
    _name, header = draw(st.sampled_from(HEADERS))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    columns = max(1, len(next(csv.reader([header], delimiter="\t" if "\t" in header else ","))))
    rows = draw(st.lists(st.lists(hostile_cells, min_size=0, max_size=columns + 3), min_size=0, max_size=6))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    for row in rows:
        writer.writerow(row)
    body = out.getvalue()
    if draw(st.booleans()):
        body += '"an unclosed quote, then the end'
    text = header + "\n" + body
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


def _read_all(path: Path) -> None:
    for source in TEXT_SOURCES:
        try:
            if not source.sniff(path):
                continue
            for item in source.read(path):
                assert isinstance(item, ITEM_TYPES), item
        except UnreadableFile as problem:
            assert "\n" not in str(problem)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=broken_files())
def test_a_broken_export_is_read_or_refused_in_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    try:
        detect(path)
    except UnreadableFile as problem:
        assert "\n" not in str(problem)
    _read_all(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000))
def test_random_bytes_are_refused_in_one_line_or_read(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    try:
        detect(path)
    except UnreadableFile as problem:
        assert "\n" not in str(problem)
    _read_all(path)


@pytest.mark.parametrize("name", [source.name for source in TEXT_SOURCES])
def test_every_source_reads_a_file_that_is_only_its_header(tmp_path: Path, name: str) -> None:
    headers = [line for source, line in HEADERS if source == name]
    if not headers:
        pytest.skip(f"no text fixture for {name}")
    path = tmp_path / "export.csv"
    path.write_text(headers[0] + "\n", encoding="utf-8")
    source = next(source for source in TEXT_SOURCES if source.name == name)
    assert source.sniff(path)
    assert [item for item in source.read(path) if isinstance(item, BookRecord)] == []
