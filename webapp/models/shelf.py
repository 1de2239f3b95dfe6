from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.book import book_shelves
from webapp.models.common import utcnow

if TYPE_CHECKING:
    from webapp.models.book import Book
    from webapp.models.user import User


class Shelf(db.Model):
    """A named shelf or tag; made by one user, it can hold any book of the library."""

    __tablename__ = "shelves"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship(back_populates="shelves")
    books: Mapped[list[Book]] = relationship(
        secondary=book_shelves, back_populates="shelves", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Shelf {self.name!r}>"
