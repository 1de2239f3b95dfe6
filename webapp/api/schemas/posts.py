from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, Nested, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import ValidationError, validates

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import QueryNumber, Text, Timestamp, UserBrief, WholeNumber
from webapp.models import PostKind, Visibility
from webapp.models.limits import ID_MAX


class PostOut(Schema):
    id = Integer(required=True)
    title = String(required=True)
    body = String(required=True, metadata={"description": "Markdown source."})
    kind = String(required=True, validate=OneOf([k.value for k in PostKind]))
    visibility = String(required=True, validate=OneOf([v.value for v in Visibility]))
    book_id = Integer(allow_none=True)
    author = Nested(UserBrief, required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class PostIn(Schema):
    title = Text(required=True, validate=Length(min=1, max=300))
    body = Text(validate=Length(max=200_000), metadata={"description": "Markdown."})
    kind = String(validate=OneOf([k.value for k in PostKind]))
    visibility = String(
        validate=OneOf([v.value for v in Visibility]),
        metadata={"description": "private (default): only you; shared: every user of this library."},
    )
    book_id = WholeNumber(allow_none=True, validate=Range(min=1, max=ID_MAX))

    @validates("title")
    def _has_words(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ValidationError("A title needs at least one visible character.")


class PostQuery(PageQuery):
    q = Text(validate=Length(max=200), metadata={"description": "Words in the title."})
    author = Text(validate=Length(max=64), metadata={"description": "A username."})
    book = QueryNumber(validate=Range(min=1, max=ID_MAX), metadata={"description": "A book id."})
    kind = String(validate=OneOf([k.value for k in PostKind]))
    visibility = String(validate=OneOf([v.value for v in Visibility]))
    sort = String(load_default="-created", validate=OneOf(["created", "-created", "title", "-title"]))
