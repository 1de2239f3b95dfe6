"""Lending copies of the household's books: the rules every front end records loans by.

- a loan is of a copy the household owns: no more open loans than ``Book.copies``;
- it is lent on a day that is not in the future; it is due and returned on or after it;
- a returned loan is history: its due date is no longer set or changed.

In server mode any member may record, change or delete a loan of the shared catalogue
(friends borrow from the household, not from one account). Callers commit; a
:class:`LoanProblem` means nothing was changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from webapp.extensions import db
from webapp.models import Book, Loan, User
from webapp.models.loan import BORROWER_MAX_LENGTH, LOAN_NOTE_MAX_LENGTH

LOAN_FIELDS = ("borrower", "lent_on", "due_on", "returned_on", "note")


class LoanProblem(ValueError):
    """What is wrong with a loan, per field (``borrower``, ``lent_on``, ``due_on``, …)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class CopyPlace:
    """Where one copy is, for the book page: at home (its location), or with someone."""

    loan: Loan | None
    location: str | None


def open_loan_count(book: Book, excluding: Loan | None = None) -> int:
    query = select(func.count(Loan.id)).where(Loan.book_id == book.id, Loan.returned_on.is_(None))
    if excluding is not None and excluding.id is not None:
        query = query.where(Loan.id != excluding.id)
    return int(db.session.scalar(query) or 0)


def check_loan(
    book: Book, values: Mapping[str, Any], today: date, loan: Loan | None = None
) -> dict[str, str]:
    """The field messages for ``loan`` (None: a new one) with ``values`` applied."""
    current = {field: getattr(loan, field) if loan is not None else None for field in LOAN_FIELDS}
    merged = current | {field: values[field] for field in LOAN_FIELDS if field in values}
    errors: dict[str, str] = {}
    borrower = (merged["borrower"] or "").strip()
    if not borrower:
        errors["borrower"] = "Say who borrowed it."
    elif len(borrower) > BORROWER_MAX_LENGTH:
        errors["borrower"] = f"A name is at most {BORROWER_MAX_LENGTH} characters."
    if merged["note"] and len(merged["note"]) > LOAN_NOTE_MAX_LENGTH:
        errors["note"] = f"A note is at most {LOAN_NOTE_MAX_LENGTH:,} characters."
    lent_on, due_on, returned_on = merged["lent_on"], merged["due_on"], merged["returned_on"]
    if lent_on is None:
        errors["lent_on"] = "Say when it was lent."
    elif lent_on > today:
        errors["lent_on"] = "A loan cannot start in the future."
    if returned_on is not None:
        if returned_on > today:
            errors["returned_on"] = "A book cannot come back in the future."
        elif lent_on is not None and returned_on < lent_on:
            errors["returned_on"] = "A book comes back after it was lent."
    due_changes = "due_on" in values and values["due_on"] != current["due_on"]
    if due_changes and due_on is not None and returned_on is not None:
        errors["due_on"] = "A returned loan has no due date to set."
    elif due_on is not None and lent_on is not None and due_on < lent_on:
        errors["due_on"] = "A loan is due after it was lent."
    opens = returned_on is None and (loan is None or loan.returned_on is not None)
    copies = 1 if book.copies is None else book.copies  # a book not yet flushed has the default
    if opens and copies <= open_loan_count(book, excluding=loan):
        # A new loan is refused at its borrower; a returned one reopened (its return date
        # cleared) at the field that reopens it.
        field = "borrower" if loan is None else "returned_on"
        if copies == 0:
            errors[field] = "The household owns no copy of this book (copies: 0) to lend."
        else:
            errors[field] = f"Every copy ({copies}) is lent out already."
    return errors


def _tidy(values: Mapping[str, Any]) -> dict[str, Any]:
    tidy = {field: values[field] for field in LOAN_FIELDS if field in values}
    for field in ("borrower", "note"):
        if field in tidy and isinstance(tidy[field], str):
            tidy[field] = " ".join(tidy[field].split()) if field == "borrower" else tidy[field].strip()
            tidy[field] = tidy[field] or None
    return tidy


def _count_copies_alone(book: Book) -> None:
    """Two members lending the last copy at once must not both succeed. SQLite writes
    begin IMMEDIATE (one writer at a time), so this is PostgreSQL's row lock on the book:
    the second lender waits, then counts the first one's loan."""
    if book.id is not None and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Book.id).where(Book.id == book.id).with_for_update())


def lend(book: Book, values: Mapping[str, Any], *, by: User | None, today: date) -> Loan:
    values = {"lent_on": today} | _tidy(values)
    _count_copies_alone(book)
    errors = check_loan(book, values, today)
    if errors:
        raise LoanProblem(errors)
    loan = Loan(book=book, recorded_by=by, **values)
    db.session.add(loan)
    return loan


def update_loan(loan: Loan, values: Mapping[str, Any], *, today: date) -> Loan:
    values = _tidy(values)
    _count_copies_alone(loan.book)
    errors = check_loan(loan.book, values, today, loan)
    if errors:
        raise LoanProblem(errors)
    for field, value in values.items():
        setattr(loan, field, value)
    return loan


def mark_returned(loan: Loan, *, today: date, on: date | None = None) -> Loan:
    return update_loan(loan, {"returned_on": on or today}, today=today)


def delete_loan(loan: Loan) -> None:
    db.session.delete(loan)


def open_loans_query():
    """Every open loan, overdue first (longest overdue first), then by due date (none
    last), then by when it was lent: the "Lent out" list's order."""
    return (
        select(Loan)
        .where(Loan.returned_on.is_(None))
        .order_by(
            case((Loan.due_on.is_(None), 1), else_=0),
            Loan.due_on,
            Loan.lent_on,
            Loan.id,
        )
    )


def copy_places(book: Book) -> list[CopyPlace]:
    """One entry per copy: the lent ones with their loan, the rest at the book's location.
    Loans beyond the copies (copies lowered by hand in SQL) are still shown."""
    lent = book.open_loans
    at_home = max(0, book.copies - len(lent))
    return [CopyPlace(loan=loan, location=None) for loan in lent] + [
        CopyPlace(loan=None, location=book.location) for _ in range(at_home)
    ]
