from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length, OneOf
from marshmallow import ValidationError, validates

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import Text


class AuthorOut(Schema):
    id = Integer(required=True)
    name = String(required=True)
    sort_name = String(required=True, metadata={"description": "Surname first, lower case."})


class AuthorIn(Schema):
    name = Text(required=True, validate=Length(min=1, max=255))

    @validates("name")
    def _has_words(self, value: str, **_: Any) -> None:
        if not value.split():
            raise ValidationError("A name needs at least one visible character.")


class AuthorQuery(PageQuery):
    q = Text(validate=Length(max=200), metadata={"description": "Part of the name."})
    sort = String(load_default="name", validate=OneOf(["name", "-name"]))
