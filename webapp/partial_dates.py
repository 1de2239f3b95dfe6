"""Dates known to the day, the month or only the year.

Exports know what they know: StoryGraph gives days, an old Goodreads shelf may give a
month, a reader remembering a childhood re-read gives a year. A read keeps each of its
dates with its precision instead of inventing a day. One written form serves forms, the
API and exports: ISO 8601 at reduced precision, ``2019``, ``2019-03`` or ``2019-03-20``.

Stored as the period's first day plus the precision, so dates still sort and compare in
SQL; :meth:`PartialDate.latest` is the period's last day, for the checks that must not
call "finished 2019" earlier than "started March 2019".
"""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass
from datetime import date

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: ASCII digits only (see webapp.validation): a year of four digits, then optionally a
#: month and a day, each one or two digits.
_WRITTEN = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")


class DatePrecision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class InvalidPartialDate(ValueError):
    """Text that is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real date."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date to the day, month or year. ``value`` is the first day of the period."""

    value: date
    precision: DatePrecision = DatePrecision.DAY

    def __post_init__(self) -> None:
        if self.precision is DatePrecision.MONTH and self.value.day != 1:
            raise ValueError("A month is stored as its first day.")
        if self.precision is DatePrecision.YEAR and (self.value.month, self.value.day) != (1, 1):
            raise ValueError("A year is stored as its first day.")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """``2019``, ``2019-03`` or ``2019-03-20`` (the whole text, nothing around it)."""
        match = _WRITTEN.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidPartialDate("Write a date as YYYY-MM-DD, YYYY-MM or YYYY.")
        year, month, day = (int(part) if part else None for part in match.groups())
        try:
            if month is None:
                return cls(date(year, 1, 1), DatePrecision.YEAR)
            if day is None:
                return cls(date(year, month, 1), DatePrecision.MONTH)
            return cls(date(year, month, day), DatePrecision.DAY)
        except ValueError:
            raise InvalidPartialDate(f"{text.strip()} is not a date in the calendar.") from None

    @classmethod
    def stored(cls, value: date | None, precision: str | None) -> PartialDate | None:
        """The date as a row keeps it (a column for the date, one for its precision)."""
        if value is None:
            return None
        return cls(value, DatePrecision(precision or DatePrecision.DAY))

    @property
    def earliest(self) -> date:
        return self.value

    @property
    def latest(self) -> date:
        if self.precision is DatePrecision.YEAR:
            return date(self.value.year, 12, 31)
        if self.precision is DatePrecision.MONTH:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return date(self.value.year, self.value.month, last)
        return self.value

    @property
    def month_known(self) -> bool:
        return self.precision is not DatePrecision.YEAR

    def iso(self) -> str:
        if self.precision is DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    def label(self) -> str:
        """As people write it: ``20 Mar 2019``, ``Mar 2019``, ``2019``."""
        month = MONTH_ABBREVIATIONS[self.value.month - 1]
        if self.precision is DatePrecision.YEAR:
            return str(self.value.year)
        if self.precision is DatePrecision.MONTH:
            return f"{month} {self.value.year}"
        return f"{self.value.day} {month} {self.value.year}"

    def short_label(self) -> str:
        """``Mar 2019`` for a day or a month, ``2019`` for a year: the history line."""
        if self.precision is DatePrecision.YEAR:
            return str(self.value.year)
        return f"{MONTH_ABBREVIATIONS[self.value.month - 1]} {self.value.year}"

    def __str__(self) -> str:
        return self.iso()


def may_precede(first: PartialDate | None, second: PartialDate | None) -> bool:
    """Whether ``first`` can be on or before ``second``: March 2019 may precede 2019 (the
    year ends after March begins), 2020 may not precede 2019-12-31."""
    if first is None or second is None:
        return True
    return first.earliest <= second.latest
