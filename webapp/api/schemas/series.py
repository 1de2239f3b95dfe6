from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import Length

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import Text


class SeriesOut(Schema):
    id = Integer(required=True)
    name = String(required=True)
    book_count = Integer(required=True)


class SeriesBook(Schema):
    id = Integer(required=True)
    title = String(required=True)
    position = String(
        required=True, allow_none=True, metadata={"description": "As written: 1, 0.5, 2-3; null: none."}
    )


class SeriesDetailOut(Schema):
    id = Integer(required=True)
    name = String(required=True)
    books = List(
        Nested(SeriesBook),
        required=True,
        metadata={"description": "By position (numerically; books without one last), then title."},
    )


class SeriesQuery(PageQuery):
    q = Text(validate=Length(max=200), metadata={"description": "Part of the name."})
