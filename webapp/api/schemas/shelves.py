from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import ValidationError, validates

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import Text, Timestamp, UserBrief, WholeNumber
from webapp.models.limits import ID_MAX


class ShelfOut(Schema):
    id = Integer(required=True)
    name = String(required=True)
    owner = Nested(UserBrief, required=True)
    book_count = Integer(required=True)
    created_at = Timestamp(required=True)


class ShelfIn(Schema):
    name = Text(required=True, validate=Length(min=1, max=100))
    book_ids = List(
        WholeNumber(validate=Range(min=1, max=ID_MAX)),
        validate=Length(max=10_000),
        metadata={"description": "The books on the shelf (replaces them). List them with /books?shelf=id."},
    )

    @validates("name")
    def _has_words(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ValidationError("A name needs at least one visible character.")


class ShelfQuery(PageQuery):
    owner = Text(validate=Length(max=64), metadata={"description": "A username; default: every user's."})
    q = Text(validate=Length(max=100), metadata={"description": "Part of the name."})
    sort = String(load_default="name", validate=OneOf(["name", "-name", "created", "-created"]))
