"""Series, and each book's place in them.

A position is what the reader writes (``1``, ``0.5``, ``2-3``: an omnibus of two and
three) or nothing; ``position_sort`` is its first number, so "10" sorts after "9" and
books without a position come last.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.book import sort_key_for_title

if TYPE_CHECKING:
    from webapp.models.book import Book

#: ASCII digits with an optional decimal part, optionally a range: ``1``, ``0.5``, ``2-3``.
_POSITION = re.compile(r"([0-9]{1,4}(?:\.[0-9]{1,2})?)(?:-([0-9]{1,4}(?:\.[0-9]{1,2})?))?")
POSITION_MAX_LENGTH = 20


class InvalidSeriesPosition(ValueError):
    pass


def parse_position(text: str | None) -> tuple[str | None, float | None]:
    """(position as shown, its sort number) from what a person or an export wrote."""
    text = "".join((text or "").split())
    if not text:
        return None, None
    match = _POSITION.fullmatch(text.replace("\N{EN DASH}", "-"))
    if match is None:
        raise InvalidSeriesPosition("A position in a series is a number such as 1, 0.5 or 2-3.")
    first, last = match.groups()
    if last is not None and float(last) < float(first):
        raise InvalidSeriesPosition("A range of positions goes up, as in 2-3.")
    shown = first if last is None else f"{first}-{last}"
    return shown, float(first)


class Series(db.Model):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    sort_name: Mapped[str] = mapped_column(String(255), index=True)

    book_links: Mapped[list[BookSeries]] = relationship(
        back_populates="series", cascade="all, delete-orphan", passive_deletes=True
    )

    def __init__(self, name: str) -> None:
        self.name = " ".join(name.split())
        self.sort_name = sort_key_for_title(self.name)

    def __repr__(self) -> str:
        return f"<Series {self.name!r}>"


class BookSeries(db.Model):
    __tablename__ = "book_series"
    __table_args__ = (
        CheckConstraint("position_sort IS NULL OR position_sort >= 0", name="position_not_negative"),
        CheckConstraint("(position IS NULL) = (position_sort IS NULL)", name="position_has_sort"),
        Index("ix_book_series_series_position", "series_id", "position_sort", "book_id"),
    )

    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[str | None] = mapped_column(String(POSITION_MAX_LENGTH))
    position_sort: Mapped[float | None] = mapped_column(Float)

    book: Mapped[Book] = relationship(back_populates="series_links")
    series: Mapped[Series] = relationship(back_populates="book_links")

    def set_position(self, text: str | None) -> None:
        self.position, self.position_sort = parse_position(text)

    @property
    def label(self) -> str:
        """``The Locked Tomb #1``, or just the series' name."""
        return f"{self.series.name} #{self.position}" if self.position else self.series.name
