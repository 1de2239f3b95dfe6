"""The book page's reading history: add, edit and remove a read, and "Read again".

Every change goes through webapp.reading_history, which keeps the rules (dates in order
and not in the future, one read under way, the status following the reads). A read is
only ever its reader's: a read id of someone else's in the URL is a 404, as is one of
another book, so nobody can learn which read ids exist.

A refused change re-renders its page (status 422) with the messages on the form that was
sent: the book page for a new read or "Read again" (:func:`reads_panel` is how its
template finds the refused form), the read's own page for an edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from webapp import clock
from webapp.auth.forms import EmptyForm
from webapp.catalogue import reading_for, reading_to_update
from webapp.extensions import db
from webapp.library import bp
from webapp.library.books import INVALID, book_page_again
from webapp.library.read_forms import ReadForm
from webapp.models import Book, Read, Reading
from webapp.reading_history import ReadProblem, add_read, read_again, remove_read, update_read

#: The add form's prefix; an edit form's is ``read-<id>``: field ids never clash.
NEW_READ = "read-new"


def edit_prefix(read_id: int) -> str:
    return f"read-{read_id}"


@dataclass
class ReadsPanel:
    """The forms of the reading history section, fresh or as a refused POST left them.
    Each read is edited on a page of its own (:func:`edit_read_page`): a form per read on
    the book page would cost every view of a much re-read book for the rare edit."""

    action_form: EmptyForm = field(default_factory=lambda: EmptyForm(formdata=None))
    #: Why "Read again" was refused, if it was.
    again_error: str | None = None


def reads_panel(reading: Reading | None) -> ReadsPanel:
    """The panel for the book page: the one a refused POST of this request left (with
    its messages), else a fresh one."""
    return g.get("reads_panel") or ReadsPanel()


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def history_summary(reading: Reading | None) -> str:
    """The history in one line: "Read 3 times: Mar 2019, Feb 2024, Jun 2026" (each
    finished read by when it ended; "date unknown" for one that was never dated)."""
    history = reading.history if reading is not None else []
    finished = [read for read in history if read.is_finished]
    if finished:
        ends = ", ".join(read.ended.short_label() if read.ended else "date unknown" for read in finished)
        return f"Read {_times(len(finished))}: {ends}"
    if history:
        return "Not finished yet."
    return "No reads recorded yet."


bp.add_app_template_global(reads_panel)
bp.add_app_template_global(history_summary)


def _own_read_or_404(book_id: int, read_id: int) -> Read:
    read = db.session.scalar(
        select(Read)
        .join(Reading, Reading.id == Read.reading_id)
        .where(Read.id == read_id, Reading.book_id == book_id, Reading.user_id == current_user.id)
    )
    return read or abort(404)


def _refused(book: Book, panel: ReadsPanel) -> tuple[str, int]:
    """The book page again, the history showing the refused form with its messages."""
    g.reads_panel = panel
    return book_page_again(book)


def _saved(book: Book, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("library.book", book_id=book.id, _anchor="my-reads"))


@bp.get("/books/<int:book_id>/reads/new")
@login_required
def new_read_page(book_id: int):
    """The form for a read, on a page of its own like a read's edit page: on the book
    page it cost every view of the book (some 2 ms of rendering) for the rare addition."""
    book = db.get_or_404(Book, book_id)
    return render_template("library/read_new.html", book=book, form=ReadForm(formdata=None, prefix=NEW_READ))


@bp.post("/books/<int:book_id>/reads")
@login_required
def add_read_page(book_id: int):
    book = db.get_or_404(Book, book_id)
    form = ReadForm(prefix=NEW_READ)
    if form.validate_on_submit():
        reading = reading_to_update(current_user, book)
        try:
            add_read(
                reading, form.outcome.data, form.started_on.data, form.ended_on.data, today=clock.today()
            )
        except ReadProblem as problem:
            db.session.rollback()  # a reading made just for this read goes too
            form.add_problems(problem.errors)
        else:
            return _saved(book, "The read is added to your history.")
    return render_template("library/read_new.html", book=book, form=form), INVALID


@bp.route("/books/<int:book_id>/reads/<int:read_id>", methods=["GET", "POST"])
@login_required
def edit_read_page(book_id: int, read_id: int):
    """One read's page: change its outcome and dates, or remove it."""
    book = db.get_or_404(Book, book_id)
    read = _own_read_or_404(book_id, read_id)
    form = ReadForm(prefix=edit_prefix(read.id))
    if request.method == "GET":
        form.fill_from(read)
    elif form.validate_on_submit():
        try:
            update_read(
                read, form.outcome.data, form.started_on.data, form.ended_on.data, today=clock.today()
            )
        except ReadProblem as problem:
            db.session.rollback()
            form.add_problems(problem.errors)
        else:
            return _saved(book, "The read is saved.")
    status = INVALID if form.is_submitted() else 200
    return render_template(
        "library/read_edit.html", book=book, read=read, form=form, remove_form=EmptyForm(formdata=None)
    ), status


@bp.post("/books/<int:book_id>/reads/<int:read_id>/remove")
@login_required
def remove_read_page(book_id: int, read_id: int):
    book = db.get_or_404(Book, book_id)
    read = _own_read_or_404(book_id, read_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    remove_read(read)
    return _saved(book, "The read is removed from your history.")


@bp.post("/books/<int:book_id>/reads/again")
@login_required
def read_again_page(book_id: int):
    book = db.get_or_404(Book, book_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    reading = reading_for(current_user, book) or abort(404)
    try:
        read_again(reading, today=clock.today())
    except ReadProblem as problem:
        db.session.rollback()
        return _refused(book, ReadsPanel(again_error="; ".join(problem.errors.values())))
    return _saved(book, "A new read starts today. Enjoy it again.")
