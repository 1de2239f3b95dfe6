"""Search the library: the one function pages, the JSON endpoint and the API call.

Results are plain dataclasses; :func:`search_items` is the one JSON shape of a hit, for
``/api/v1/search`` and the seed-style ``/api/search`` alike. Highlighted text is Markup
built here and nowhere else: the backend's marker characters are located in the
stored text, the whole text is HTML-escaped, and only then do the markers become
``<mark>`` elements, so nothing a user wrote reaches the page as HTML.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import Connection

from webapp.extensions import db
from webapp.models import User
from webapp.pagination import MAX_PER_PAGE, PageNavigation
from webapp.search import postgres_index, sqlite_index
from webapp.search.backend import MARK_END, MARK_START, Access, RawHit
from webapp.search.query import fts5_expression, parse_query, tsquery_expression

KINDS = ("book", "post")
#: A hit's page (the library's book page, the journal's post) and its API resource,
#: as endpoint and URL argument.
HIT_PAGES = {"book": ("library.book", "book_id"), "post": ("journal.post", "post_id")}
API_URLS = {"book": ("api.get_book", "book_id"), "post": ("api.get_post", "post_id")}

_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
_STRAY_MARKS = re.compile(f"[{MARK_START}{MARK_END}]")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
#: Tags in a snippet of an imported (HTML) description, the last one perhaps cut off by
#: the snippet's end: dropped, the text kept (the snippet is escaped either way).
_TAGS = re.compile(r"<[A-Za-z/!][^<>]*(?:>|$)")
_MD_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}|>|[-+*]|\d+\.)\s+|[*_`~]+", re.MULTILINE)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: int
    title: Markup
    snippet: Markup
    score: float

    @property
    def url(self) -> str:
        """The hit's page, built when asked: ``url_for`` needs a request, a search does not."""
        return self.page_url()

    def page_url(self, *, external: bool = False) -> str:
        endpoint, argument = HIT_PAGES[self.kind]
        return url_for(endpoint, **{argument: self.id}, _external=external)

    def api_url(self) -> str:
        endpoint, argument = API_URLS[self.kind]
        return url_for(endpoint, **{argument: self.id}, _external=True)


@dataclass(frozen=True)
class SearchPage(PageNavigation):
    """One page of results; shaped like Flask-SQLAlchemy's Pagination for the macro."""

    query: str
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    kinds: tuple[str, ...] = field(default=KINDS)
    #: More matched than were ranked (SQLite ranks the newest ``sqlite_index.WINDOW``
    #: per tier); ``total`` then counts the ranked ones and a page says "300+".
    more: bool = False

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0


def marked_to_markup(marked: str) -> Markup:
    """Escape everything, then turn the backend's marker pairs into <mark> elements."""
    escaped = str(escape(marked))
    highlighted = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return Markup(_STRAY_MARKS.sub("", highlighted))  # noqa: S704 - escaped above


def plain_markdown(text: str) -> str:
    """Markdown's marks dropped, cheaply, for a snippet: not a renderer, just tidier."""
    return _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text))


def _snippet(hit: RawHit) -> Markup:
    if hit.kind == "post":
        return marked_to_markup(plain_markdown(hit.body))
    parts = [hit.authors] if hit.authors else []
    if MARK_START in hit.details:
        parts.append(hit.details)
    if MARK_START in hit.body:  # a word of the description
        parts.append(plain_markdown(_TAGS.sub(" ", hit.body)))
    return marked_to_markup(" · ".join(parts))


def _hit(raw: RawHit) -> SearchHit:
    return SearchHit(
        kind=raw.kind,
        id=raw.id,
        title=marked_to_markup(raw.title),
        snippet=_snippet(raw),
        score=raw.score,
    )


def search_library(
    query: str,
    viewer: User | None,
    page: int = 1,
    per_page: int = 20,
    kinds: Sequence[str] = KINDS,
) -> SearchPage:
    """Books and posts matching ``query`` that ``viewer`` may see, best first.

    Private posts are found only by their author; without a viewer, only books and
    shared posts. Any text is a valid query; one with nothing to look for finds nothing."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    kinds = tuple(kind for kind in KINDS if kind in kinds)
    access = Access(
        books="book" in kinds,
        posts="post" in kinds,
        viewer_id=viewer.id if viewer is not None else None,
    )
    parsed = parse_query(query)
    connection = db.session.connection()
    offset = (page - 1) * per_page
    if connection.dialect.name == "postgresql":
        expression = tsquery_expression(parsed)
        backend = postgres_index
    else:
        expression = fts5_expression(parsed)
        backend = sqlite_index
    if expression is None:
        return SearchPage(query=query, hits=[], total=0, page=page, per_page=per_page, kinds=kinds)
    total, more, raw_hits = backend.search(connection, expression, access, per_page, offset)
    return SearchPage(
        query=query,
        hits=[_hit(raw) for raw in raw_hits],
        total=total,
        page=page,
        per_page=per_page,
        kinds=kinds,
        more=more,
    )


def search_items(query: str, viewer: User, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of hits as both JSON endpoints show them (plain-text titles, absolute
    URLs), and the total."""
    found = search_library(query, viewer, page=page, per_page=per_page)
    items = [
        {
            "kind": hit.kind,
            "id": hit.id,
            "title": hit.title.striptags(),
            "snippet": str(hit.snippet),
            "score": round(hit.score, 6),
            "url": hit.api_url(),
            "page_url": hit.page_url(external=True),
        }
        for hit in found.hits
    ]
    return items, found.total


def rebuild_index(connection: Connection) -> None:
    """Refill the index from the tables (after a restore, or if in doubt)."""
    backend = postgres_index if connection.dialect.name == "postgresql" else sqlite_index
    backend.rebuild(connection)
