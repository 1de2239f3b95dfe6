"""ISBN-10 and ISBN-13: checksums and normal forms.

Normal form is digits only (and a final ``X`` for ISBN-10). Hyphens and spaces are
what people type and what Goodreads exports (``="0441172717"``), so both are dropped
before checking.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")  # spaces, hyphens and dashes
#: ASCII digits: ``str.isdigit`` is true of "٣" and "²" too (``int("²")`` is an error).
_ISBN13 = re.compile(r"[0-9]{13}")
_ISBN10 = re.compile(r"[0-9]{9}[0-9X]")


class InvalidISBN(ValueError):
    """The text is not a valid ISBN; the message says why, for a form field."""


def _strip(value: str) -> str:
    value = value.strip().removeprefix("=").strip('"').strip()
    value = re.sub(r"^isbn(?:-1[03])?:?", "", value, flags=re.IGNORECASE).strip()
    return _SEPARATORS.sub("", value).upper()


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_check_digit(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def normalize_isbn13(value: str) -> str:
    """Return the 13 digits of a valid ISBN-13; an ISBN-10 is converted to ISBN-13."""
    digits = _strip(value)
    if len(digits) == 10:
        return isbn10_to_isbn13(digits)
    if not _ISBN13.fullmatch(digits):
        raise InvalidISBN("An ISBN-13 has 13 digits.")
    if not digits.startswith(("978", "979")):
        raise InvalidISBN("An ISBN-13 starts with 978 or 979.")
    if isbn13_check_digit(digits[:12]) != digits[12]:
        raise InvalidISBN("This ISBN-13's check digit is wrong; look for a typo.")
    return digits


def normalize_isbn10(value: str) -> str:
    digits = _strip(value)
    if not _ISBN10.fullmatch(digits):
        raise InvalidISBN("An ISBN-10 has 9 digits and a final digit or X.")
    if isbn10_check_digit(digits[:9]) != digits[9]:
        raise InvalidISBN("This ISBN-10's check digit is wrong; look for a typo.")
    return digits


def isbn10_to_isbn13(value: str) -> str:
    digits = normalize_isbn10(value)
    first12 = "978" + digits[:9]
    return first12 + isbn13_check_digit(first12)


def isbn13_to_isbn10(value: str) -> str | None:
    """Only 978-prefixed ISBN-13s have an ISBN-10."""
    digits = normalize_isbn13(value)
    if not digits.startswith("978"):
        return None
    return digits[3:12] + isbn10_check_digit(digits[3:12])
