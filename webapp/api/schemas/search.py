from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Float, Integer, String
from apiflask.validators import Length, OneOf

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import Text


class SearchQuery(PageQuery):
    q = Text(required=True, validate=Length(min=1, max=200))


class SearchHitOut(Schema):
    kind = String(required=True, validate=OneOf(["book", "post"]))
    id = Integer(required=True)
    title = String(required=True, metadata={"description": "Plain text."})
    snippet = String(
        required=True,
        metadata={"description": "Escaped text around the match; only <mark> elements are HTML."},
    )
    score = Float(required=True, metadata={"description": "Relevance; higher is better."})
    url = String(required=True, metadata={"description": "The API URL of the hit."})
    page_url = String(required=True, metadata={"description": "The hit's page in the app."})
