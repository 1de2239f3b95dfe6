from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Index, UniqueConstraint, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import enum_check, enum_column_type, utcnow
from webapp.models.post import Visibility

if TYPE_CHECKING:
    from webapp.models.book import Book
    from webapp.models.read import Read
    from webapp.models.user import User


class ReadingStatus(enum.StrEnum):
    WANT_TO_READ = "want_to_read"
    READING = "reading"
    READ = "read"
    DID_NOT_FINISH = "did_not_finish"

    @property
    def label(self) -> str:
        return {
            "want_to_read": "Want to read",
            "reading": "Reading",
            "read": "Read",
            "did_not_finish": "Did not finish",
        }[self.value]


class Reading(db.Model):
    """One user's relation to one book; at most one per user and book."""

    __tablename__ = "readings"
    __table_args__ = (
        UniqueConstraint("user_id", "book_id"),
        enum_check("status", ReadingStatus, "status"),
        enum_check("visibility", Visibility, "visibility"),
        CheckConstraint(
            "rating_halves IS NULL OR (rating_halves BETWEEN 1 AND 10)", name="rating_in_half_stars"
        ),
        CheckConstraint("progress_pages IS NULL OR progress_pages >= 0", name="progress_pages"),
        CheckConstraint(
            "progress_percent IS NULL OR (progress_percent BETWEEN 0 AND 100)", name="progress_percent"
        ),
        Index("ix_readings_user_status", "user_id", "status"),
        Index("ix_readings_book_id", "book_id"),
        Index("ix_readings_user_rating", "user_id", "rating_halves", "book_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(enum_column_type(ReadingStatus), default=ReadingStatus.WANT_TO_READ)
    #: Rating in half stars (1 = 0.5 stars … 10 = 5 stars) so the database can check it.
    rating_halves: Mapped[int | None]
    progress_pages: Mapped[int | None]
    progress_percent: Mapped[int | None]
    #: Private: its reader's alone; shared: every member sees it (profile, book page).
    #: New readings take the reader's ``User.reading_visibility``; every query that shows
    #: readings to someone other than their reader filters by :func:`readings_visible_to`.
    visibility: Mapped[str] = mapped_column(enum_column_type(Visibility), default=Visibility.PRIVATE)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="readings")
    book: Mapped[Book] = relationship(back_populates="readings")
    #: Every time through the book, oldest first (see webapp.models.read).
    reads: Mapped[list[Read]] = relationship(
        back_populates="reading",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Read.id",
    )

    @property
    def history(self) -> list[Read]:
        """The reads oldest first: undated ones first, the one under way last."""
        return sorted(self.reads, key=lambda read: read.sort_key())

    @property
    def finished_reads(self) -> list[Read]:
        return [read for read in self.history if read.is_finished]

    @property
    def times_read(self) -> int:
        return sum(1 for read in self.reads if read.is_finished)

    @property
    def current_read(self) -> Read | None:
        return next((read for read in self.reads if read.in_progress), None)

    @property
    def last_finished(self) -> Read | None:
        dated = [read for read in self.finished_reads if read.ended_on is not None]
        return dated[-1] if dated else None

    @property
    def rating(self) -> float | None:
        return None if self.rating_halves is None else self.rating_halves / 2

    @rating.setter
    def rating(self, stars: float | None) -> None:
        if stars is None:
            self.rating_halves = None
            return
        halves = stars * 2
        if halves != int(halves) or not 1 <= halves <= 10:
            raise ValueError("A rating is 0.5 to 5 stars, in half stars.")
        self.rating_halves = int(halves)


def readings_visible_to(viewer_id: int | None) -> ColumnElement[bool]:
    """A WHERE clause: the readings ``viewer_id`` may see (their own, and shared ones).
    The one rule for the profile, the book page's other readers and anything after them."""
    if viewer_id is None:
        return Reading.id.is_(None)  # matches nothing
    return or_(Reading.user_id == viewer_id, Reading.visibility == Visibility.SHARED)
