"""Records in, rows out: the one place that matches imported books to the library and
writes them.

Sources only read files (webapp.transfer.sources); everything about the library is
decided here, the same for every app's export:

- a book is matched by ISBN-13, then ISBN-10 (each in both forms), then its id in the
  source app (BookSource), then its title and first author as the catalogue sorts them;
  a matched book keeps what the library has: only its empty fields (subtitle,
  publisher, year, pages, description…) are filled from the file, and only if the
  importing person may edit that book (webapp.permissions); the importer's reading,
  reads, shelves, posts and loans are added to it;
- what is already there is not added twice (a read with the same outcome and dates, a
  post with the same title and text, a shelf place, a loan to the same borrower on the
  same day, a goal for the same year), so importing a file again creates nothing;
- posts, shelves and goals that belong to no book (Shelfmark's own export) are written
  as the books are; loans follow webapp.lending's rules (no more open loans than copies,
  nothing in the future), and one that breaks them is left out with a warning;
- each record is saved inside a SAVEPOINT, so a row the database refuses is reported as
  skipped and the rest of its batch is kept; each batch is one transaction;
- a dry run does all of it and rolls each batch back: the preview counts what the import
  would do, exactly, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import DataError, IntegrityError

from webapp import clock
from webapp.catalogue import apply_book_data, authors_from_names, check_series, set_series
from webapp.covers import InvalidCover, read_cover, remove_cover, store_cover
from webapp.extensions import db
from webapp.isbn import isbn10_to_isbn13, isbn13_to_isbn10
from webapp.lending import check_loan
from webapp.markdown import sanitize_html
from webapp.models import (
    Book,
    BookSource,
    ImportItem,
    ImportItemAction,
    ImportItemKind,
    ImportJob,
    Loan,
    Post,
    Reading,
    ReadingGoal,
    Shelf,
    User,
    book_shelves,
)
from webapp.models.book import sort_key_for_author, sort_key_for_title
from webapp.models.common import utcnow
from webapp.models.limits import DESCRIPTION_MAX
from webapp.models.loan import BORROWER_MAX_LENGTH, LOAN_NOTE_MAX_LENGTH
from webapp.permissions import edit_refusal, others_stake
from webapp.reading_history import ReadProblem, add_read
from webapp.transfer.cells import CellProblem
from webapp.transfer.records import (
    BookRecord,
    GoalRecord,
    ImportedBook,
    ImportedLoan,
    ImportedPost,
    ImportedRead,
    Item,
    PostRecord,
    ShelfRecord,
    SkippedRow,
)
from webapp.transfer.report import ImportReport
from webapp.transfer.sources import Source

SHELF_NAME_MAX = 100
AUTHOR_NAME_MAX = 255
TITLE_MAX = 500
#: ImportedBook fields copied onto a new book as they are.
COPIED_FIELDS = (
    "subtitle",
    "isbn13",
    "isbn10",
    "publisher",
    "year",
    "pages",
    "language",
    "format",
    "location",
    "price_minor",
    "currency",
)
#: Fields of a matched book filled from the file where the library has nothing.
FILLED_FIELDS = ("subtitle", "publisher", "year", "pages", "language", "format", "location", "description")
#: Sources whose posts and descriptions are Markdown as Shelfmark stores it (rendered and
#: sanitised on display like every post). Sanitising them on the way in, as other apps'
#: HTML is, would escape their Markdown (``> a quote`` -> ``&gt; a quote``).
MARKDOWN_SOURCES = frozenset({"shelfmark"})


class _Preview:
    """What a dry run would have created in earlier batches, which it rolled back.

    Without it the preview of a long file counts an author of two hundred books as two
    hundred new authors (each batch starts from the library as it is) and a book listed
    twice as two books. Keys are hashed: a 100,000-row preview holds a few hundred
    thousand integers, not the rows."""

    def __init__(self) -> None:
        self.authors: set[str] = set()
        self.series: set[str] = set()
        self.shelves: set[str] = set()
        self.books: set[int] = set()

    @staticmethod
    def book_keys(imported: ImportedBook, source_name: str | None) -> set[int]:
        keys = set()
        isbn13 = imported.isbn13 or (imported.isbn10 and isbn10_to_isbn13(imported.isbn10))
        if isbn13:
            keys.add(hash(("isbn", isbn13)))
        if imported.source_id and source_name:
            keys.add(hash(("source", source_name, imported.source_id)))
        first = sort_key_for_author(" ".join(imported.authors[0].split())) if imported.authors else None
        keys.add(hash(("title", sort_key_for_title(imported.title), first)))
        return keys


_preview: ContextVar[_Preview | None] = ContextVar("shelfmark_import_preview", default=None)


class _Covers:
    """Where this run stores covers, and the files the current record wrote (removed
    again if the database refuses the record: a cover must not outlive its book)."""

    def __init__(self, data_dir: Path, *, dry_run: bool, max_bytes: int) -> None:
        self.data_dir, self.dry_run, self.max_bytes = data_dir, dry_run, max_bytes
        self.written: list[str] = []

    def store(self, path: Path) -> str | None:
        """The stored cover's name (None in a dry run: checked, not kept), or CellProblem."""
        try:
            with path.open("rb") as stream:
                data, extension = read_cover(stream, self.max_bytes)
        except OSError as problem:
            raise CellProblem(f"its cover cannot be read ({problem.strerror or problem})") from None
        except InvalidCover as problem:
            raise CellProblem(f"its cover was left out: {problem}") from None
        if self.dry_run:
            return None
        name = store_cover(data, extension, self.data_dir)
        self.written.append(name)
        return name

    def forget_record(self) -> None:
        for name in self.written:
            remove_cover(self.data_dir, name)
        self.written.clear()


_covers: ContextVar[_Covers | None] = ContextVar("shelfmark_import_covers", default=None)


class _Skip(Exception):
    """A record that cannot be saved; the message is the skip reason."""


def run_import(
    source: Source,
    path: Path,
    user: User,
    *,
    data_dir: Path,
    dry_run: bool = False,
    job: ImportJob | None = None,
    batch_size: int = 500,
    progress: Callable[[int], bool] | None = None,
) -> ImportReport:
    """Import ``path`` for ``user``; see the module's docstring for the rules."""
    report = ImportReport(format=source.name)
    markdown = source.name in MARKDOWN_SOURCES
    user = db.session.get(User, user.id)
    preview_token = _preview.set(_Preview() if dry_run else None)
    max_bytes = current_app.config.get("COVER_MAX_BYTES", 5 * 1024 * 1024)
    covers_token = _covers.set(_Covers(Path(data_dir), dry_run=dry_run, max_bytes=max_bytes))
    try:
        return _run_batches(source, path, user, report, job, dry_run, batch_size, progress, markdown)
    finally:
        _preview.reset(preview_token)
        _covers.reset(covers_token)


def _run_batches(
    source: Source,
    path: Path,
    user: User,
    report: ImportReport,
    job: ImportJob | None,
    dry_run: bool,
    batch_size: int,
    progress: Callable[[int], bool] | None,
    markdown: bool,
) -> ImportReport:
    user_id, job_id = user.id, job.id if job is not None else None
    # Records are taken one at a time, never a batch ahead: a source may hold a record's
    # files (a cover from a zip) only until it is asked for the next record.
    items = source.read(path)
    in_batch = 0
    try:
        for item in items:
            _import_item(item, user, report, job, markdown=markdown)
            in_batch += 1
            if in_batch < batch_size:
                continue
            in_batch = 0
            user, job = _end_batch(report, user_id, job_id, dry_run)
            if progress is not None and progress(report.rows) is False:
                report.cancelled = True
                break
        else:
            if in_batch:
                _end_batch(report, user_id, job_id, dry_run)
                if progress is not None:
                    progress(report.rows)
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
    return report


def _end_batch(
    report: ImportReport, user_id: int, job_id: int | None, dry_run: bool
) -> tuple[User, ImportJob | None]:
    """Commit (a dry run: roll back) the batch; the user and job, loaded afresh."""
    if dry_run:
        db.session.rollback()
    else:
        if job_id is not None:
            db.session.get(ImportJob, job_id).rows_done = report.rows
        db.session.commit()
    # What the batch loaded is not needed by the next one: a session holding every
    # book imported so far makes each flush slower and the memory grow with the file.
    db.session.expunge_all()
    user = db.session.get(User, user_id)
    return user, db.session.get(ImportJob, job_id) if job_id is not None else None


def _import_item(
    item: Item, user: User, report: ImportReport, job: ImportJob | None, *, markdown: bool = False
) -> None:
    if isinstance(item, SkippedRow):
        report.rows += 1
        report.skip(item.row, item.reason, item.cells)
        return
    report.rows += 1
    cells = item.cells if isinstance(item, BookRecord) else []
    covers = _covers.get()
    savepoint = db.session.begin_nested()
    try:
        with db.session.no_autoflush:
            if isinstance(item, BookRecord):
                _import_book_record(item, user, report, job, markdown=markdown)
            elif isinstance(item, PostRecord):
                _add_post(None, item.post, user, report, job, markdown=markdown)
            elif isinstance(item, ShelfRecord):
                _shelf(item.name, user, report, job)
            elif isinstance(item, GoalRecord):
                _add_goal(item, user, report, job)
        db.session.flush()
        savepoint.commit()
    except _Skip as problem:
        savepoint.rollback()
        covers.forget_record()
        report.skip(item.row, str(problem), cells)
        return
    except (IntegrityError, DataError) as problem:
        # A rule only the database knows (PostgreSQL's length of a name, a UNIQUE
        # another row holds): this row is skipped, the rest of the batch is kept.
        savepoint.rollback()
        covers.forget_record()
        report.skip(item.row, f"The library refused this row ({_constraint(problem)}).", cells)
        return
    covers.written.clear()
    for warning in getattr(item, "warnings", []):
        report.warn(item.row, warning)


def _constraint(problem: IntegrityError | DataError) -> str:
    return str(problem.orig).splitlines()[0][:200]


def _import_book_record(
    record: BookRecord, user: User, report: ImportReport, job: ImportJob | None, *, markdown: bool = False
) -> None:
    source_name = job.format if job else None
    book = find_match(record.book, source_name=source_name)
    preview = _preview.get()
    if book is None and preview is not None:
        keys = preview.book_keys(record.book, source_name)
        if keys & preview.books:
            # An earlier batch of this preview "created" it: the import will match it.
            counted = dict(report.created)
            book = _create_book(record.book, report, job, markdown=markdown, record=record)
            report.created.update(counted)
            report.matched += 1
        else:
            book = _create_book(record.book, report, job, markdown=markdown, record=record)
            preview.books |= keys
    elif book is None:
        book = _create_book(record.book, report, job, markdown=markdown, record=record)
    else:
        report.matched += 1
        _fill_empty_fields(book, record.book, user, report, job, markdown=markdown)
    if record.book.source_id and job is not None:
        _remember_source(book, job.format, record.book.source_id)
    if record.reading is not None:
        _import_reading(record, book, user, report, job)
    for name in record.shelves:
        _put_on_shelf(book, name, user, report, job)
    for imported in record.posts:
        _add_post(book, imported, user, report, job, markdown=markdown)
    for loan in record.loans:
        _add_loan(book, loan, user, record, report, job)


def find_match(imported: ImportedBook, *, source_name: str | None) -> Book | None:
    """The book of the library this one is, by the rules in the module docstring."""
    as13 = {
        value for value in (imported.isbn13, imported.isbn10 and isbn10_to_isbn13(imported.isbn10)) if value
    }
    as10 = {
        value for value in (imported.isbn10, imported.isbn13 and isbn13_to_isbn10(imported.isbn13)) if value
    }
    if as13 or as10:
        found = db.session.scalar(
            select(Book).where(or_(Book.isbn13.in_(as13), Book.isbn10.in_(as10))).order_by(Book.id).limit(1)
        )
        if found is not None:
            return found
    if imported.source_id and source_name:
        found = db.session.scalar(
            select(Book)
            .join(BookSource, BookSource.book_id == Book.id)
            .where(BookSource.source == source_name, BookSource.source_id == imported.source_id)
        )
        if found is not None:
            return found
    # A book without authors (a pamphlet, an anthology) is its title among the others
    # without authors: importing it again must not add it twice.
    first_author = (
        Book.sort_author == sort_key_for_author(" ".join(imported.authors[0].split()))
        if imported.authors
        else Book.sort_author.is_(None)
    )
    return db.session.scalar(
        select(Book)
        .where(Book.sort_title == sort_key_for_title(imported.title), first_author)
        .order_by(Book.id)
        .limit(1)
    )


def _track(
    job: ImportJob | None,
    kind: ImportItemKind,
    row_id: int,
    other_id: int | None = None,
    action: ImportItemAction = ImportItemAction.CREATED,
) -> None:
    if job is not None:
        db.session.add(ImportItem(job_id=job.id, kind=kind, action=action, row_id=row_id, other_id=other_id))


def _create_book(
    imported: ImportedBook,
    report: ImportReport,
    job: ImportJob | None,
    *,
    markdown: bool = False,
    record: BookRecord | None = None,
) -> Book:
    if len(imported.title) > TITLE_MAX:
        raise _Skip(f"The title is longer than {TITLE_MAX} characters.")
    problem = check_series(imported.series)
    if problem:
        raise _Skip(f"Series: {problem}")
    data = {field: getattr(imported, field) for field in COPIED_FIELDS}
    _check_lengths(data, imported.authors)
    book = Book(title=imported.title)
    if imported.description:
        data["description"] = _description(imported.description, markdown)
    if imported.copies is not None:
        data["copies"] = imported.copies
    apply_book_data(book, data)
    known_authors = _count_new_authors(imported.authors)
    book.set_authors(authors_from_names(imported.authors))
    report.created["authors"] += known_authors
    if imported.series:
        report.created["series"] += _count_new_series(name.name for name in imported.series)
        set_series(book, imported.series)
    if imported.added_at:
        book.added_at = imported.added_at
    if imported.cover is not None:
        book.cover_file = _stored_cover(imported.cover, record)
    db.session.add(book)
    db.session.flush()
    report.created["books"] += 1
    _track(job, ImportItemKind.BOOK, book.id)
    return book


def _stored_cover(path: Path, record: BookRecord | None) -> str | None:
    """The cover decoded and re-encoded as an upload is; a bad one is a warning on the
    row, and the book comes in without it."""
    try:
        return _covers.get().store(path)
    except CellProblem as problem:
        if record is not None:
            record.warnings.append(f"row {record.row}: {problem}")
        return None


def _check_lengths(data: dict, authors: list[str]) -> None:
    """Refuse what a column cannot hold, the same on SQLite (which would store it) as on
    PostgreSQL (which refuses it), with the field's name rather than the database's."""
    for field, value in data.items():
        if not _fits(field, value):
            length = Book.__table__.c[field].type.length
            raise _Skip(f"The {field.replace('_', ' ')} is longer than {length} characters.")
    for name in authors:
        if len(" ".join(name.split())) > AUTHOR_NAME_MAX:
            raise _Skip(f"An author's name is longer than {AUTHOR_NAME_MAX} characters.")


def _fits(field: str, value: object) -> bool:
    length = getattr(Book.__table__.c[field].type, "length", None)
    return not (isinstance(value, str) and length and len(value) > length)


def _description(text: str, markdown: bool) -> str:
    return (text if markdown else sanitize_html(text))[:DESCRIPTION_MAX]


def _fill_empty_fields(
    book: Book,
    imported: ImportedBook,
    user: User,
    report: ImportReport,
    job: ImportJob | None,
    *,
    markdown: bool,
) -> None:
    """Give a matched book what the file knows and the library does not (never replacing
    a value), if the importer may edit it. ISBNs only where no other book holds them."""
    data = {}
    for field in FILLED_FIELDS:
        value = getattr(imported, field)
        if value not in (None, "") and getattr(book, field) in (None, ""):
            data[field] = _description(value, markdown) if field == "description" else value
    if imported.price_minor is not None and book.price_minor is None and not book.currency:
        data["price_minor"], data["currency"] = imported.price_minor, imported.currency
    for field in ("isbn13", "isbn10"):
        value = getattr(imported, field)
        if value and not getattr(book, field):
            holder = db.session.scalar(select(Book.id).where(getattr(Book, field) == value))
            if holder is None:
                data[field] = value
    data = {field: value for field, value in data.items() if _fits(field, value)}
    if not data or edit_refusal(user, others_stake(book.id, user)) is not None:
        return
    apply_book_data(book, data)
    report.updated += 1
    _track(job, ImportItemKind.BOOK, book.id, action=ImportItemAction.UPDATED)


def _count_new_authors(names: list[str]) -> int:
    wanted = {" ".join(name.split()) for name in names if name.strip()}
    if not wanted:
        return 0
    from webapp.models import Author

    known = set(db.session.scalars(select(Author.name).where(Author.name.in_(wanted))))
    return _newly_seen(wanted - known, "authors")


def _newly_seen(new: set[str], kind: str) -> int:
    """How many of these would be new; in a preview, not counting those an earlier
    (rolled back) batch counted already."""
    preview = _preview.get()
    if preview is not None:
        seen = getattr(preview, kind)
        new = new - seen
        seen |= new
    return len(new)


def _count_new_series(names: Iterable[str]) -> int:
    from webapp.models import Series

    wanted = {" ".join(name.split()).lower() for name in names if name.strip()}
    known = set(
        db.session.scalars(select(func.lower(Series.name)).where(func.lower(Series.name).in_(wanted)))
    )
    return _newly_seen(wanted - known, "series")


def _remember_source(book: Book, source_name: str, source_id: str) -> None:
    source_id = source_id[:100]
    exists = db.session.scalar(
        select(BookSource.id).where(BookSource.source == source_name, BookSource.source_id == source_id)
    )
    if exists is None:
        db.session.add(BookSource(book_id=book.id, source=source_name, source_id=source_id))


def _import_reading(
    record: BookRecord, book: Book, user: User, report: ImportReport, job: ImportJob | None
) -> Reading:
    imported = record.reading
    reading = db.session.scalar(select(Reading).where(Reading.user_id == user.id, Reading.book_id == book.id))
    if reading is None:
        visibility = imported.visibility or user.reading_visibility
        reading = Reading(user_id=user.id, book=book, visibility=visibility)
        reading.status = imported.status
        db.session.add(reading)
        db.session.flush()
        report.created["readings"] += 1
        _track(job, ImportItemKind.READING, reading.id)
    if imported.rating is not None and reading.rating_halves is None:
        reading.rating_halves = max(1, min(10, int(imported.rating * 2 + 0.5)))
    for read in _new_reads(reading, imported.reads):
        try:
            added = add_read(reading, read.outcome, read.started, read.ended, today=clock.today())
        except ReadProblem as problem:
            report.warn(record.row, f"row {record.row}: a read was left out ({problem})")
            continue
        db.session.flush()
        report.created["reads"] += 1
        _track(job, ImportItemKind.READ, added.id)
    reading.status = imported.status
    # After the reads: starting one clears the progress (webapp.reading_history).
    if reading.progress_pages is None and reading.progress_percent is None:
        reading.progress_pages = imported.progress_pages
        reading.progress_percent = imported.progress_percent
    return reading


def _new_reads(reading: Reading, reads: list[ImportedRead]) -> Iterator[ImportedRead]:
    """The imported reads the reading does not have yet; an undated finished read counts
    as had if the reading already has as many finished reads as the file gives."""
    have = [(read.outcome, read.started, read.ended) for read in reading.reads]
    for read in reads:
        key = (read.outcome, read.started, read.ended)
        if key in have:
            have.remove(key)
            continue
        if read.outcome == "in_progress" and any(outcome == "in_progress" for outcome, _, _ in have):
            continue
        yield read


def _shelf(name: str, user: User, report: ImportReport, job: ImportJob | None) -> Shelf | None:
    """The user's shelf of that name, made if they have none yet."""
    name = " ".join(name.split())[:SHELF_NAME_MAX]
    if not name:
        return None
    shelf = db.session.scalar(select(Shelf).where(Shelf.owner_id == user.id, Shelf.name == name))
    if shelf is None:
        shelf = Shelf(owner_id=user.id, name=name)
        db.session.add(shelf)
        db.session.flush()
        report.created["shelves"] += _newly_seen({name}, "shelves")
        _track(job, ImportItemKind.SHELF, shelf.id)
    return shelf


def _put_on_shelf(book: Book, name: str, user: User, report: ImportReport, job: ImportJob | None) -> None:
    shelf = _shelf(name, user, report, job)
    if shelf is None:
        return
    on_shelf = db.session.scalar(
        select(func.count())
        .select_from(book_shelves)
        .where(book_shelves.c.book_id == book.id, book_shelves.c.shelf_id == shelf.id)
    )
    if not on_shelf:
        db.session.execute(
            book_shelves.insert().values(book_id=book.id, shelf_id=shelf.id, added_at=utcnow())
        )
        _track(job, ImportItemKind.SHELF_PLACE, book.id, shelf.id)


def _add_post(
    book: Book | None,
    imported: ImportedPost,
    user: User,
    report: ImportReport,
    job: ImportJob | None,
    *,
    markdown: bool = False,
) -> None:
    body = imported.body if markdown else sanitize_html(imported.body)
    title = " ".join(imported.title.split())[:300]
    if not title:
        raise _Skip("A post has no title.")
    about = Post.book_id.is_(None) if book is None else Post.book_id == book.id
    exists = db.session.scalar(
        select(Post.id).where(Post.author_id == user.id, about, Post.title == title, Post.body == body)
    )
    if exists is not None:
        return
    post = Post(author_id=user.id, book=book, title=title, body=body, kind=imported.kind)
    if imported.visibility:
        post.visibility = imported.visibility
    if imported.created_at:
        post.created_at = imported.created_at
    if imported.updated_at:
        post.updated_at = imported.updated_at
    elif imported.created_at:
        post.updated_at = imported.created_at
    db.session.add(post)
    db.session.flush()
    report.created["posts"] += 1
    _track(job, ImportItemKind.POST, post.id)


def _add_loan(
    book: Book,
    imported: ImportedLoan,
    user: User,
    record: BookRecord,
    report: ImportReport,
    job: ImportJob | None,
) -> None:
    """A loan, by webapp.lending's rules; the same borrower on the same day is had."""
    borrower = " ".join(imported.borrower.split())[:BORROWER_MAX_LENGTH]
    exists = db.session.scalar(
        select(Loan.id).where(
            Loan.book_id == book.id, Loan.borrower == borrower, Loan.lent_on == imported.lent_on
        )
    )
    if exists is not None:
        return
    values = {
        "borrower": borrower,
        "lent_on": imported.lent_on,
        "due_on": imported.due_on,
        "returned_on": imported.returned_on,
        "note": (imported.note or "").strip()[:LOAN_NOTE_MAX_LENGTH] or None,
    }
    errors = check_loan(book, values, clock.today())
    if errors:
        report.warn(
            record.row,
            f"row {record.row}: the loan to {borrower} was left out ({'; '.join(errors.values())})",
        )
        return
    loan = Loan(book_id=book.id, recorded_by_id=user.id, **values)
    db.session.add(loan)
    db.session.flush()
    report.created["loans"] += 1
    _track(job, ImportItemKind.LOAN, loan.id)


def _add_goal(record: GoalRecord, user: User, report: ImportReport, job: ImportJob | None) -> None:
    """A reading goal for a year the person has none for (theirs is never overwritten)."""
    exists = db.session.scalar(
        select(ReadingGoal.id).where(ReadingGoal.user_id == user.id, ReadingGoal.year == record.year)
    )
    if exists is not None:
        return
    goal = ReadingGoal(user_id=user.id, year=record.year, target_books=record.target_books)
    db.session.add(goal)
    db.session.flush()
    report.created["goals"] += 1
    _track(job, ImportItemKind.GOAL, goal.id)
