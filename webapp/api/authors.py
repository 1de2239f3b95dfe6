"""``/authors``: part of the shared library, like books. Renaming or deleting an author
changes every book of theirs, so it follows the rule for editing those books."""

from __future__ import annotations

from typing import Any

from apiflask.schemas import EmptySchema
from flask import url_for
from sqlalchemy import select

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import abort
from webapp.api.pagination import page_of, paginate
from webapp.api.records import get_or_404, save
from webapp.api.schemas.authors import AuthorIn, AuthorOut, AuthorQuery
from webapp.extensions import db
from webapp.models import Author
from webapp.models.book import sort_key_for_author
from webapp.permissions import edit_refusal, others_stake_in_author

TAGS = ["Authors"]
EDIT_REFUSED = {403: "Others have readings or posts on this author's books: editors and administrators only."}
SORTS = {"name": (Author.sort_name, Author.id), "-name": (Author.sort_name.desc(), Author.id.desc())}


@bp.get("/authors")
@bp.input(AuthorQuery, location="query", arg_name="query")
@bp.output(page_of(AuthorOut))
@bp.doc(tags=TAGS, summary="List authors", description="Sorted by surname.")
def list_authors(query: dict[str, Any]):
    statement = select(Author)
    if text := (query.get("q") or "").strip():
        statement = statement.where(Author.name.icontains(text, autoescape=True))
    body, headers = paginate(statement.order_by(*SORTS[query["sort"]]), query["page"], query["per_page"])
    return body, 200, headers


@bp.post("/authors")
@bp.input(AuthorIn, arg_name="data")
@bp.output(AuthorOut, status_code=201, description="Created; Location names it.")
@bp.doc(tags=TAGS, summary="Add an author", responses={409: "An author with this name exists."})
def create_author(data: dict[str, Any]):
    author = Author(data["name"])
    db.session.add(author)
    save()
    return author, 201, {"Location": url_for("api.get_author", author_id=author.id, _external=True)}


def _editable_author_or_403(author_id: int) -> Author:
    author = get_or_404(Author, author_id, "author")
    refusal = edit_refusal(
        caller().user, others_stake_in_author(author.id, caller().user), "this author's books"
    )
    if refusal:
        abort(403, refusal)
    return author


@bp.get("/authors/<int:author_id>")
@bp.output(AuthorOut)
@bp.doc(tags=TAGS, summary="One author")
def get_author(author_id: int):
    return get_or_404(Author, author_id, "author")


@bp.patch("/authors/<int:author_id>")
@bp.input(AuthorIn(partial=True), arg_name="data")
@bp.output(AuthorOut)
@bp.doc(
    tags=TAGS, summary="Rename an author", responses={409: "An author with this name exists.", **EDIT_REFUSED}
)
def update_author(author_id: int, data: dict[str, Any]):
    author = _editable_author_or_403(author_id)
    if "name" in data:
        author.name = " ".join(data["name"].split())
        author.sort_name = sort_key_for_author(author.name)
    save()
    return author


@bp.delete("/authors/<int:author_id>")
@bp.output(EmptySchema, status_code=204, description="Deleted; their books stay, without this author.")
@bp.doc(tags=TAGS, summary="Delete an author", responses=EDIT_REFUSED)
def delete_author(author_id: int):
    db.session.delete(_editable_author_or_403(author_id))
    save()
    return "", 204
