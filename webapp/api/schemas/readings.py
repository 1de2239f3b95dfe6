from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Float, Integer, Nested, String
from apiflask.validators import OneOf, Range

from webapp.api.schemas.common import Count, JSONFloat, PartialDateField, Timestamp, WholeNumber
from webapp.models import ReadingStatus, ReadOutcome, Visibility
from webapp.models.limits import PAGES_MAX

HALF_STARS = [halves / 2 for halves in range(1, 11)]
OUTCOMES = [outcome.value for outcome in ReadOutcome]
_DATE_NOTE = "YYYY, YYYY-MM or YYYY-MM-DD: as precisely as you know it; not in the future."


class ReadOut(Schema):
    """One time through a book."""

    id = Integer(required=True)
    book_id = Integer(required=True, attribute="reading.book_id")
    outcome = String(required=True, validate=OneOf(OUTCOMES))
    started_on = PartialDateField(required=True, allow_none=True, attribute="started")
    ended_on = PartialDateField(
        required=True,
        allow_none=True,
        attribute="ended",
        metadata={"description": "When it was finished, or put down (did_not_finish)."},
    )
    created_at = Timestamp(required=True)


class ReadIn(Schema):
    outcome = String(
        required=True,
        validate=OneOf(OUTCOMES),
        metadata={"description": "in_progress: the read under way (at most one, and it has no end)."},
    )
    started_on = PartialDateField(allow_none=True, metadata={"description": _DATE_NOTE})
    ended_on = PartialDateField(
        allow_none=True, metadata={"description": _DATE_NOTE + " Not before started_on."}
    )


class CurrentRead(ReadOut):
    """The read under way, if any."""


class ReadingOut(Schema):
    book_id = Integer(required=True)
    status = String(required=True, validate=OneOf([s.value for s in ReadingStatus]))
    rating = Float(allow_none=True, metadata={"description": "0.5 to 5 stars in half stars."})
    progress_pages = Integer(allow_none=True)
    progress_percent = Integer(allow_none=True)
    times_read = Integer(required=True, metadata={"description": "Finished reads (see …/reads)."})
    read_count = Count(
        required=True, attribute="reads", metadata={"description": "Every read, finished or not."}
    )
    current_read = Nested(CurrentRead, required=True, allow_none=True)
    visibility = String(required=True, validate=OneOf([v.value for v in Visibility]))
    updated_at = Timestamp(required=True)


class ReadingIn(Schema):
    status = String(
        validate=OneOf([s.value for s in ReadingStatus]),
        metadata={
            "description": "reading starts a read today unless one is under way; read and "
            "did_not_finish end it today (see …/reads to give other dates)."
        },
    )
    rating = JSONFloat(allow_none=True, validate=OneOf(HALF_STARS))
    progress_pages = WholeNumber(allow_none=True, validate=Range(min=0, max=PAGES_MAX))
    progress_percent = WholeNumber(allow_none=True, validate=Range(min=0, max=100))
    visibility = String(
        validate=OneOf([v.value for v in Visibility]),
        metadata={
            "description": "private: only you; shared: every member. A new reading without it "
            "takes your default (Settings → Profile)."
        },
    )
