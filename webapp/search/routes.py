"""The results page, the header's suggestions, and the seed-style JSON endpoint."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.pagination import MAX_PER_PAGE, clamped_page
from webapp.search.service import KINDS, search_items, search_library
from webapp.validation import ascii_int

bp = Blueprint("search", __name__)
api_bp = Blueprint("search_api", __name__)

SUGGESTIONS = 6


def _query_args() -> tuple[str, int, tuple[str, ...]]:
    """q, page and kind from the query string; malformed values fall back to defaults."""
    query = request.args.get("q", "", type=str)
    page = clamped_page()
    kind = request.args.get("kind", "", type=str)
    kinds = (kind,) if kind in KINDS else KINDS
    return query, page, kinds


@bp.get("/search")
@login_required
def results() -> ResponseReturnValue:
    query, page, kinds = _query_args()
    found = search_library(query, current_user, page=page, kinds=kinds)
    kind = kinds[0] if len(kinds) == 1 else ""
    return render_template("search/results.html", found=found, query=query, kind=kind)


@bp.get("/search/suggest")
@login_required
def suggest() -> ResponseReturnValue:
    """A few top hits as <li role="option"> items for the header's listbox."""
    query = request.args.get("q", "", type=str)
    found = search_library(query, current_user, per_page=SUGGESTIONS)
    return render_template("search/suggestions.html", found=found, query=query)


@api_bp.get("/search")
def api_search() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return jsonify(error="unauthorized", message="Sign in to search."), 401
    query, page, _kinds = _query_args()
    per_page = min(max(request.args.get("per_page", 20, type=ascii_int) or 20, 1), MAX_PER_PAGE)
    items, total = search_items(query, current_user._get_current_object(), page, per_page)
    return jsonify(
        items=items,
        total=total,
        pages=max(1, -(-total // per_page)),
        current_page=page,
        per_page=per_page,
    )
