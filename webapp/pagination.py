"""A page of results, for queries that Flask-SQLAlchemy's ``db.paginate`` cannot run
as one statement (the catalogue pages ids through an index, then loads the rows).

It has the attributes templates/macros/pagination.html reads, like ``db.paginate``'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import abort, request

from webapp.validation import ascii_int

#: The highest ``?page=`` any list accepts, pages and API alike: OFFSET stays far inside
#: SQLite's 64-bit integers whatever a URL says (a 20-digit page number used to be a 500).
MAX_PAGE = 1_000_000
#: The most items one page of any list holds (the API's ``per_page``, the search's).
MAX_PER_PAGE = 100


def requested_page() -> int:
    """``?page=`` of an HTML list: 1 when absent or not a number (ASCII digits only: a
    full-width 1 is not one), 404 for a page that cannot exist (below 1 or above
    :data:`MAX_PAGE`)."""
    page = request.args.get("page", 1, type=ascii_int)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def clamped_page() -> int:
    """``?page=`` for the search, which shows a page out of range as the nearest one
    that can exist instead of a 404 (tests/integration/test_search.py asks for that)."""
    return min(max(request.args.get("page", 1, type=ascii_int), 1), MAX_PAGE)


class PageNavigation:
    """Navigation between pages for anything with ``page``, ``per_page`` and ``total``
    (the catalogue's Page, the search's SearchPage); what the pagination macro reads."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self, left_edge: int = 2, left_current: int = 2, right_current: int = 4, right_edge: int = 2
    ) -> Iterator[int | None]:
        """Page numbers to link, with None where a gap goes (as Flask-SQLAlchemy's)."""
        pages = self.pages
        left_end = min(1 + left_edge, pages + 1)
        yield from range(1, left_end)
        if left_end == pages + 1:
            return
        mid_start = max(left_end, self.page - left_current)
        mid_end = min(self.page + right_current + 1, pages + 1)
        if mid_start - left_end > 0:
            yield None
        yield from range(mid_start, mid_end)
        if mid_end == pages + 1:
            return
        right_start = max(mid_end, pages - right_edge + 1)
        if right_start - mid_end > 0:
            yield None
        yield from range(right_start, pages + 1)


@dataclass(frozen=True)
class Page(PageNavigation):
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def first(self) -> int:
        """The 1-based position of the first item on this page (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0
