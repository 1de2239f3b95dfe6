"""``/shelves``: every user's shelves are visible (profiles show them); owners change theirs."""

from __future__ import annotations

from typing import Any

from apiflask.schemas import EmptySchema
from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import abort, field_error
from webapp.api.pagination import page_of, paginate
from webapp.api.records import get_or_404, save
from webapp.api.schemas.shelves import ShelfIn, ShelfOut, ShelfQuery
from webapp.extensions import db
from webapp.models import Book, Shelf, User, book_shelves

SORTS = {
    "name": (Shelf.name, Shelf.id),
    "-name": (Shelf.name.desc(), Shelf.id.desc()),
    "created": (Shelf.created_at, Shelf.id),
    "-created": (Shelf.created_at.desc(), Shelf.id.desc()),
}
TAGS = ["Shelves"]


def _with_counts(shelves: list[Shelf]) -> list[dict[str, Any]]:
    """Shelves as the API shows them, with book counts from one grouped query."""
    ids = [shelf.id for shelf in shelves]
    counts = dict(
        db.session.execute(
            select(book_shelves.c.shelf_id, func.count())
            .where(book_shelves.c.shelf_id.in_(ids))
            .group_by(book_shelves.c.shelf_id)
        ).all()
    )
    return [
        {
            "id": s.id,
            "name": s.name,
            "owner": s.owner,
            "book_count": counts.get(s.id, 0),
            "created_at": s.created_at,
        }
        for s in shelves
    ]


def _own_shelf(shelf_id: int) -> Shelf:
    shelf = get_or_404(Shelf, shelf_id, "shelf")
    if shelf.owner_id != caller().user_id:
        abort(403, "Only the owner of a shelf may change or delete it.")
    return shelf


def _apply(shelf: Shelf, data: dict[str, Any]) -> None:
    if "name" in data:
        shelf.name = data["name"].strip()
    if "book_ids" in data:
        wanted = set(data["book_ids"])
        with db.session.no_autoflush:  # a duplicate name must fail in save() as a 409
            books = list(db.session.scalars(select(Book).where(Book.id.in_(wanted)))) if wanted else []
        missing = sorted(wanted - {book.id for book in books})
        if missing:
            db.session.rollback()
            field_error("book_ids", f"There are no books with ids {missing[:20]}.")
        shelf.books = books


@bp.get("/shelves")
@bp.input(ShelfQuery, location="query", arg_name="query")
@bp.output(page_of(ShelfOut))
@bp.doc(tags=TAGS, summary="List shelves")
def list_shelves(query: dict[str, Any]):
    statement = select(Shelf).options(selectinload(Shelf.owner))
    if owner := query.get("owner"):
        statement = statement.where(Shelf.owner_id.in_(select(User.id).where(User.username == owner)))
    if text := (query.get("q") or "").strip():
        statement = statement.where(Shelf.name.icontains(text, autoescape=True))
    body, headers = paginate(statement.order_by(*SORTS[query["sort"]]), query["page"], query["per_page"])
    body["items"] = _with_counts(body["items"])
    return body, 200, headers


@bp.post("/shelves")
@bp.input(ShelfIn, arg_name="data")
@bp.output(ShelfOut, status_code=201, description="Created; Location names it.")
@bp.doc(tags=TAGS, summary="Make a shelf", responses={409: "You already have a shelf with this name."})
def create_shelf(data: dict[str, Any]):
    shelf = Shelf(owner_id=caller().user_id)
    db.session.add(shelf)
    _apply(shelf, data)
    save()
    return (
        _with_counts([shelf])[0],
        201,
        {"Location": url_for("api.get_shelf", shelf_id=shelf.id, _external=True)},
    )


@bp.get("/shelves/<int:shelf_id>")
@bp.output(ShelfOut)
@bp.doc(tags=TAGS, summary="One shelf")
def get_shelf(shelf_id: int):
    return _with_counts([get_or_404(Shelf, shelf_id, "shelf")])[0]


@bp.patch("/shelves/<int:shelf_id>")
@bp.input(ShelfIn(partial=True), arg_name="data")
@bp.output(ShelfOut)
@bp.doc(tags=TAGS, summary="Rename your shelf or change its books")
def update_shelf(shelf_id: int, data: dict[str, Any]):
    shelf = _own_shelf(shelf_id)
    _apply(shelf, data)
    save()
    return _with_counts([shelf])[0]


@bp.delete("/shelves/<int:shelf_id>")
@bp.output(EmptySchema, status_code=204, description="Deleted; the books stay in the library.")
@bp.doc(tags=TAGS, summary="Delete your shelf")
def delete_shelf(shelf_id: int):
    db.session.delete(_own_shelf(shelf_id))
    save()
    return "", 204
