from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db

if TYPE_CHECKING:
    from webapp.models.user import User


class ReadingGoal(db.Model):
    """How many books a user means to finish in one calendar year (one goal per year)."""

    __tablename__ = "reading_goals"
    __table_args__ = (
        UniqueConstraint("user_id", "year"),
        CheckConstraint("target_books > 0", name="target_books_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    year: Mapped[int]
    target_books: Mapped[int]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ReadingGoal {self.year}: {self.target_books}>"
