"""Field types every resource uses."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from apiflask import Schema
from apiflask.fields import DateTime, Integer, String
from marshmallow import ValidationError

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


INT32_MAX = 2_147_483_647
