"""The form of one read on the book page: an outcome and two dates typed as text.

A read's dates may be known to the day, the month or only the year, so each is one text
field taking ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (webapp.partial_dates) rather than a
date picker, which could only say a day. The rules between the fields (an end after the
start, nothing in the future, one read under way) are webapp.reading_history's: the
route puts its :class:`~webapp.reading_history.ReadProblem` messages on these fields.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from webapp.library.forms import options
from webapp.models import ReadOutcome
from webapp.partial_dates import InvalidPartialDate, PartialDate

OUTCOME_CHOICES = [(member.value, member.label) for member in ReadOutcome]
#: Longer text is no date; refusing it early keeps the message short.
DATE_TEXT_MAX = 10
DATE_HINT = "YYYY-MM-DD, YYYY-MM or YYYY."


class PartialDateField(StringField):
    """Text to a :class:`PartialDate` (None when blank); bad text is a field message and
    the text stays in the box to be corrected."""

    data: PartialDate | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0] if valuelist else ""
        if not isinstance(text, str) or not text.strip():
            self.data = None
            return
        self.data = None
        if len(text.strip()) > DATE_TEXT_MAX:
            raise ValueError("Write a date as YYYY-MM-DD, YYYY-MM or YYYY.")
        try:
            self.data = PartialDate.parse(text)
        except InvalidPartialDate as problem:
            raise ValueError(str(problem)) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.iso() if isinstance(self.data, PartialDate) else ""


class ReadForm(FlaskForm):
    """Add or edit a read. The field names are ReadProblem's keys."""

    outcome = SelectField("Outcome", choices=options(OUTCOME_CHOICES), default=ReadOutcome.FINISHED.value)
    started_on = PartialDateField("Started", description=DATE_HINT)
    ended_on = PartialDateField("Finished or stopped", description=DATE_HINT)

    def fill_from(self, read: Any) -> None:
        self.outcome.data = read.outcome
        self.started_on.data = read.started
        self.ended_on.data = read.ended

    def add_problems(self, errors: dict[str, str]) -> None:
        """Put webapp.reading_history's messages on the fields they are about."""
        for name, message in errors.items():
            field = getattr(self, name, None) or self.outcome
            field.errors = [*field.errors, message]
