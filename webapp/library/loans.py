"""Copies and loans on the pages: the book page's copies panel, lending, returning,
editing and deleting a loan, and /loans ("Lent out").

The rules are webapp.lending's; the forms here only turn text into dates and hand the
field messages of a :class:`~webapp.lending.LoanProblem` back to the fields. Any signed-in
member may do all of it (webapp.permissions): the catalogue's copies are the household's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import HiddenField, StringField
from wtforms.validators import Optional

from webapp import clock
from webapp.auth.forms import EmptyForm
from webapp.auth.navigation import is_local_path
from webapp.extensions import db
from webapp.lending import (
    LoanProblem,
    delete_loan,
    lend,
    mark_returned,
    open_loans_query,
    update_loan,
)
from webapp.library import bp
from webapp.library.books import INVALID, book_page_again
from webapp.models import Book, BookAuthor, Loan
from webapp.pagination import requested_page
from webapp.validation import PlainDateField, optional_ascii_int

#: How many returned loans the book page lists; the rest are on /loans?show=returned.
HISTORY_ON_BOOK_PAGE = 5
RETURNED_PER_PAGE = 50
DATE_MESSAGE = "Give a date as the date picker does (2026-03-03)."


class Needed:
    """Marks a field required (the asterisk, ``required`` for assistive technology)
    without checking it: webapp.lending says what is missing, in its own words."""

    field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: Any) -> None:
        return None


def _date_field(label: str, **kwargs: Any) -> PlainDateField:
    return PlainDateField(label, validators=[Optional()], invalid_value_message=DATE_MESSAGE, **kwargs)


class LendForm(FlaskForm):
    borrower = StringField("Lent to", validators=[Needed()], description="A name; friends need no account.")
    lent_on = _date_field("Lent on", default=date.today)
    due_on = _date_field("Due back", description="Optional.")
    note = StringField("Note", description="Optional, e.g. “the signed copy”.")

    def loan_data(self) -> dict[str, Any]:
        return {
            "borrower": self.borrower.data,
            "lent_on": self.lent_on.data,
            "due_on": self.due_on.data,
            "note": self.note.data,
        }


class LoanForm(LendForm):
    """Editing a loan: the lend form and the day it came back (empty: still out)."""

    returned_on = _date_field("Returned on", description="Empty while it is still lent.")

    def loan_data(self) -> dict[str, Any]:
        return super().loan_data() | {"returned_on": self.returned_on.data}

    def fill_from(self, loan: Loan) -> None:
        for name in ("borrower", "lent_on", "due_on", "returned_on", "note"):
            getattr(self, name).data = getattr(loan, name)


class ReturnForm(FlaskForm):
    """The "Returned" button: today, unless another day is given."""

    returned_on = _date_field("Returned on", description="Empty: today.")
    next = HiddenField()


def return_form_for(loan: Loan, formdata: Any = None) -> ReturnForm:
    """Each open loan has its own form on a page, so its field ids are its own."""
    return ReturnForm(formdata=formdata, prefix=f"return-{loan.id}")


def show_problem(form: FlaskForm, problem: LoanProblem) -> None:
    """Each message on its field; one the form has no field for goes above the form."""
    for name, message in problem.errors.items():
        target = getattr(form, name, None)
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


# --- what the pages show ---------------------------------------------------------------


def due_note(loan: Loan, today: date) -> str | None:
    """ "3 days overdue", "due today", "due in 5 days" for an open loan with a due date."""
    if not loan.is_open or loan.due_on is None:
        return None
    days = (loan.due_on - today).days
    if days < 0:
        return f"{-days} {'day' if days == -1 else 'days'} overdue"
    if days == 0:
        return "due today"
    return f"due in {days} {'day' if days == 1 else 'days'}"


def short_date(value: date | None, reference: date | None = None) -> str:
    """ "1 Apr" within the year of ``reference`` (default today), "1 Apr 2027" otherwise."""
    if value is None:
        return ""
    if value.year == (reference or clock.today()).year:
        return f"{value:%-d %b}"
    return f"{value:%-d %b %Y}"


@dataclass
class CopiesPanel:
    """The book page's copies panel: where each copy is, the forms, the history."""

    book: Book
    today: date
    open_loans: list[Loan]
    past_loans: list[Loan]
    earlier_loans: int
    return_forms: dict[int, ReturnForm] = field(default_factory=dict)

    @property
    def at_home(self) -> int:
        return max(0, self.book.copies - len(self.open_loans))

    @property
    def over_lent(self) -> bool:
        """More open loans than copies (copies lowered after lending)."""
        return len(self.open_loans) > self.book.copies

    @property
    def may_lend(self) -> bool:
        return self.at_home > 0


@bp.app_template_global()
def copies_panel(book: Book, return_forms: Mapping[int, ReturnForm] | None = None) -> CopiesPanel:
    """What templates/library/_copies.html shows; the return route hands in the form
    that failed, so it comes back with its message. Lending has a page of its own: its
    form on the book page cost every view of the book for the rare loan."""
    today = clock.today()
    loans = list(book.loans)  # newest first (Book.loans' order)
    open_loans = sorted((loan for loan in loans if loan.is_open), key=_open_order)
    past = [loan for loan in loans if not loan.is_open]
    past.sort(key=lambda loan: (loan.returned_on, loan.id), reverse=True)
    forms = dict(return_forms or {})
    for loan in open_loans:
        forms.setdefault(loan.id, return_form_for(loan))
    return CopiesPanel(
        book=book,
        today=today,
        open_loans=open_loans,
        past_loans=past[:HISTORY_ON_BOOK_PAGE],
        earlier_loans=max(0, len(past) - HISTORY_ON_BOOK_PAGE),
        return_forms=forms,
    )


def _open_order(loan: Loan) -> tuple[Any, ...]:
    """open_loans_query's order, for the loans already loaded with a book."""
    return (loan.due_on is None, loan.due_on or date.max, loan.lent_on, loan.id)


bp.add_app_template_global(due_note, "due_note")
bp.add_app_template_filter(short_date, "short_date")


# --- the routes ------------------------------------------------------------------------


def _loan_or_404(loan_id: int) -> Loan:
    return db.get_or_404(Loan, loan_id)


def _book_with_panel(book_id: int) -> Book:
    return db.session.scalar(
        select(Book)
        .where(Book.id == book_id)
        .options(selectinload(Book.author_links), selectinload(Book.shelves), selectinload(Book.loans))
    ) or abort(404)


def _back_to(target: str | None, book: Book):
    if is_local_path(target):
        return redirect(target)
    return redirect(url_for("library.book", book_id=book.id, _anchor="copies"))


@bp.get("/books/<int:book_id>/loans/new")
@login_required
def new_loan_page(book_id: int):
    book = _book_with_panel(book_id)
    return render_template("library/loan_new.html", book=book, form=LendForm(formdata=None))


@bp.post("/books/<int:book_id>/loans")
@login_required
def lend_copy(book_id: int):
    book = _book_with_panel(book_id)
    form = LendForm()
    if form.validate_on_submit():
        try:
            loan = lend(book, form.loan_data(), by=current_user._get_current_object(), today=clock.today())
        except LoanProblem as problem:
            show_problem(form, problem)
        else:
            db.session.commit()
            flash(f"“{book.title}” is lent to {loan.borrower}.", "success")
            return _back_to(None, book)
    return render_template("library/loan_new.html", book=book, form=form), INVALID


@bp.post("/loans/<int:loan_id>/return")
@login_required
def return_loan(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = return_form_for(loan, request.form)
    if not form.validate_on_submit():  # a date that is not one (CSRF is checked before)
        return book_page_again(_book_with_panel(loan.book_id), return_forms={loan.id: form})
    if not loan.is_open:
        flash(f"This copy came back on {loan.returned_on:%-d %b %Y} already.", "success")
        return _back_to(form.next.data, loan.book)
    try:
        mark_returned(loan, today=clock.today(), on=form.returned_on.data)
    except LoanProblem as problem:
        show_problem(form, problem)
        return book_page_again(_book_with_panel(loan.book_id), return_forms={loan.id: form})
    db.session.commit()
    flash(f"“{loan.book.title}” is back from {loan.borrower}.", "success")
    return _back_to(form.next.data, loan.book)


@bp.route("/loans/<int:loan_id>/edit", methods=["GET", "POST"])
@login_required
def edit_loan(loan_id: int):
    loan = _loan_or_404(loan_id)
    form = LoanForm()
    if request.method == "GET":
        form.fill_from(loan)
    elif form.validate_on_submit():
        try:
            update_loan(loan, form.loan_data(), today=clock.today())
        except LoanProblem as problem:
            show_problem(form, problem)
        else:
            db.session.commit()
            flash("The loan is saved.", "success")
            return _back_to(None, loan.book)
    status = INVALID if form.is_submitted() else 200
    return render_template(
        "library/loan_edit.html", loan=loan, form=form, delete_form=EmptyForm(formdata=None)
    ), status


@bp.post("/loans/<int:loan_id>/delete")
@login_required
def delete_loan_page(loan_id: int):
    loan = _loan_or_404(loan_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    book, borrower = loan.book, loan.borrower
    delete_loan(loan)
    db.session.commit()
    flash(f"The loan to {borrower} is deleted.", "success")
    return _back_to(None, book)


@bp.get("/loans")
@login_required
def loans():
    """Open loans, overdue first; ``?show=returned``: the loans that came back, newest
    first (``&book=<id>``: of one book, the book page's "earlier loans")."""
    returned = request.args.get("show") == "returned"
    book_id = request.args.get("book", type=optional_ascii_int)
    book = db.session.get(Book, book_id) if returned and book_id else None
    with_book = joinedload(Loan.book).selectinload(Book.author_links).joinedload(BookAuthor.author)
    open_count = db.session.scalar(select(func.count(Loan.id)).where(Loan.returned_on.is_(None))) or 0
    page = None
    if returned:
        query = select(Loan).where(Loan.returned_on.is_not(None))
        if book is not None:
            query = query.where(Loan.book_id == book.id)
        page = db.paginate(
            query.options(with_book).order_by(Loan.returned_on.desc(), Loan.id.desc()),
            page=requested_page(),
            per_page=RETURNED_PER_PAGE,
            error_out=False,
        )
        rows = list(page.items)
    else:
        rows = list(db.session.scalars(open_loans_query().options(with_book)).unique())
    today = clock.today()
    forms = {loan.id: return_form_for(loan) for loan in rows if loan.is_open}
    for form in forms.values():
        form.next.data = url_for("library.loans")
    return render_template(
        "library/loans.html",
        returned=returned,
        book=book,
        loans=rows,
        page=page,
        open_count=open_count,
        overdue=sum(1 for loan in rows if loan.is_overdue(today)),
        today=today,
        return_forms=forms,
    )
