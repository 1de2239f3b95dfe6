"""Imports as rows: a job's state and progress live in the database, so in server mode
any worker process answers "how far is it?", and a page closed mid-import finds it again.

``ImportItem`` remembers what each import created or changed, which is what "Undo this
import" removes (only what nobody edited since). ``BookSource`` is a book's id in another
app ("goodreads", "123456"), matched when the same export is imported again.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import enum_check, enum_column_type, utcnow

if TYPE_CHECKING:
    from webapp.models.book import Book
    from webapp.models.user import User


class ImportStatus(enum.StrEnum):
    #: The file is stored; the preview (nothing written) is being worked out.
    PREVIEWING = "previewing"
    #: The preview is ready; nothing happens until the person confirms.
    READY = "ready"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"
    FAILED = "failed"
    UNDONE = "undone"

    @property
    def label(self) -> str:
        return {
            "previewing": "Reading the file",
            "ready": "Ready to import",
            "running": "Importing",
            "finished": "Finished",
            "cancelled": "Cancelled",
            "failed": "Failed",
            "undone": "Undone",
        }[self.value]

    @property
    def is_active(self) -> bool:
        return self in (ImportStatus.PREVIEWING, ImportStatus.RUNNING)


class ImportItemKind(enum.StrEnum):
    BOOK = "book"
    AUTHOR = "author"
    SERIES = "series"
    READING = "reading"
    READ = "read"
    POST = "post"
    SHELF = "shelf"
    SHELF_PLACE = "shelf_place"
    LOAN = "loan"
    GOAL = "goal"


class ImportItemAction(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"


class ImportJob(db.Model):
    __tablename__ = "import_jobs"
    __table_args__ = (
        enum_check("status", ImportStatus, "status"),
        Index("ix_import_jobs_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: A webapp.transfer.sources name ("goodreads").
    format: Mapped[str] = mapped_column(String(20))
    #: The name the person's file had (shown, never used as a path).
    file_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(enum_column_type(ImportStatus), default=ImportStatus.PREVIEWING)
    #: Only the preview: never goes on to write (``--dry-run``, the API's ``dry_run``).
    dry_run: Mapped[bool] = mapped_column(default=False)
    rows_total: Mapped[int | None]
    rows_done: Mapped[int] = mapped_column(default=0)
    #: Set by the person (Cancel); the running job stops at its next batch.
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    #: The preview's and then the import's report, as JSON (webapp.transfer.report).
    report: Mapped[str | None] = mapped_column(Text)
    #: Why it failed, in one line for a person.
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    @property
    def status_label(self) -> str:
        return ImportStatus(self.status).label

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.format} {self.status}>"


class ImportItem(db.Model):
    """One row this import created or changed. ``row_id`` names a row of the table its
    kind names (for a shelf place, the book; ``other_id`` the shelf)."""

    __tablename__ = "import_items"
    __table_args__ = (
        enum_check("kind", ImportItemKind, "kind"),
        enum_check("action", ImportItemAction, "action"),
        Index("ix_import_items_job_kind", "job_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(enum_column_type(ImportItemKind))
    action: Mapped[str] = mapped_column(enum_column_type(ImportItemAction))
    row_id: Mapped[int]
    other_id: Mapped[int | None]


class BookSource(db.Model):
    """A book's id in the app it was imported from."""

    __tablename__ = "book_sources"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_book_sources_book_id", "book_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(100))

    book: Mapped[Book] = relationship()
