"""Copies and loans on the pages: the book page says where each copy is and lends,
returns, edits and deletes loans; /loans lists what is lent out, overdue first. Any
member may do it all in server mode; bad input is a field message, 422, nothing saved."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token, make_user, sign_in
from tests.today import TODAY
from webapp.extensions import db
from webapp.models import Book, Loan, User


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def shown(value: date) -> str:
    """How the pages write a date (webapp.templating.format_date)."""
    return f"{value:%-d %b %Y}"


def add_book(app: Flask, title: str = "Piranesi", copies: int = 2, location: str | None = "Study, shelf 3"):
    with app.app_context():
        book = Book(title=title, copies=copies, location=location)
        db.session.add(book)
        db.session.commit()
        return book.id


def add_loan(app: Flask, book_id: int, borrower: str = "Sam", **fields) -> int:
    with app.app_context():
        loan = Loan(book_id=book_id, borrower=borrower, lent_on=fields.pop("lent_on", day(-10)), **fields)
        db.session.add(loan)
        db.session.commit()
        return loan.id


def loans_of(app: Flask, book_id: int) -> list[tuple]:
    """Every loan of the book as plain values, to compare before and after."""
    with app.app_context():
        return [
            (loan.id, loan.borrower, loan.lent_on, loan.due_on, loan.returned_on, loan.note)
            for loan in db.session.scalars(select(Loan).where(Loan.book_id == book_id).order_by(Loan.id))
        ]


def client_of(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def post(client: FlaskClient, path: str, prefix: str = "", **fields):
    token = csrf_token(client, "/loans")
    return client.post(path, data={f"{prefix}csrf_token": token, **fields})


def returning(client: FlaskClient, loan_id: int, on: str, **fields: str):
    """The "Returned" button of one loan (its fields carry the loan's prefix)."""
    prefix = f"return-{loan_id}-"
    data = {f"{prefix}returned_on": on, **{f"{prefix}{name}": value for name, value in fields.items()}}
    return post(client, f"/loans/{loan_id}/return", prefix=prefix, **data)


def lend_form(**fields) -> dict[str, str]:
    return {"borrower": "Sam", "lent_on": day(-3).isoformat(), "due_on": "", "note": "", **fields}


def field_errors(page: str, field: str) -> str:
    match = re.search(rf'<ul class="field-errors" id="{field}-error">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


def text(page: str) -> str:
    """The page without tags and with single spaces, to read sentences across markup
    (inline tags go without a trace, the others leave a space)."""
    inline = re.sub(r"</?(?:span|strong|a|em)\b[^>]*>", "", page)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


@pytest.fixture
def member(app: Flask) -> User:
    return make_user(app, "member", role="member")


@pytest.fixture
def signed_in(app: Flask, member: User) -> FlaskClient:
    return client_of(app, member)


# --- the book page ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "editor", "admin"])
def test_any_member_lends_a_copy_and_the_book_page_says_where_each_copy_is(app, role) -> None:
    actor = make_user(app, f"the-{role}", role=role)
    client = client_of(app, actor)
    book_id = add_book(app)

    response = post(client, f"/books/{book_id}/loans", **lend_form(due_on=day(20).isoformat(), note="signed"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/books/{book_id}#copies")
    [(_, borrower, lent_on, due_on, returned_on, note)] = loans_of(app, book_id)
    assert (borrower, lent_on, due_on, returned_on, note) == ("Sam", day(-3), day(20), None, "signed")
    with app.app_context():
        assert db.session.scalars(select(Loan)).one().recorded_by_id == actor.id
    page = text(client.get(f"/books/{book_id}").get_data(as_text=True))
    assert "2 copies: 1 at home — Study, shelf 3" in page
    due = f"{day(20):%-d %b}" if day(20).year == day(-3).year else shown(day(20))
    assert f"1 lent to Sam since {shown(day(-3))}, due {due}" in page
    assert "overdue" not in page


def test_an_overdue_loan_says_so_on_the_book_page(app, signed_in) -> None:
    book_id = add_book(app)
    add_loan(app, book_id, lent_on=day(-40), due_on=day(-3))

    page = text(signed_in.get(f"/books/{book_id}").get_data(as_text=True))

    assert "2 copies: 1 at home — Study, shelf 3" in page
    assert f"1 lent to Sam since {shown(day(-40))}" in page
    assert "(3 days overdue)" in page


def test_a_book_with_no_copies_is_not_owned_and_cannot_be_lent(app, signed_in) -> None:
    book_id = add_book(app, copies=0)
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert "Not owned (a wish or a library book)." in page
    assert "Lend a copy" not in page

    response = post(signed_in, f"/books/{book_id}/loans", **lend_form())

    assert response.status_code == 422
    assert "owns no copy of this book" in field_errors(response.get_data(as_text=True), "borrower")
    assert loans_of(app, book_id) == []


def test_when_every_copy_is_out_the_page_says_so_and_another_loan_is_refused(app, signed_in) -> None:
    book_id = add_book(app, copies=1)
    add_loan(app, book_id, borrower="Ada")
    before = loans_of(app, book_id)
    page = text(signed_in.get(f"/books/{book_id}").get_data(as_text=True))
    assert "Every copy is lent out." in page and "Lend a copy" not in page

    response = post(signed_in, f"/books/{book_id}/loans", **lend_form())

    assert response.status_code == 422
    assert "Every copy (1) is lent out already." in field_errors(response.get_data(as_text=True), "borrower")
    assert loans_of(app, book_id) == before


def test_lending_has_a_page_of_its_own_linked_from_the_book_page(app, signed_in) -> None:
    book_id = add_book(app)
    book_page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert f'href="/books/{book_id}/loans/new"' in book_page
    assert 'name="borrower"' not in book_page  # the form is not rendered on every view
    form_page = signed_in.get(f"/books/{book_id}/loans/new")
    assert form_page.status_code == 200
    assert f'action="/books/{book_id}/loans"' in form_page.get_data(as_text=True)
    assert signed_in.get("/books/999999/loans/new").status_code == 404


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"borrower": "  "}, "borrower", "Say who borrowed it."),
        ({"lent_on": day(1).isoformat()}, "lent_on", "A loan cannot start in the future."),
        ({"due_on": day(-5).isoformat()}, "due_on", "A loan is due after it was lent."),
        ({"lent_on": ""}, "lent_on", "Say when it was lent."),
        ({"lent_on": "3 March"}, "lent_on", "Give a date as the date picker does"),
        ({"due_on": "\uff12\uff10\uff12\uff16-01-01"}, "due_on", "Give a date as the date picker does"),
    ],
)
def test_a_bad_loan_is_a_field_message_and_saves_nothing(app, signed_in, fields, field, message) -> None:
    book_id = add_book(app)

    response = post(signed_in, f"/books/{book_id}/loans", **lend_form(**fields))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_errors(page, field)
    assert "nothing was saved" in page
    assert "Lend a copy of" in page  # the lending page again, as typed
    assert loans_of(app, book_id) == []


def test_returned_today_and_on_a_given_day(app, signed_in) -> None:
    book_id = add_book(app)
    first = add_loan(app, book_id, borrower="Ada", lent_on=day(-9))
    second = add_loan(app, book_id, borrower="Sam", lent_on=day(-9))

    today = returning(signed_in, first, "")
    earlier = returning(signed_in, second, day(-2).isoformat())

    assert today.status_code == earlier.status_code == 302
    returned = {loan[0]: loan[4] for loan in loans_of(app, book_id)}
    assert returned == {first: TODAY, second: day(-2)}
    page = text(signed_in.get(f"/books/{book_id}").get_data(as_text=True))
    assert "2 copies: 2 at home — Study, shelf 3" in page
    history = page[page.index("Past loans") :]
    assert history.index(f"{shown(TODAY)} Edit") < history.index("Sam: ") < history.index(shown(day(-2)))


@pytest.mark.parametrize(
    ("returned_on", "message"),
    [
        (day(-20), "A book comes back after it was lent."),
        (day(2), "A book cannot come back in the future."),
    ],
)
def test_a_return_outside_the_loan_is_refused(app, signed_in, returned_on, message) -> None:
    book_id = add_book(app)
    loan_id = add_loan(app, book_id, lent_on=day(-10))
    before = loans_of(app, book_id)

    response = returning(signed_in, loan_id, returned_on.isoformat())

    assert response.status_code == 422
    assert message in field_errors(response.get_data(as_text=True), f"return-{loan_id}-returned_on")
    assert loans_of(app, book_id) == before


def test_editing_a_loan_saves_it_and_deleting_removes_it(app, signed_in) -> None:
    book_id = add_book(app)
    loan_id = add_loan(app, book_id, lent_on=day(-10))
    page = signed_in.get(f"/loans/{loan_id}/edit").get_data(as_text=True)
    assert f'value="{day(-10).isoformat()}"' in page

    saved = post(
        signed_in,
        f"/loans/{loan_id}/edit",
        borrower="Samira",
        lent_on=day(-8).isoformat(),
        due_on=day(5).isoformat(),
        returned_on="",
        note="paperback",
    )
    assert saved.status_code == 302
    assert loans_of(app, book_id) == [(loan_id, "Samira", day(-8), day(5), None, "paperback")]

    deleted = post(signed_in, f"/loans/{loan_id}/delete")
    assert deleted.status_code == 302
    assert loans_of(app, book_id) == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"due_on": day(3).isoformat()}, "due_on", "A returned loan has no due date to set."),
        ({"returned_on": day(-12).isoformat()}, "returned_on", "A book comes back after it was lent."),
        ({"lent_on": day(1).isoformat()}, "lent_on", "A loan cannot start in the future."),
        ({"borrower": ""}, "borrower", "Say who borrowed it."),
    ],
)
def test_a_bad_change_to_a_returned_loan_is_refused(app, signed_in, fields, field, message) -> None:
    book_id = add_book(app)
    loan_id = add_loan(app, book_id, lent_on=day(-10), due_on=day(-1), returned_on=day(-4))
    before = loans_of(app, book_id)
    form = {"borrower": "Sam", "lent_on": day(-10).isoformat(), "due_on": day(-1).isoformat(), "note": ""}
    form |= {"returned_on": day(-4).isoformat(), **fields}

    response = post(signed_in, f"/loans/{loan_id}/edit", **form)

    assert response.status_code == 422
    assert message in field_errors(response.get_data(as_text=True), field)
    assert loans_of(app, book_id) == before


def test_reopening_a_loan_when_every_copy_is_out_is_refused_at_its_return_date(app, signed_in) -> None:
    book_id = add_book(app, copies=1)
    add_loan(app, book_id, borrower="Ada")
    old = add_loan(app, book_id, lent_on=day(-30), returned_on=day(-20))
    before = loans_of(app, book_id)
    form = {"borrower": "Sam", "lent_on": day(-30).isoformat(), "due_on": "", "returned_on": "", "note": ""}

    response = post(signed_in, f"/loans/{old}/edit", **form)

    assert response.status_code == 422
    message = field_errors(response.get_data(as_text=True), "returned_on")
    assert "Every copy (1) is lent out already." in message
    assert loans_of(app, book_id) == before


# --- /loans ----------------------------------------------------------------------------


def test_lent_out_lists_overdue_first_then_by_due_date_then_undated(any_db_app) -> None:
    app = any_db_app
    client = client_of(app, make_user(app, "member", role="member"))
    books = {title: add_book(app, title) for title in ("Undated", "Later", "Overdue", "Long overdue")}
    add_loan(app, books["Undated"], "Uma", lent_on=day(-50))
    add_loan(app, books["Later"], "Lea", lent_on=day(-2), due_on=day(12))
    add_loan(app, books["Overdue"], "Omar", lent_on=day(-20), due_on=day(-3))
    add_loan(app, books["Long overdue"], "Liv", lent_on=day(-5), due_on=day(-4))
    add_loan(app, books["Later"], "Quentin", lent_on=day(-9), due_on=day(-8), returned_on=day(-1))

    page = client.get("/loans").get_data(as_text=True)

    titles = re.findall(r'class="book-title" href="/books/\d+#copies">([^<]+)<', page)
    assert titles == ["Long overdue", "Overdue", "Later", "Undated"]
    words = text(page)
    assert "4 copies lent, 2 overdue." in words
    assert f"Liv {shown(day(-5))} {shown(day(-4))} 4 days overdue" in words
    assert f"Omar {shown(day(-20))} {shown(day(-3))} 3 days overdue" in words
    assert f"Lea {shown(day(-2))} {shown(day(12))} due in 12 days" in words
    assert f"Uma {shown(day(-50))} No due date" in words
    assert page.count('<tr class="is-overdue">') == 2
    assert "Quentin" not in words


def test_another_members_loan_is_returned_from_lent_out(app, member) -> None:
    lender = client_of(app, make_user(app, "lender", role="member"))
    book_id = add_book(app)
    assert post(lender, f"/books/{book_id}/loans", **lend_form()).status_code == 302
    [(loan_id, *_)] = loans_of(app, book_id)
    other = client_of(app, member)

    response = returning(other, loan_id, "", next="/loans")

    assert response.status_code == 302
    assert response.headers["Location"] == "/loans"
    assert loans_of(app, book_id)[0][4] == TODAY
    assert "Nothing is lent out." in other.get("/loans").get_data(as_text=True)


def test_returned_history_lists_what_came_back_latest_first(app, signed_in) -> None:
    book_id = add_book(app)
    add_loan(app, book_id, "Early", lent_on=day(-30), returned_on=day(-25))
    add_loan(app, book_id, "Late", lent_on=day(-9), returned_on=day(-2))
    add_loan(app, book_id, "Still out")

    page = text(signed_in.get("/loans?show=returned").get_data(as_text=True))

    assert "Returned loans" in page and "Still out" not in page
    assert page.index(f"Late {shown(day(-9))} {shown(day(-2))}") < page.index(f"Early {shown(day(-30))}")


def test_lent_out_is_in_the_main_nav_and_marked_current(app, signed_in) -> None:
    page = signed_in.get("/loans").get_data(as_text=True)
    assert '<a href="/loans" aria-current="page">Lent out</a>' in page
    assert '<a href="/loans">Lent out</a>' in signed_in.get("/shelves").get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(app, client, member) -> None:
    book_id = add_book(app)
    loan_id = add_loan(app, book_id)
    token = csrf_token(client, "/auth/login")
    for response in (
        client.get("/loans"),
        client.get(f"/loans/{loan_id}/edit"),
        client.post(f"/books/{book_id}/loans", data={"csrf_token": token, **lend_form()}),
        client.post(f"/loans/{loan_id}/return", data={f"return-{loan_id}-csrf_token": token}),
        client.post(f"/loans/{loan_id}/delete", data={"csrf_token": token}),
    ):
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]
    assert len(loans_of(app, book_id)) == 1 and loans_of(app, book_id)[0][4] is None


def test_a_loan_form_without_its_csrf_token_is_refused(app, signed_in) -> None:
    book_id = add_book(app)
    response = signed_in.post(f"/books/{book_id}/loans", data=lend_form())
    assert response.status_code == 403  # webapp.security answers CSRF failures so
    assert loans_of(app, book_id) == []
