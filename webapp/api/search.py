"""``/search``: books and posts for a few words, from the full-text index.

``/api/v1/search`` (API keys or the session) and the seed-style ``/api/search`` (the
app's own pages) both answer with :func:`search_items`, so they always agree.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.pagination import page_of, paginate_rows
from webapp.api.schemas.search import SearchHitOut, SearchQuery
from webapp.extensions import db
from webapp.models import User
from webapp.search import search_library
from webapp.search.service import SearchHit

API_URLS = {"book": ("api.get_book", "book_id"), "post": ("api.get_post", "post_id")}


def _api_item(hit: SearchHit) -> dict[str, Any]:
    endpoint, argument = API_URLS[hit.kind]
    return {
        "kind": hit.kind,
        "id": hit.id,
        "title": hit.title.striptags(),
        "snippet": str(hit.snippet),
        "score": round(hit.score, 6),
        "url": url_for(endpoint, **{argument: hit.id}, _external=True),
        "page_url": url_for("main.index", _external=True).rstrip("/") + hit.url,
    }


def search_items(query: str, viewer: User, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of hits as the API shows them, and the total."""
    found = search_library(query, viewer, page=page, per_page=per_page)
    return [_api_item(hit) for hit in found.hits], found.total


@bp.get("/search")
@bp.input(SearchQuery, location="query", arg_name="query")
@bp.output(page_of(SearchHitOut))
@bp.doc(tags=["Search"], summary="Search books and posts (ranked full-text search)")
def search(query: dict[str, Any]):
    viewer = db.session.get(User, caller().user_id)
    hits, total = search_items(query["q"].strip(), viewer, query["page"], query["per_page"])
    body, headers = paginate_rows(hits, total, query["page"], query["per_page"])
    return body, 200, headers
