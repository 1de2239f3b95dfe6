"""``/search``: books and posts for a few words, from the full-text index.

``/api/v1/search`` (API keys or the session) and the seed-style ``/api/search`` (the
app's own pages, in :mod:`webapp.search.routes`) both answer with the search service's
:func:`~webapp.search.service.search_items`, so they always agree.
"""

from __future__ import annotations

from typing import Any

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.pagination import page_of, paginate_rows
from webapp.api.schemas.search import SearchHitOut, SearchQuery
from webapp.extensions import db
from webapp.models import User
from webapp.search.service import search_items


@bp.get("/search")
@bp.input(SearchQuery, location="query", arg_name="query")
@bp.output(page_of(SearchHitOut))
@bp.doc(tags=["Search"], summary="Search books and posts (ranked full-text search)")
def search(query: dict[str, Any]):
    viewer = db.session.get(User, caller().user_id)
    hits, total = search_items(query["q"].strip(), viewer, query["page"], query["per_page"])
    body, headers = paginate_rows(hits, total, query["page"], query["per_page"])
    return body, 200, headers
