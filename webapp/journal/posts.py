"""Who may see which post, in one place: every page that lists posts asks here.

A private post is its author's alone; a shared post is seen by every signed-in user.
Anyone else gets a 404 for a post they may not see, so its existence does not leak.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Book, Post, User, Visibility


def visible_to(viewer: User | None) -> ColumnElement[bool]:
    """A WHERE clause: the posts ``viewer`` may read (none for an anonymous viewer)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Post.id.is_(None)  # matches nothing, without a special case in every caller
    return or_(Post.author_id == viewer.id, Post.visibility == Visibility.SHARED)


def visible_posts(viewer: User | None) -> Select[tuple[Post]]:
    """Posts ``viewer`` may read, newest first, with author and book loaded for listing."""
    return (
        select(Post)
        .where(visible_to(viewer))
        .options(joinedload(Post.author), joinedload(Post.book))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )


def post_for_viewer_or_404(post_id: int, viewer: User | None) -> Post:
    post = db.session.scalar(select(Post).where(Post.id == post_id, visible_to(viewer)))
    if post is None:
        abort(404)
    return post


def own_post_or_404(post_id: int, viewer: User) -> Post:
    """Only the author edits or deletes; to everyone else the post might as well not exist
    (a shared post answers 403, since they can already see it)."""
    post = post_for_viewer_or_404(post_id, viewer)
    if post.author_id != viewer.id:
        abort(403)
    return post


def posts_about(book: Book, viewer: User | None, limit: int = 50) -> list[Post]:
    """The posts about ``book`` that ``viewer`` may read, newest first (for the book page)."""
    return list(db.session.scalars(visible_posts(viewer).where(Post.book_id == book.id).limit(limit)))


def posts_by(author: User, viewer: User | None) -> Select[tuple[Post]]:
    return visible_posts(viewer).where(Post.author_id == author.id)
