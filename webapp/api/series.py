"""``/series``: the series of the shared library, read-only. A series is made, and a
book placed in it, through a book's ``series`` (``POST/PATCH /books``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from webapp.api import bp
from webapp.api.pagination import page_of, paginate
from webapp.api.records import get_or_404
from webapp.api.schemas.series import SeriesDetailOut, SeriesOut, SeriesQuery
from webapp.extensions import db
from webapp.models import Book, BookSeries, Series

TAGS = ["Series"]


def _with_counts(series: list[Series]) -> list[dict[str, Any]]:
    counts = dict(
        db.session.execute(
            select(BookSeries.series_id, func.count())
            .where(BookSeries.series_id.in_([one.id for one in series]))
            .group_by(BookSeries.series_id)
        ).all()
    )
    return [{"id": one.id, "name": one.name, "book_count": counts.get(one.id, 0)} for one in series]


def books_in_order(series: Series) -> list[dict[str, Any]]:
    """The series' books by position: numerically, books without a position last."""
    rows = db.session.execute(
        select(Book.id, Book.title, BookSeries.position)
        .join(BookSeries, BookSeries.book_id == Book.id)
        .where(BookSeries.series_id == series.id)
        .order_by(BookSeries.position_sort.is_(None), BookSeries.position_sort, Book.sort_title, Book.id)
    )
    return [{"id": row.id, "title": row.title, "position": row.position} for row in rows]


@bp.get("/series")
@bp.input(SeriesQuery, location="query", arg_name="query")
@bp.output(page_of(SeriesOut))
@bp.doc(tags=TAGS, summary="List series", description="By name, leading articles aside (as titles).")
def list_series(query: dict[str, Any]):
    statement = select(Series)
    if text := (query.get("q") or "").strip():
        statement = statement.where(Series.name.icontains(text, autoescape=True))
    statement = statement.order_by(Series.sort_name, Series.id)
    body, headers = paginate(statement, query["page"], query["per_page"])
    body["items"] = _with_counts(body["items"])
    return body, 200, headers


@bp.get("/series/<int:series_id>")
@bp.output(SeriesDetailOut)
@bp.doc(tags=TAGS, summary="One series, with its books in order", responses={404: "No series has this id."})
def get_series(series_id: int):
    series = get_or_404(Series, series_id, "series")
    return {"id": series.id, "name": series.name, "books": books_in_order(series)}
