"""/library: the catalogue as a table or a cover grid."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.extensions import db
from webapp.library import bp
from webapp.library.forms import LibraryFilterForm, options
from webapp.library.listing import DEFAULT_DESCENDING, CatalogueQuery, catalogue_page
from webapp.models import Series, Shelf
from webapp.pagination import requested_page

#: Query-string keys the page links keep (everything but ``page``).
KEPT_ARGS = (
    "view",
    "sort",
    "order",
    "status",
    "shelf",
    "author",
    "year_from",
    "year_to",
    "format",
    "series",
    "per_page",
)


@bp.get("/library")
@login_required
def catalogue():
    shelves = db.session.scalars(
        select(Shelf).where(Shelf.owner_id == current_user.id).order_by(Shelf.name)
    ).all()
    form = LibraryFilterForm(request.args)
    form.shelf.choices = options([("", "Any shelf")] + [(str(shelf.id), shelf.name) for shelf in shelves])
    form.validate()
    series = _chosen_series(form)
    query = _query_from(form)
    page = requested_page()
    per_page = int(form.per_page.data) if not form.per_page.errors else 50
    result = catalogue_page(current_user.id, query, page, per_page)
    if page > result.pages:
        abort(404)
    kept = {key: request.args[key] for key in KEPT_ARGS if request.args.get(key)}
    return render_template(
        "library/catalogue.html",
        form=form,
        result=result,
        query=query,
        kept=kept,
        view="grid" if form.view.data == "grid" else "table",
        has_shelves=bool(shelves),
        series=series,
        kept_without_series={key: value for key, value in kept.items() if key != "series"},
    )


def _chosen_series(form: LibraryFilterForm) -> Series | None:
    """The series of ``?series=``, or None; an unknown one is a field message (a
    bookmarked series since emptied and deleted, or a typed URL)."""
    series_id = _valid(form.series)
    if series_id is None:
        return None
    series = db.session.get(Series, series_id)
    if series is None:
        form.series.errors = [*form.series.errors, "There is no such series (any more)."]
    return series


def _valid(field) -> object:
    """A field's value if it passed validation, else None (the page says why)."""
    return None if field.errors or field.data in ("", None) else field.data


def _query_from(form: LibraryFilterForm) -> CatalogueQuery:
    sort = _valid(form.sort) or "title"
    order = _valid(form.order)
    descending = DEFAULT_DESCENDING[sort] if not order else order == "desc"
    shelf = _valid(form.shelf)
    return CatalogueQuery(
        status=_valid(form.status),
        shelf_id=int(shelf) if shelf else None,
        author=(form.author.data or "").strip() or None if not form.author.errors else None,
        year_from=_valid(form.year_from),
        year_to=_valid(form.year_to),
        format=_valid(form.format),
        series_id=_valid(form.series),
        sort=sort,
        descending=descending,
    )
