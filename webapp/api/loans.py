"""``/loans``: copies of the household's books lent to people (names, not accounts).

Any member may record, change and delete a loan of the shared catalogue (friends borrow
from the household); a read key lists them, a write key changes them. The rules are
webapp.lending's, the same as the pages': its refusals are 422s naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from apiflask.schemas import EmptySchema
from flask import url_for
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from webapp import clock, lending
from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import field_errors
from webapp.api.pagination import page_of, paginate
from webapp.api.records import get_or_404, save
from webapp.api.schemas.loans import LoanIn, LoanOut, LoanQuery, LoanUpdate
from webapp.extensions import db
from webapp.lending import LoanProblem
from webapp.models import Book, Loan

TAGS = ["Loans"]
REFUSED = {
    422: "A field is not valid, or breaks a rule of lending (each error names its field): "
    "a date in the future, returned or due before lent, a due date on a returned loan, "
    "more open loans than copies."
}
NO_LOAN = {404: "No loan has this id."}


def _open_only(expression: Any) -> Any:
    return case((Loan.returned_on.is_(None), expression), else_=None)


def loans_matching(query: dict[str, Any]):
    """``GET /loans``: open ones as the "Lent out" list orders them, returned ones latest first."""
    is_open = query.get("open")
    if is_open is True:
        statement = lending.open_loans_query()
    elif is_open is False:
        statement = (
            select(Loan)
            .where(Loan.returned_on.is_not(None))
            .order_by(Loan.returned_on.desc(), Loan.id.desc())
        )
    else:
        statement = select(Loan).order_by(
            Loan.returned_on.is_not(None),
            _open_only(case((Loan.due_on.is_(None), 1), else_=0)),
            _open_only(Loan.due_on),
            _open_only(Loan.lent_on),
            Loan.returned_on.desc(),
            Loan.id,
        )
    if book_id := query.get("book"):
        statement = statement.where(Loan.book_id == book_id)
    return statement.options(selectinload(Loan.book), selectinload(Loan.recorded_by))


def loan_out(loan: Loan, today: date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    return {
        "id": loan.id,
        "book": loan.book,
        "borrower": loan.borrower,
        "lent_on": loan.lent_on,
        "due_on": loan.due_on,
        "returned_on": loan.returned_on,
        "is_open": loan.is_open,
        "overdue": loan.is_overdue(today),
        "note": loan.note,
        "recorded_by": loan.recorded_by,
        "created_at": loan.created_at,
        "updated_at": loan.updated_at,
    }


def _refuse(problem: LoanProblem) -> None:
    db.session.rollback()
    field_errors(problem.errors)


@bp.get("/loans")
@bp.input(LoanQuery, location="query", arg_name="query")
@bp.output(page_of(LoanOut))
@bp.doc(tags=TAGS, summary="List loans", description="Every member sees the household's loans.")
def list_loans(query: dict[str, Any]):
    body, headers = paginate(loans_matching(query), query["page"], query["per_page"])
    today = clock.today()
    body["items"] = [loan_out(loan, today) for loan in body["items"]]
    return body, 200, headers


@bp.post("/books/<int:book_id>/loans")
@bp.input(LoanIn, arg_name="data")
@bp.output(LoanOut, status_code=201, description="Created; Location names it.")
@bp.doc(
    tags=TAGS,
    summary="Lend a copy of a book",
    description="A loan of a copy the household owns: no more open loans than the book's copies.",
    responses={404: "There is no book with this id.", **REFUSED},
)
def create_loan(book_id: int, data: dict[str, Any]):
    book = get_or_404(Book, book_id, "book")
    try:
        loan = lending.lend(book, data, by=caller().user, today=clock.today())
    except LoanProblem as problem:
        _refuse(problem)
    save()
    return loan_out(loan), 201, {"Location": url_for("api.get_loan", loan_id=loan.id, _external=True)}


@bp.get("/loans/<int:loan_id>")
@bp.output(LoanOut)
@bp.doc(tags=TAGS, summary="One loan", responses=NO_LOAN)
def get_loan(loan_id: int):
    return loan_out(get_or_404(Loan, loan_id, "loan"))


@bp.patch("/loans/<int:loan_id>")
@bp.input(LoanUpdate, arg_name="data")
@bp.output(LoanOut)
@bp.doc(
    tags=TAGS,
    summary="Change a loan, or record its return",
    description='Send `{"returned_on": "2024-05-01"}` when the book comes back; fields left out '
    "keep their values.",
    responses={**NO_LOAN, **REFUSED},
)
def update_loan(loan_id: int, data: dict[str, Any]):
    loan = get_or_404(Loan, loan_id, "loan")
    try:
        lending.update_loan(loan, data, today=clock.today())
    except LoanProblem as problem:
        _refuse(problem)
    save()
    return loan_out(loan)


@bp.delete("/loans/<int:loan_id>")
@bp.output(EmptySchema, status_code=204, description="Deleted (a loan recorded by mistake).")
@bp.doc(tags=TAGS, summary="Delete a loan", responses=NO_LOAN)
def delete_loan(loan_id: int):
    lending.delete_loan(get_or_404(Loan, loan_id, "loan"))
    save()
    return "", 204
