"""A copy of a book lent to someone: a name, not an account (friends are not members)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import utcnow

if TYPE_CHECKING:
    from webapp.models.book import Book
    from webapp.models.user import User

BORROWER_MAX_LENGTH = 255
LOAN_NOTE_MAX_LENGTH = 2000


class Loan(db.Model):
    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint("returned_on IS NULL OR returned_on >= lent_on", name="returned_after_lent"),
        CheckConstraint("due_on IS NULL OR due_on >= lent_on", name="due_after_lent"),
        CheckConstraint("length(trim(borrower)) > 0", name="borrower_named"),
        Index("ix_loans_book_id", "book_id"),
        Index("ix_loans_open", "returned_on", "due_on", "lent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    borrower: Mapped[str] = mapped_column(String(BORROWER_MAX_LENGTH))
    lent_on: Mapped[date]
    due_on: Mapped[date | None]
    returned_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    #: Who wrote it down (server mode: any member may); kept if that account goes.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    book: Mapped[Book] = relationship(back_populates="loans")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.returned_on is None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    def __repr__(self) -> str:
        return f"<Loan {self.id} book={self.book_id} to {self.borrower!r}>"
