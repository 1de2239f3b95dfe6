"""A reader's reads of a book, and how they and the reading's status stay in step.

Every front end (the book page, the API, the importers) changes reads through here, so
the rules hold for all of them:

- a read's dates are not in the future and its end is not before its start (as far as
  the precisions allow: "finished 2019" may close a read started in March 2019);
- a read under way has no end, and a reading has at most one under way;
- the status follows the reads: a read under way means *reading*; when the last one
  ends, the status becomes what that read was (*read* or *did not finish*).

Changing the status (the reading form's select, the API's ``status``) moves the reads:
*reading* starts a read today unless one is under way; *read* or *did not finish*
closes the read under way today; *want to read* takes back a read under way that
began today or has no start (a slip of the select), and otherwise records it as not
finished. Marking a book read that was never started adds an undated finished read:
cataloguing the books read long ago must not count them as finished this month.

Callers commit; a :class:`ReadProblem` means nothing was changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import inspect

from webapp.extensions import db
from webapp.models import Read, ReadingStatus, ReadOutcome
from webapp.models.reading import Reading
from webapp.partial_dates import DatePrecision, PartialDate, may_precede

#: Finishing a read says what the reading became.
_STATUS_OF_OUTCOME = {
    ReadOutcome.FINISHED: ReadingStatus.READ,
    ReadOutcome.DID_NOT_FINISH: ReadingStatus.DID_NOT_FINISH,
    ReadOutcome.IN_PROGRESS: ReadingStatus.READING,
}


class ReadProblem(ValueError):
    """What is wrong with a read, per field (``outcome``, ``started_on``, ``ended_on``)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


def check_read(
    outcome: str,
    started: PartialDate | None,
    ended: PartialDate | None,
    today: date,
) -> dict[str, str]:
    """The field messages for a read as given (empty when it is fine)."""
    errors: dict[str, str] = {}
    if outcome not in set(ReadOutcome):
        errors["outcome"] = "Choose finished, did not finish or reading now."
    if started is not None and started.earliest > today:
        errors["started_on"] = "A read cannot start in the future."
    if ended is not None and ended.earliest > today:
        errors["ended_on"] = "A read cannot end in the future."
    elif outcome == ReadOutcome.IN_PROGRESS and ended is not None:
        errors["ended_on"] = "A read under way has no end yet: choose finished or did not finish."
    elif not may_precede(started, ended):
        errors["ended_on"] = "A read ends after it starts."
    return errors


def _one_under_way(reading: Reading, outcome: str, read: Read | None) -> dict[str, str]:
    current = reading.current_read
    if outcome == ReadOutcome.IN_PROGRESS and current is not None and current is not read:
        return {"outcome": "You are reading this book now: finish that read before starting another."}
    return {}


def add_read(
    reading: Reading,
    outcome: str,
    started: PartialDate | None = None,
    ended: PartialDate | None = None,
    *,
    today: date,
) -> Read:
    errors = check_read(outcome, started, ended, today) or _one_under_way(reading, outcome, None)
    if errors:
        raise ReadProblem(errors)
    had_reads = bool(reading.reads)
    read = Read(outcome=outcome)
    read.started, read.ended = started, ended
    reading.reads.append(read)
    db.session.add(read)
    if outcome == ReadOutcome.IN_PROGRESS:
        _new_read_clears_progress(reading)
    _status_follows_reads(reading, had_reads=had_reads)
    return read


def update_read(
    read: Read,
    outcome: str,
    started: PartialDate | None,
    ended: PartialDate | None,
    *,
    today: date,
) -> Read:
    errors = check_read(outcome, started, ended, today) or _one_under_way(read.reading, outcome, read)
    if errors:
        raise ReadProblem(errors)
    read.outcome = outcome
    read.started, read.ended = started, ended
    _status_follows_reads(read.reading, had_reads=True)
    return read


def remove_read(read: Read) -> None:
    reading = read.reading
    reading.reads.remove(read)
    _discard(read)
    _status_follows_reads(reading, had_reads=True)


def read_again(reading: Reading, *, today: date) -> Read:
    """Start a new read today (the button on the book page)."""
    return add_read(reading, ReadOutcome.IN_PROGRESS, PartialDate(today, DatePrecision.DAY), today=today)


def change_status(reading: Reading, status: str, *, today: date) -> None:
    """Set the status and move the reads with it (see the module docstring)."""
    if status == reading.status and reading.reads:
        return
    current = reading.current_read
    today_exactly = PartialDate(today, DatePrecision.DAY)
    if status == ReadingStatus.READING:
        if current is None:
            read = Read(outcome=ReadOutcome.IN_PROGRESS)
            read.started = today_exactly
            reading.reads.append(read)
            db.session.add(read)
            _new_read_clears_progress(reading)
    elif status in (ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH):
        outcome = ReadOutcome.FINISHED if status == ReadingStatus.READ else ReadOutcome.DID_NOT_FINISH
        if current is not None:
            current.outcome = outcome
            current.ended = today_exactly if may_precede(current.started, today_exactly) else None
        elif (not reading.reads or reading.history[-1].outcome != outcome) and (
            outcome == ReadOutcome.DID_NOT_FINISH or not reading.finished_reads
        ):
            read = Read(outcome=outcome)
            reading.reads.append(read)
            db.session.add(read)
    elif status == ReadingStatus.WANT_TO_READ and current is not None:
        started = current.started
        if started is None or started.earliest >= today:
            reading.reads.remove(current)
            _discard(current)
        else:
            current.outcome = ReadOutcome.DID_NOT_FINISH
    reading.status = status


def _discard(read: Read) -> None:
    """Delete a read just taken out of its reading's reads. One not flushed yet (added in
    the same transaction) only leaves the session: Session.delete refuses it."""
    if inspect(read).persistent:
        db.session.delete(read)
    elif read in db.session:
        db.session.expunge(read)


def _new_read_clears_progress(reading: Reading) -> None:
    reading.progress_pages = None
    reading.progress_percent = None


def _status_follows_reads(reading: Reading, *, had_reads: bool) -> None:
    """After a read changed: a read under way means *reading*; otherwise a reading that
    was *reading* (or had no reads, so its status said nothing yet) takes the last read's
    outcome. *Want to read* with earlier reads stays: it is a wish to read it again."""
    if reading.current_read is not None:
        reading.status = ReadingStatus.READING
        return
    history = reading.history
    if not history:
        if reading.status in (ReadingStatus.READING, ReadingStatus.READ, ReadingStatus.DID_NOT_FINISH):
            reading.status = ReadingStatus.WANT_TO_READ
        return
    if not (had_reads and reading.status == ReadingStatus.WANT_TO_READ):
        reading.status = _STATUS_OF_OUTCOME[ReadOutcome(history[-1].outcome)]
