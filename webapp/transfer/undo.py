"""Undo an import: remove what it created, keep what anyone has touched since.

The import recorded every row it created (ImportItem). Undo removes those rows, newest
kind first (posts, reads, shelf places, readings, loans, goals, then shelves and
books), except:

- anything edited after the import finished (its ``updated_at`` is later): the person
  worked on it, so it is theirs now;
- a book someone else has a reading, post or shelf place on, or that keeps one of this
  person's own edited readings or posts: removing it would take theirs with it;
- a shelf that still holds books.

What it keeps is said, one sentence per kind, so nothing disappears silently or stays
unexplained. Fields an import filled in on books that were already in the library stay:
their earlier value was empty.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, delete, func, select

from webapp.catalogue import delete_book
from webapp.covers import remove_cover
from webapp.extensions import db
from webapp.models import (
    Book,
    ImportItem,
    ImportItemAction,
    ImportItemKind,
    ImportJob,
    ImportStatus,
    Loan,
    Post,
    Read,
    Reading,
    ReadingGoal,
    Shelf,
    book_shelves,
)
from webapp.models.common import utcnow
from webapp.reading_history import remove_read

#: How the removed counts are listed: the books first, as the person thinks of them.
REMOVED_ORDER = ("books", "readings", "reads", "posts", "shelves", "shelf places", "loans", "goals")
UNDOABLE = (ImportStatus.FINISHED, ImportStatus.CANCELLED, ImportStatus.FAILED)


class UndoRefused(ValueError):
    pass


@dataclass
class UndoReport:
    removed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kept: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"removed": dict(self._in_order()), "kept": self.kept}

    def _in_order(self) -> list[tuple[str, int]]:
        return [(kind, self.removed[kind]) for kind in REMOVED_ORDER if self.removed.get(kind)]

    def summary(self) -> str:
        removed = ", ".join(f"{count} {kind}" for kind, count in self._in_order()) or "nothing"
        return f"Removed {removed}." + "".join(f" {sentence}" for sentence in self.kept)


def undo_import(job: ImportJob, *, data_dir: Path) -> UndoReport:
    if job.dry_run:
        raise UndoRefused("A preview wrote nothing: there is nothing to undo.")
    if job.status not in UNDOABLE:
        raise UndoRefused(f"This import is {ImportStatus(job.status).label.lower()}: it cannot be undone.")
    cutoff = job.finished_at or utcnow()
    items: dict[str, list[ImportItem]] = defaultdict(list)
    for item in db.session.scalars(
        select(ImportItem).where(ImportItem.job_id == job.id, ImportItem.action == ImportItemAction.CREATED)
    ):
        items[item.kind].append(item)
    report = UndoReport()
    ids = {kind: [item.row_id for item in found] for kind, found in items.items()}

    _remove_edited_or_not(report, Post, ids.get(ImportItemKind.POST, []), cutoff, "posts")
    _remove_reads(report, ids.get(ImportItemKind.READ, []), set(ids.get(ImportItemKind.READING, [])), cutoff)
    for item in items.get(ImportItemKind.SHELF_PLACE, []):
        removed = db.session.execute(
            delete(book_shelves).where(
                and_(book_shelves.c.book_id == item.row_id, book_shelves.c.shelf_id == item.other_id)
            )
        )
        report.removed["shelf places"] += removed.rowcount or 0
    _remove_readings(report, ids.get(ImportItemKind.READING, []), cutoff)
    _remove_edited_or_not(report, Loan, ids.get(ImportItemKind.LOAN, []), cutoff, "loans")
    _remove_edited_or_not(report, ReadingGoal, ids.get(ImportItemKind.GOAL, []), cutoff, "goals")
    db.session.flush()
    _remove_empty_shelves(report, ids.get(ImportItemKind.SHELF, []))
    covers = _remove_books(report, ids.get(ImportItemKind.BOOK, []), cutoff)
    job.status = ImportStatus.UNDONE
    db.session.commit()
    for name in covers:
        remove_cover(data_dir, name)
    return report


def _edited(row, cutoff) -> bool:
    updated = getattr(row, "updated_at", None)
    return updated is not None and updated > cutoff


def _remove_edited_or_not(report: UndoReport, model, row_ids: list[int], cutoff, noun: str) -> None:
    kept = 0
    for row in _rows(model, row_ids):
        if _edited(row, cutoff):
            kept += 1
            continue
        db.session.delete(row)
        report.removed[noun] += 1
    if kept:
        report.kept.append(f"Kept {kept} {noun} edited since the import.")


def _remove_reads(report: UndoReport, read_ids: list[int], own_readings: set[int], cutoff) -> None:
    """Reads of readings this import created go with them; reads it added to a reading
    that was there before are taken out through the reading's history, so its status
    follows, unless the reading was edited since."""
    kept = 0
    for read in _rows(Read, read_ids):
        if read.reading_id in own_readings:
            continue
        if _edited(read.reading, cutoff):
            kept += 1
            continue
        remove_read(read)
        report.removed["reads"] += 1
    if kept:
        report.kept.append(f"Kept {kept} reads on readings you edited since the import.")


def _remove_readings(report: UndoReport, reading_ids: list[int], cutoff) -> None:
    kept = 0
    for reading in _rows(Reading, reading_ids):
        if _edited(reading, cutoff):
            kept += 1
            continue
        report.removed["reads"] += len(reading.reads)
        db.session.delete(reading)
        report.removed["readings"] += 1
    if kept:
        report.kept.append(f"Kept {kept} readings edited since the import, with their reads.")


def _remove_empty_shelves(report: UndoReport, shelf_ids: list[int]) -> None:
    kept = 0
    for shelf in _rows(Shelf, shelf_ids):
        holds = db.session.scalar(
            select(func.count()).select_from(book_shelves).where(book_shelves.c.shelf_id == shelf.id)
        )
        if holds:
            kept += 1
            continue
        db.session.delete(shelf)
        report.removed["shelves"] += 1
    if kept:
        report.kept.append(f"Kept {kept} shelves that hold books put there since.")


def _remove_books(report: UndoReport, book_ids: list[int], cutoff) -> list[str]:
    edited = others = 0
    covers: list[str] = []
    for book in _rows(Book, book_ids):
        if _edited(book, cutoff):
            edited += 1
            continue
        in_use = (
            db.session.scalar(select(func.count(Reading.id)).where(Reading.book_id == book.id))
            or db.session.scalar(select(func.count(Post.id)).where(Post.book_id == book.id))
            or db.session.scalar(
                select(func.count()).select_from(book_shelves).where(book_shelves.c.book_id == book.id)
            )
            or db.session.scalar(select(func.count(Loan.id)).where(Loan.book_id == book.id))
        )
        if in_use:
            others += 1
            continue
        cover = delete_book(book)
        if cover:
            covers.append(cover)
        report.removed["books"] += 1
    if edited:
        report.kept.append(f"Kept {edited} books edited since the import.")
    if others:
        report.kept.append(
            f"Kept {others} books that have readings, posts, shelf places or loans added since."
        )
    return covers


def _rows(model, row_ids: list[int]):
    if not row_ids:
        return []
    found = []
    for start in range(0, len(row_ids), 500):
        chunk = row_ids[start : start + 500]
        found += db.session.scalars(select(model).where(model.id.in_(chunk))).all()
    return found
