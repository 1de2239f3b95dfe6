"""``/posts``: notes, reviews and journal entries. A private post exists only for its
author (404 to anyone else, so its existence does not leak); only the author changes one."""

from __future__ import annotations

from typing import Any

from apiflask.schemas import EmptySchema
from flask import url_for
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import abort, field_error
from webapp.api.pagination import page_of, paginate
from webapp.api.records import apply, get_or_404, save
from webapp.api.schemas.posts import PostIn, PostOut, PostQuery
from webapp.extensions import db
from webapp.models import Book, Post, User, Visibility

POST_FIELDS = ("title", "body", "kind", "visibility", "book_id")
SORTS = {
    "created": (Post.created_at, Post.id),
    "-created": (Post.created_at.desc(), Post.id.desc()),
    "title": (Post.title, Post.id),
    "-title": (Post.title.desc(), Post.id.desc()),
}
TAGS = ["Posts"]


def visible_posts(viewer_id: int) -> Select:
    """The posts ``viewer_id`` may see: their own and everyone's shared ones."""
    return (
        select(Post)
        .options(selectinload(Post.author))
        .where(or_(Post.author_id == viewer_id, Post.visibility == Visibility.SHARED))
    )


def _visible_post(post_id: int) -> Post:
    post = get_or_404(Post, post_id, "post")
    if post.author_id != caller().user_id and post.visibility != Visibility.SHARED:
        abort(404, f"There is no post with id {post_id}.")
    return post


def _own_post(post_id: int) -> Post:
    post = _visible_post(post_id)
    if post.author_id != caller().user_id:
        abort(403, "Only the author of a post may change or delete it.")
    return post


def _check_book(data: dict[str, Any]) -> None:
    book_id = data.get("book_id")
    if book_id is not None and db.session.get(Book, book_id) is None:
        field_error("book_id", f"There is no book with id {book_id}.")


@bp.get("/posts")
@bp.input(PostQuery, location="query", arg_name="query")
@bp.output(page_of(PostOut))
@bp.doc(tags=TAGS, summary="List posts", description="Your posts and everyone's shared posts.")
def list_posts(query: dict[str, Any]):
    statement = visible_posts(caller().user_id)
    if text := (query.get("q") or "").strip():
        statement = statement.where(Post.title.icontains(text, autoescape=True))
    if author := query.get("author"):
        statement = statement.where(Post.author_id.in_(select(User.id).where(User.username == author)))
    if book := query.get("book"):
        statement = statement.where(Post.book_id == book)
    if kind := query.get("kind"):
        statement = statement.where(Post.kind == kind)
    if visibility := query.get("visibility"):
        statement = statement.where(Post.visibility == visibility)
    body, headers = paginate(statement.order_by(*SORTS[query["sort"]]), query["page"], query["per_page"])
    return body, 200, headers


@bp.post("/posts")
@bp.input(PostIn, arg_name="data")
@bp.output(PostOut, status_code=201, description="Created; Location names it.")
@bp.doc(tags=TAGS, summary="Write a post")
def create_post(data: dict[str, Any]):
    _check_book(data)
    post = Post(author_id=caller().user_id, title=data["title"])
    apply(post, data, POST_FIELDS)
    db.session.add(post)
    save()
    return post, 201, {"Location": url_for("api.get_post", post_id=post.id, _external=True)}


@bp.get("/posts/<int:post_id>")
@bp.output(PostOut)
@bp.doc(tags=TAGS, summary="One post")
def get_post(post_id: int):
    return _visible_post(post_id)


@bp.patch("/posts/<int:post_id>")
@bp.input(PostIn(partial=True), arg_name="data")
@bp.output(PostOut)
@bp.doc(tags=TAGS, summary="Change your post")
def update_post(post_id: int, data: dict[str, Any]):
    post = _own_post(post_id)
    _check_book(data)
    apply(post, data, POST_FIELDS)
    save()
    return post


@bp.delete("/posts/<int:post_id>")
@bp.output(EmptySchema, status_code=204, description="Deleted.")
@bp.doc(tags=TAGS, summary="Delete your post")
def delete_post(post_id: int):
    db.session.delete(_own_post(post_id))
    save()
    return "", 204
