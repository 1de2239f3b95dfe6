"""One time through a book: the reading history a Reading keeps.

A Reading is a person's relation to a book (status, rating, progress, who sees it); its
reads are each time they read it, with the dates they know. How many times a book was
read and what was finished in a year are counted from the reads; nothing else stores them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import enum_check, enum_column_type, utcnow
from webapp.partial_dates import DatePrecision, PartialDate

if TYPE_CHECKING:
    from webapp.models.reading import Reading


class ReadOutcome(enum.StrEnum):
    FINISHED = "finished"
    DID_NOT_FINISH = "did_not_finish"
    IN_PROGRESS = "in_progress"

    @property
    def label(self) -> str:
        return {"finished": "Finished", "did_not_finish": "Did not finish", "in_progress": "Reading now"}[
            self.value
        ]


class Read(db.Model):
    __tablename__ = "reads"
    __table_args__ = (
        enum_check("outcome", ReadOutcome, "outcome"),
        enum_check("started_precision", DatePrecision, "started_precision"),
        enum_check("ended_precision", DatePrecision, "ended_precision"),
        CheckConstraint("(started_on IS NULL) = (started_precision IS NULL)", name="started_has_precision"),
        CheckConstraint("(ended_on IS NULL) = (ended_precision IS NULL)", name="ended_has_precision"),
        CheckConstraint("outcome != 'in_progress' OR ended_on IS NULL", name="in_progress_has_no_end"),
        # A day-exact end is never before the (first day of the) start. Coarser ends are
        # checked by the application (webapp.partial_dates.may_precede): "2019" may end
        # a read started in March 2019 although its stored first day is 1 January.
        CheckConstraint(
            "ended_precision IS NULL OR ended_precision != 'day' OR started_on IS NULL "
            "OR ended_on >= started_on",
            name="ended_after_started",
        ),
        Index("ix_reads_reading_id", "reading_id"),
        Index("ix_reads_outcome_ended", "outcome", "ended_on"),
        # At most one read under way per reading: "Read again" cannot open a second.
        Index(
            "uq_reads_one_in_progress",
            "reading_id",
            unique=True,
            sqlite_where=text("outcome = 'in_progress'"),
            postgresql_where=text("outcome = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("readings.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(enum_column_type(ReadOutcome), default=ReadOutcome.FINISHED)
    #: The first day of the period ``started_precision`` names (see webapp.partial_dates).
    started_on: Mapped[date | None]
    started_precision: Mapped[str | None] = mapped_column(String(5))
    #: When it was finished, or put down for good (did not finish).
    ended_on: Mapped[date | None]
    ended_precision: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reading: Mapped[Reading] = relationship(back_populates="reads")

    @property
    def started(self) -> PartialDate | None:
        return PartialDate.stored(self.started_on, self.started_precision)

    @started.setter
    def started(self, when: PartialDate | None) -> None:
        self.started_on = None if when is None else when.value
        self.started_precision = None if when is None else when.precision.value

    @property
    def ended(self) -> PartialDate | None:
        return PartialDate.stored(self.ended_on, self.ended_precision)

    @ended.setter
    def ended(self, when: PartialDate | None) -> None:
        self.ended_on = None if when is None else when.value
        self.ended_precision = None if when is None else when.precision.value

    @property
    def outcome_label(self) -> str:
        return ReadOutcome(self.outcome).label

    @property
    def is_finished(self) -> bool:
        return self.outcome == ReadOutcome.FINISHED

    @property
    def in_progress(self) -> bool:
        return self.outcome == ReadOutcome.IN_PROGRESS

    def sort_key(self) -> tuple[date, int]:
        """Oldest first: by the best date known (undated reads first, in the order added)."""
        known = self.ended_on or self.started_on
        if self.in_progress:
            known = date.max
        return (known or date.min, self.id or 0)

    def __repr__(self) -> str:
        return f"<Read {self.id} {self.outcome} {self.started}..{self.ended}>"
