"""The helpers the StoryGraph, LibraryThing and Libib readers added to files.py and
cells.py, and each reader's header for its skipped-rows file."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.transfer.cells import CellProblem, isbns, split_names
from webapp.transfer.files import csv_rows, detect_encoding, header_names
from webapp.transfer.sources import source_named

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("Le Maître et Marguerite".encode(), "utf-8"),
        ("Le Maître et Marguerite".encode("latin-1"), "cp1252"),
        # Mostly UTF-8 with one stray Latin-1 byte, as LibraryThing's real export.
        ("Le Maître, Mikhaïl, Cortázar ".encode() + "Cortâzar".encode("latin-1"), "utf-8"),
    ],
)
def test_a_utf_8_file_with_a_stray_byte_stays_utf_8_and_latin_1_is_latin_1(raw, encoding) -> None:
    assert detect_encoding(raw) == encoding


def test_a_stray_byte_in_a_utf_8_file_is_read_as_windows_1252_not_lost(tmp_path) -> None:
    path = tmp_path / "mixed.tsv"
    path.write_bytes("Title\tSubjects\nLe Maître, Mikhaïl\t".encode() + "Cortâzar".encode("latin-1") + b"\n")
    rows = [item[1] for item in csv_rows(path)]
    assert rows == [["Title", "Subjects"], ["Le Maître, Mikhaïl", "Cortâzar"]]


def test_header_names_are_the_exact_columns_of_the_first_line(tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('\ufeffTitle,"Read Status", Author \nDune,read,Frank Herbert\n', encoding="utf-8")
    assert header_names(path) == ["Title", "Read Status", "Author"]
    assert header_names(tmp_path) == []


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "765350386",
            "upc_isbn10 765350386 has 9 digits, not 10: a spreadsheet may have dropped its leading 0",
        ),
        ("9.78077E+12", "upc_isbn10 9.78077E+12 was turned into a number by a spreadsheet"),
    ],
)
def test_an_isbn_a_spreadsheet_damaged_is_refused_with_what_happened(cell, message) -> None:
    with pytest.raises(CellProblem, match=message.replace("+", r"\+").replace(".", r"\.")):
        isbns(cell, "upc_isbn10")


def test_a_bracketed_librarything_isbn_is_read() -> None:
    assert isbns("[0441013597]") == ("9780441013593", "0441013597")


def test_split_names_keeps_a_suffix_with_its_name() -> None:
    assert split_names("Sammy Davis, Jr., Neil Gaiman") == ["Sammy Davis, Jr.", "Neil Gaiman"]


@pytest.mark.parametrize(
    ("name", "fixture", "delimiter", "first"),
    [
        ("storygraph", "storygraph/storygraph_edge_cases.csv", ",", "Title"),
        ("librarything", "librarything/librarything_edge_cases.tsv", "\t", "Book Id"),
        ("libib", "libib/libib_edge_cases.csv", ",", "item_type"),
    ],
)
def test_skipped_rows_are_written_back_under_the_apps_own_header(name, fixture, delimiter, first) -> None:
    source = source_named(name)
    header = source.skipped_header(FIXTURES / fixture)
    assert header[0] == first and source.skipped_delimiter == delimiter
    assert len(header) == len(header_names(FIXTURES / fixture))
