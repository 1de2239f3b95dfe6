from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import enum_check, enum_column_type, utcnow

if TYPE_CHECKING:
    from webapp.models.book import Book
    from webapp.models.user import User


class PostKind(enum.StrEnum):
    NOTE = "note"
    REVIEW = "review"
    JOURNAL = "journal"


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    SHARED = "shared"


class Post(db.Model):
    """A note, review or journal entry in Markdown (rendered and sanitised on display)."""

    __tablename__ = "posts"
    __table_args__ = (
        enum_check("kind", PostKind, "kind"),
        enum_check("visibility", Visibility, "visibility"),
        Index("ix_posts_author_created", "author_id", "created_at"),
        Index("ix_posts_book_id", "book_id"),
        Index("ix_posts_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    book_id: Mapped[int | None] = mapped_column(ForeignKey("books.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(enum_column_type(PostKind), default=PostKind.NOTE)
    visibility: Mapped[str] = mapped_column(enum_column_type(Visibility), default=Visibility.PRIVATE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[User] = relationship(back_populates="posts")
    book: Mapped[Book | None] = relationship(back_populates="posts")
