"""webapp.lending's rules called directly, as the pages, the API and importers call them:
what each refusal says, on which field, and that a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.lending import (
    LoanProblem,
    copy_places,
    lend,
    mark_returned,
    open_loans_query,
    update_loan,
)
from webapp.models import Book, Loan

TODAY = date(2026, 3, 20)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


@pytest.fixture
def session(app) -> Iterator[None]:
    with app.app_context():
        yield
        db.session.rollback()


def new_book(copies: int = 1, location: str | None = "Hall") -> Book:
    book = Book(title="Middlemarch", copies=copies, location=location)
    db.session.add(book)
    db.session.commit()
    return book


def loan_count() -> int:
    return db.session.scalar(select(func.count(Loan.id))) or 0


def refusal(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(LoanProblem) as problem:
        call(*args, **kwargs)
    return problem.value.errors


@pytest.mark.usefixtures("session")
class TestLending:
    def test_a_loan_is_lent_today_unless_said_otherwise_with_its_text_tidied(self) -> None:
        book = new_book()
        loan = lend(book, {"borrower": "  Sam \n Vimes ", "note": "  "}, by=None, today=TODAY)
        db.session.commit()
        assert (loan.borrower, loan.lent_on, loan.note, loan.is_open) == ("Sam Vimes", TODAY, None, True)

    @pytest.mark.parametrize(
        ("values", "field", "message"),
        [
            ({"borrower": " "}, "borrower", "Say who borrowed it."),
            ({"borrower": "x" * 256}, "borrower", "A name is at most 255 characters."),
            ({"lent_on": day(1)}, "lent_on", "A loan cannot start in the future."),
            ({"lent_on": None}, "lent_on", "Say when it was lent."),
            ({"due_on": day(-1)}, "due_on", "A loan is due after it was lent."),
            ({"returned_on": day(-1)}, "returned_on", "A book comes back after it was lent."),
            ({"returned_on": day(1)}, "returned_on", "A book cannot come back in the future."),
            ({"returned_on": TODAY, "due_on": day(3)}, "due_on", "A returned loan has no due date to set."),
            ({"note": "n" * 2001}, "note", "A note is at most 2,000 characters."),
        ],
    )
    def test_a_bad_new_loan_says_what_is_wrong_on_its_field_and_adds_nothing(self, values, field, message):
        book = new_book()
        errors = refusal(lend, book, {"borrower": "Sam", **values}, by=None, today=TODAY)
        assert errors == {field: message}
        assert not db.session.new
        assert loan_count() == 0

    def test_no_more_open_loans_than_copies_and_a_return_frees_one(self) -> None:
        book = new_book(copies=2)
        first = lend(book, {"borrower": "Ada"}, by=None, today=TODAY)
        lend(book, {"borrower": "Bea"}, by=None, today=TODAY)
        db.session.commit()
        assert refusal(lend, book, {"borrower": "Cy"}, by=None, today=TODAY) == {
            "borrower": "Every copy (2) is lent out already."
        }
        mark_returned(first, today=TODAY)
        db.session.commit()
        assert lend(book, {"borrower": "Cy"}, by=None, today=TODAY).is_open

    def test_a_book_with_no_copies_lends_none_but_a_past_loan_may_be_recorded(self) -> None:
        book = new_book(copies=0)
        assert refusal(lend, book, {"borrower": "Sam"}, by=None, today=TODAY) == {
            "borrower": "The household owns no copy of this book (copies: 0) to lend."
        }
        past = lend(
            book, {"borrower": "Sam", "lent_on": day(-9), "returned_on": day(-2)}, by=None, today=TODAY
        )
        assert not past.is_open

    def test_changing_an_open_loan_does_not_count_it_against_the_copies(self) -> None:
        book = new_book(copies=1)
        loan = lend(book, {"borrower": "Ada"}, by=None, today=TODAY)
        db.session.commit()
        update_loan(loan, {"borrower": "Ada L.", "due_on": day(7)}, today=TODAY)
        assert (loan.borrower, loan.due_on) == ("Ada L.", day(7))

    def test_reopening_a_returned_loan_needs_a_copy_at_home_and_says_so_at_its_return(self) -> None:
        book = new_book(copies=1)
        old = lend(
            book, {"borrower": "Ada", "lent_on": day(-9), "returned_on": day(-5)}, by=None, today=TODAY
        )
        lend(book, {"borrower": "Bea"}, by=None, today=TODAY)
        db.session.commit()
        errors = refusal(update_loan, old, {"returned_on": None}, today=TODAY)
        assert errors == {"returned_on": "Every copy (1) is lent out already."}
        assert old.returned_on == day(-5)

    def test_a_returned_loans_due_date_stays_as_it_was(self) -> None:
        book = new_book()
        loan = lend(book, {"borrower": "Sam", "lent_on": day(-9), "due_on": day(-1)}, by=None, today=TODAY)
        mark_returned(loan, today=TODAY, on=day(-3))
        db.session.commit()
        assert refusal(update_loan, loan, {"due_on": day(2)}, today=TODAY) == {
            "due_on": "A returned loan has no due date to set."
        }
        assert loan.due_on == day(-1)
        update_loan(loan, {"due_on": day(-1), "note": "kept"}, today=TODAY)  # unchanged: fine
        assert (loan.due_on, loan.note) == (day(-1), "kept")

    def test_returned_before_it_was_lent_is_refused_and_changes_nothing(self) -> None:
        book = new_book()
        loan = lend(book, {"borrower": "Sam", "lent_on": day(-4)}, by=None, today=TODAY)
        db.session.commit()
        assert refusal(mark_returned, loan, today=TODAY, on=day(-5)) == {
            "returned_on": "A book comes back after it was lent."
        }
        assert loan.is_open
        assert mark_returned(loan, today=TODAY).returned_on == TODAY


@pytest.mark.usefixtures("session")
def test_open_loans_come_overdue_first_then_by_due_date_then_undated() -> None:
    book = new_book(copies=5)
    made = {}
    for name, lent_on, due_on in [
        ("undated, lent long ago", day(-60), None),
        ("due later", day(-1), day(10)),
        ("overdue a little", day(-10), day(-1)),
        ("undated, lent lately", day(-2), None),
        ("overdue most", day(-30), day(-20)),
    ]:
        made[name] = lend(
            book, {"borrower": name, "lent_on": lent_on, "due_on": due_on}, by=None, today=TODAY
        )
    back = lend(book, {"borrower": "back", "lent_on": day(-9), "returned_on": day(-8)}, by=None, today=TODAY)
    db.session.commit()

    order = [loan.borrower for loan in db.session.scalars(open_loans_query())]

    assert order == [
        "overdue most",
        "overdue a little",
        "due later",
        "undated, lent long ago",
        "undated, lent lately",
    ]
    assert back.borrower not in order
    assert [loan.is_overdue(TODAY) for loan in made.values()] == [False, False, True, False, True]


@pytest.mark.usefixtures("session")
def test_copy_places_are_one_per_copy_and_show_loans_beyond_the_copies() -> None:
    book = new_book(copies=3, location="Study, shelf 3")
    loan = lend(book, {"borrower": "Sam"}, by=None, today=TODAY)
    db.session.commit()
    db.session.refresh(book)

    places = copy_places(book)
    assert [(place.loan, place.location) for place in places] == [
        (loan, None),
        (None, "Study, shelf 3"),
        (None, "Study, shelf 3"),
    ]

    book.copies = 0  # lowered by hand after lending
    assert [(place.loan, place.location) for place in copy_places(book)] == [(loan, None)]
