"""Field types every resource uses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from apiflask import Schema
from apiflask.fields import DateTime, Float, Integer, String
from marshmallow import ValidationError
from marshmallow.validate import Regexp

from webapp.partial_dates import InvalidPartialDate, PartialDate
from webapp.validation import optional_ascii_int

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class Text(String):
    """A string the database can store: no NUL (PostgreSQL refuses it) and no lone
    surrogates (they cannot be encoded as UTF-8). JSON allows both, so we say no here."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _UNSTORABLE.search(text):
            raise ValidationError("Text may not contain NUL or unpaired surrogate characters.")
        return text


class UTCDateTime(DateTime):
    """The database keeps naive UTC; the API says so with an offset, as RFC 3339 requires."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def Timestamp(**kwargs: Any) -> DateTime:
    metadata = {"description": "UTC, RFC 3339.", **kwargs.pop("metadata", {})}
    return UTCDateTime(dump_only=True, metadata=metadata, **kwargs)


class UserBrief(Schema):
    id = Integer(required=True)
    username = String(required=True)
    display_name = String(required=True)


class WholeNumber(Integer):
    """An integer in a JSON body is a JSON integer: ``1999``. marshmallow's own Integer
    also takes ``1999.5`` (stored as 1999), ``"1999"`` and ``"1999.0"``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)


class QueryNumber(Integer):
    """An integer in a query string: ASCII digits only (``int()`` would also read
    full-width digits, ``"1_000"`` and ``" 5 "``)."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, str):
            number = optional_ascii_int(value)
            if number is None:
                raise self.make_error("invalid", input=value)
            value = number
        return super()._validated(value)


class JSONFloat(Float):
    """A number in a JSON body is a JSON number, not a string that looks like one."""

    def _validated(self, value: Any) -> float:
        if isinstance(value, str):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class FullMatch(Regexp):
    """marshmallow's Regexp uses ``re.match``: ``^[A-Z]{3}$`` accepts ``"EUR\\n"``.
    This one wants the pattern to match the whole value."""

    def __call__(self, value: Any) -> Any:
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ISODate(String):
    """A day as ``2024-03-20``: ASCII digits, the whole value (marshmallow's Date also
    reads ``20240320``). Documented as OpenAPI's ``date`` format."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metadata = {"format": "date", **self.metadata}

    def _serialize(self, value: date | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.isoformat()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _ISO_DAY.fullmatch(text):
            raise ValidationError("Write a day as YYYY-MM-DD.")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationError(f"{text} is not a date in the calendar.") from None


class PartialDateField(String):
    """A date known to the day, the month or the year: ISO 8601 at reduced precision,
    ``2019``, ``2019-03`` or ``2019-03-20`` (webapp.partial_dates), in and out."""

    PATTERN = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metadata = {
            "pattern": self.PATTERN,
            "examples": ["2019", "2019-03", "2019-03-20"],
            **self.metadata,
        }

    def _serialize(self, value: PartialDate | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.iso()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> PartialDate:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return PartialDate.parse(text)
        except InvalidPartialDate as error:
            raise ValidationError(str(error)) from None


class Count(Integer):
    """How many items a list attribute holds (``reads`` → 2), for an output schema."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(dump_only=True, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> int:
        return len(value or ())
