"""webapp.transfer.csv_safety: cells a spreadsheet would run get a leading quote, and
our importers' cells.text takes it off again, so an exported value imports as it was."""

from __future__ import annotations

import pytest

from webapp.transfer.cells import text
from webapp.transfer.csv_safety import neutralise, neutralise_row


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-ology", "'-ology"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=quoted already", "''=quoted already"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(cell, written) -> None:
    assert neutralise(cell) == written


@pytest.mark.parametrize("cell", ["", "Gideon the Ninth", "1984", "O'Brien", "'quoted", "a=b", " =x"])
def test_a_harmless_cell_is_written_as_it_is(cell) -> None:
    assert neutralise(cell) == cell


@pytest.mark.parametrize(
    "cell", ["-ology", "=Equals", "+plus", "@handle", "'=quoted already", "''-x", "plain"]
)
def test_a_neutralised_cell_imports_as_the_text_it_was(cell) -> None:
    assert text(neutralise(cell)) == cell


def test_a_row_is_neutralised_cell_by_cell() -> None:
    assert neutralise_row(["=1", "ok", "-2"]) == ["'=1", "ok", "'-2"]
