"""Pagination for every list: one query schema, one answer shape, one Link header.

``page`` starts at 1 and ``per_page`` is 1 to 100 (default 20). Asking past the last page
is not an error: the answer has no items and says how many pages there are.
"""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Integer, List, Nested
from apiflask.validators import Range
from flask import request, url_for
from marshmallow import Schema as MarshmallowSchema
from sqlalchemy import Select

from webapp.api.schemas.common import QueryNumber
from webapp.extensions import db
from webapp.pagination import MAX_PAGE, MAX_PER_PAGE  # the pages' bounds: OFFSET never overflows

DEFAULT_PER_PAGE = 20


class PageQuery(Schema):
    page = QueryNumber(
        load_default=1, validate=Range(min=1, max=MAX_PAGE), metadata={"description": "From 1."}
    )
    per_page = QueryNumber(
        load_default=DEFAULT_PER_PAGE,
        validate=Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}."},
    )


_page_schemas: dict[type, type[Schema]] = {}


def page_of(item_schema: type[MarshmallowSchema]) -> type[Schema]:
    """The answer schema for a page of ``item_schema`` (one class per item type, for the spec).

    The items nest a same-shaped subclass ("Book" for "BookOut"): APIFlask registers each
    ``@output`` schema class itself and warns if the nested one got there first.
    """
    if item_schema not in _page_schemas:
        base = item_schema.__name__.removesuffix("Out")
        item = type(base, (item_schema,), {"__doc__": item_schema.__doc__})
        _page_schemas[item_schema] = type(
            base + "Page",
            (Schema,),
            {
                "items": List(Nested(item), required=True),
                "total": Integer(required=True),
                "pages": Integer(required=True),
                "current_page": Integer(required=True),
                "per_page": Integer(required=True),
            },
        )
    return _page_schemas[item_schema]


def link_header(page: int, pages: int) -> str:
    """RFC 8288 links to first/prev/next/last, keeping every other query argument."""

    def href(number: int) -> str:
        args = request.args.to_dict(flat=False)
        args["page"] = [str(number)]
        return url_for(request.endpoint or "", **(request.view_args or {}), **args, _external=True)

    links = [f'<{href(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{href(min(page - 1, max(pages, 1)))}>; rel="prev"')
    if page < pages:
        links.append(f'<{href(page + 1)}>; rel="next"')
    links.append(f'<{href(max(pages, 1))}>; rel="last"')
    return ", ".join(links)


def paginate(statement: Select, page: int, per_page: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Run ``statement`` for one page; returns the answer body and its headers."""
    result = db.paginate(statement, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)
    pages = result.pages
    body = {
        "items": list(result.items),
        "total": result.total or 0,
        "pages": pages,
        "current_page": page,
        "per_page": per_page,
    }
    return body, {"Link": link_header(page, pages)}


def paginate_rows(
    rows: list[Any], total: int, page: int, per_page: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """The same answer for a page computed elsewhere (search)."""
    pages = -(-total // per_page) if total else 0
    body = {"items": rows, "total": total, "pages": pages, "current_page": page, "per_page": per_page}
    return body, {"Link": link_header(page, pages)}
