"""What a number and a pattern match are, for every way text comes in: URLs, query
strings, forms and the API's schemas.

Python is generous where we must not be. ``int()`` reads Arabic-Indic and full-width
digits (U+0661, U+FF11), ``"1_000"`` and ``" 5 "``; ``\\d`` matches every script's
digits; ``re.match(r"^[A-Z]{3}$")`` accepts ``"EUR\\n"``, because ``$`` also matches
before a final newline. Each let through a value that is not what it looks like
(``/books/`` and a full-width 1 was book 1; a currency of four characters reached the
database). So a number in text is ASCII digits and nothing else, and a pattern must
match the whole value.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import DateField, DecimalField, IntegerField

#: An optional minus and ASCII digits; nothing before or after.
_ASCII_INTEGER = re.compile(r"-?[0-9]+")
#: Longer numbers are refused unread: no bound here is above 10 digits, and ``int()``
#: of a long enough string is slow enough to matter (Python caps it at 4,300 digits).
MAX_DIGITS = 20
#: A decimal as a person types one (``12.50``, ``1e3``): not ``NaN``, ``1_000`` or full-width,
#: all of which ``Decimal()`` reads.
_ASCII_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,4})?")
#: What a date input sends (``strptime`` also reads full-width digits in ``%Y``).
_ASCII_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")


def ascii_int(text: str | int) -> int:
    """``text`` as an integer, if it is written with ASCII digits only (an optional
    leading minus). Raises ValueError otherwise, so it works as Flask's
    ``request.args.get(..., type=ascii_int)`` and as a WTForms ``coerce`` (which also
    hands it the field's own int values: those pass as they are)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str) or len(text) > MAX_DIGITS + 1 or not _ASCII_INTEGER.fullmatch(text):
        raise ValueError(f"not an integer written in ASCII digits: {text!r}")
    return int(text)


def optional_ascii_int(text: Any) -> int | None:
    """:func:`ascii_int`, or None for anything that is not such a number."""
    try:
        return ascii_int(text)
    except ValueError:
        return None


def full_match(pattern: re.Pattern[str], value: str) -> re.Match[str] | None:
    """``pattern.fullmatch(value)``: the matcher for WTForms' ``Regexp`` (its default,
    ``re.match``, lets ``"EUR\\n"`` through a ``^[A-Z]{3}$``)."""
    return pattern.fullmatch(value)


class WholeNumberField(IntegerField):
    """An IntegerField that takes only a whole number in ASCII digits: not ``"1999.5"``
    (refused by WTForms' own too), but neither ``"1_999"``, ``" 1999 "`` nor full-width digits,
    which WTForms' own stores as 1999. A number input never sends them."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        number = optional_ascii_int(valuelist[0])
        if number is None:
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid integer value."))
        self.data = number


class PlainDecimalField(DecimalField):
    """A DecimalField that reads only an ASCII decimal (see ``_ASCII_DECIMAL``)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and valuelist[0] and not _ASCII_DECIMAL.fullmatch(str(valuelist[0])):
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid decimal value."))
        super().process_formdata(valuelist)


class PlainDateField(DateField):
    """A DateField that reads only ASCII digits (``strptime`` takes others for ``%Y``)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and valuelist[0] and not _ASCII_DATE.fullmatch(str(valuelist[0])):
            self.data = None
            raise ValueError(self.invalid_value_message or self.gettext("Not a valid date value."))
        super().process_formdata(valuelist)
