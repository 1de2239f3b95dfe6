"""Cells a spreadsheet would run as formulas, made plain text (OWASP "CSV injection").

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or
``@`` (and, in some versions, a tab or carriage return) as a formula: a book titled
``=HYPERLINK("http://evil", "click")`` would become a live link in the reader's export.
A leading ``'`` makes them text, and webapp.transfer.cells.text takes it off again when
the file is imported, so an export round-trips.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
