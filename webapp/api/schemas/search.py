from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length, OneOf

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import Text


class SearchQuery(PageQuery):
    q = Text(required=True, validate=Length(min=1, max=200))


class SearchHitOut(Schema):
    kind = String(required=True, validate=OneOf(["book", "post"]))
    id = Integer(required=True)
    title = String(required=True)
    subtitle = String(allow_none=True, metadata={"description": "Authors of a book; kind of a post."})
    url = String(required=True, metadata={"description": "The API URL of the hit."})
