"""Small conversions every source needs, each forgiving of what exports really contain
and strict about what it returns. A value that cannot be read raises CellProblem with a
message naming the column, for the row's warnings or its skip reason."""

from __future__ import annotations

import re
from datetime import date

from webapp.isbn import InvalidISBN, isbn10_to_isbn13, isbn13_to_isbn10, normalize_isbn10, normalize_isbn13
from webapp.partial_dates import DatePrecision, PartialDate

#: What webapp.transfer.csv_safety puts before a cell that a spreadsheet would run (and
#: before text that began with ``'`` and such a character already: ``'=x`` -> ``''=x``).
_NEUTRALISED = re.compile(r"^'(?='*[=+\-@\t\r])")


class CellProblem(ValueError):
    """One cell could not be read; the message is for a person ("Date Read 2019/13/01 is
    not a date")."""


def text(value: str | None) -> str | None:
    """Trimmed text or None. Undoes our own export's formula guard (a leading ``'``
    before ``=``, ``+``, ``-``, ``@``), so an exported file imports as it was."""
    if value is None:
        return None
    value = _NEUTRALISED.sub("", value.strip()).strip()
    return value or None


def excel_text(value: str | None) -> str | None:
    """Goodreads writes ISBNs as ``="0441013597"`` so Excel keeps the leading zero."""
    value = text(value)
    if value and value.startswith('="') and value.endswith('"'):
        value = value[2:-1].strip()
    return value or None


_SCIENTIFIC = re.compile(r"^[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+$")


def isbns(value: str | None, column: str = "ISBN") -> tuple[str | None, str | None]:
    """``(isbn13, isbn10)`` from one cell holding an ISBN-10 or -13 (hyphens, ``="…"``,
    ``ISBN:``, LibraryThing's ``[…]`` allowed); both filled where one converts to the
    other. An Excel-mangled number is refused, never guessed: ``9.78E+12`` has lost its
    digits, and nine digits are an ISBN-10 whose leading 0 a spreadsheet dropped (adding
    it back would be a guess, and a wrong one matches another book)."""
    value = excel_text(value)
    if value and value.startswith("[") and value.endswith("]"):
        value = value[1:-1].strip()
    if not value:
        return None, None
    if _SCIENTIFIC.match(value):
        raise CellProblem(f"{column} {value} was turned into a number by a spreadsheet; its digits are lost")
    if len(value) == 9 and value.isdigit():
        raise CellProblem(
            f"{column} {value} has 9 digits, not 10: a spreadsheet may have dropped its leading 0"
        )
    try:
        isbn13 = normalize_isbn13(value)
    except InvalidISBN:
        try:
            isbn10 = normalize_isbn10(value)
        except InvalidISBN:
            raise CellProblem(f"{column} {value} is not a valid ISBN") from None
        return isbn10_to_isbn13(isbn10), isbn10
    return isbn13, isbn13_to_isbn10(isbn13)


def whole_number(value: str | None, column: str, *, minimum: int = 0, maximum: int) -> int | None:
    """An integer in range; ``"412"``, ``"412.0"`` (spreadsheets) and blanks are fine."""
    value = text(value)
    if value is None:
        return None
    try:
        number = float(value.replace(",", "")) if "." in value else int(value.replace(",", ""))
    except ValueError:
        raise CellProblem(f"{column} {value[:40]} is not a number") from None
    if number != int(number) or not minimum <= number <= maximum:
        raise CellProblem(f"{column} {value[:40]} is not a whole number from {minimum} to {maximum}")
    return int(number)


def stars(value: str | None, column: str, *, scale: float = 5.0) -> float | None:
    """A rating in stars (0 or blank = unrated); ``scale`` is the source's maximum
    (Calibre stores 0 to 10: pass 10 and it is halved)."""
    value = text(value)
    if value is None:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise CellProblem(f"{column} {value[:40]} is not a rating") from None
    if not 0 <= number <= scale:
        raise CellProblem(f"{column} {value[:40]} is not a rating from 0 to {scale:g}")
    if number == 0:
        return None
    return number * 5.0 / scale


_DAY_FIRST_FORMATS = (
    re.compile(r"^(?P<y>[0-9]{4})[/.\-](?P<m>[0-9]{1,2})[/.\-](?P<d>[0-9]{1,2})$"),
    re.compile(r"^(?P<y>[0-9]{4})[/.\-](?P<m>[0-9]{1,2})$"),
    re.compile(r"^(?P<y>[0-9]{4})$"),
)


def partial_date(value: str | None, column: str) -> PartialDate | None:
    """``2019/03/20``, ``2019-03-20``, ``2019/03``, ``2019``, ``[2007-04-16]`` and a time
    after the date (``2019-03-20 14:02:11``) are read; anything else is a CellProblem.
    Day-month order is never guessed."""
    value = text(value)
    if value is None:
        return None
    value = value.strip("[]").strip()
    value = value.split("T")[0].split(" ")[0]
    for pattern in _DAY_FIRST_FORMATS:
        match = pattern.match(value)
        if match is None:
            continue
        parts = match.groupdict()
        try:
            year = int(parts["y"])
            if "m" not in parts:
                return PartialDate(date(year, 1, 1), DatePrecision.YEAR)
            if "d" not in parts:
                return PartialDate(date(year, int(parts["m"]), 1), DatePrecision.MONTH)
            return PartialDate(date(year, int(parts["m"]), int(parts["d"])))
        except ValueError:
            break
    raise CellProblem(f"{column} {value[:40]} is not a date")


def full_date(value: str | None, column: str) -> date | None:
    """A date to the day (loans need one), or a CellProblem."""
    found = partial_date(value, column)
    if found is None:
        return None
    if found.precision is not DatePrecision.DAY:
        raise CellProblem(f"{column} {value} is not a full date")
    return found.value


def split_list(value: str | None, separator: str = ",") -> list[str]:
    """``"fantasy, to-buy,  favourites"`` -> the items, trimmed, blanks and repeats dropped."""
    items = (item.strip() for item in (text(value) or "").split(separator))
    return list(dict.fromkeys(item for item in items if item))


#: What follows a comma in a name and belongs to it: "Martin Luther King, Jr.".
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md"}


def split_names(value: str | None) -> list[str]:
    """The names of a comma list; "Jr." and the like stay with the name before them."""
    names: list[str] = []
    for name in split_list(value):
        if names and name.casefold() in NAME_SUFFIXES:
            names[-1] = f"{names[-1]}, {name}"
        else:
            names.append(name)
    return names
