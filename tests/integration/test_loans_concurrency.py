"""Two members lending the last copy at the same moment: one loan, one refusal.

On PostgreSQL the second lender must wait for the first one's transaction (a row lock
on the book) and then count its loan. The test sees the wait in pg_locks instead of
timing anything: without the lock the second lender never waits, counts no loan and
lends the copy a second time.
"""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import create_engine, func, select, text

from webapp.extensions import db
from webapp.lending import LoanProblem, lend
from webapp.models import Book, Loan

TODAY = date(2026, 12, 4)


def test_two_lenders_of_the_last_copy_get_one_loan_and_one_refusal(make_app, postgres_url) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres_url)
    with app.app_context():
        book = Book(title="Only one copy", copies=1)
        db.session.add(book)
        db.session.commit()
        book_id = book.id

    first_lent = threading.Event()
    first_may_commit = threading.Event()
    second: dict[str, object] = {}

    def first_lender() -> None:
        with app.app_context():
            lend(db.session.get(Book, book_id), {"borrower": "Sam"}, by=None, today=TODAY)
            db.session.flush()
            first_lent.set()
            first_may_commit.wait(timeout=60)
            db.session.commit()
            db.session.remove()

    def second_lender() -> None:
        with app.app_context():
            try:
                lend(db.session.get(Book, book_id), {"borrower": "Lena"}, by=None, today=TODAY)
                db.session.commit()
                second["result"] = "lent"
            except LoanProblem as problem:
                db.session.rollback()
                second["result"] = problem.errors
            finally:
                db.session.remove()

    one = threading.Thread(target=first_lender)
    one.start()
    assert first_lent.wait(timeout=60)
    two = threading.Thread(target=second_lender)
    two.start()

    watcher = create_engine(postgres_url)
    try:
        with watcher.connect() as connection:
            waiting = 0
            for _ in range(600):  # a bound on a failing run, not a timing assertion
                waiting = connection.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar()
                if waiting or "result" in second:
                    break
                two.join(timeout=0.05)
        first_may_commit.set()
        one.join(timeout=60)
        two.join(timeout=60)
    finally:
        first_may_commit.set()
        watcher.dispose()

    assert waiting, f"the second lender did not wait for the first: {second}"
    assert second["result"] == {"borrower": "Every copy (1) is lent out already."}
    with app.app_context():
        assert db.session.scalar(select(func.count(Loan.id)).where(Loan.book_id == book_id)) == 1
        db.session.remove()
        db.engine.dispose()


def test_a_book_not_yet_saved_counts_its_default_copy(app) -> None:
    with app.app_context():
        book = Book(title="New from an import")
        db.session.add(book)
        assert lend(book, {"borrower": "Sam"}, by=None, today=TODAY).borrower == "Sam"
