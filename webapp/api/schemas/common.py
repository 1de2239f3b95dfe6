"""Field types every resource uses."""

from __future__ import annotations

import re
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


def Timestamp(**kwargs: Any) -> DateTime:
    """Naive UTC in the database; ISO 8601 without an offset in the API (documented as UTC)."""
    return DateTime(
        dump_only=True, metadata={"description": "UTC, ISO 8601.", **kwargs.pop("metadata", {})}, **kwargs
    )


class UserBrief(Schema):
    id = Integer(required=True)
    username = String(required=True)
    display_name = String(required=True)


INT32_MAX = 2_147_483_647
