"""What a number, a pattern and a JSON body may be, on every way in (issue 11, items
13-16): JSON is bounded before a schema sees it, integers are integers, ids and query
numbers are ASCII digits, and a pattern matches the whole value."""

from __future__ import annotations

import re

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.api.conftest import KeyClient, make_key
from tests.conftest import csrf_token, make_user, sign_in
from webapp.extensions import db
from webapp.models import Book, Loan, Read, User
from webapp.request_json import MAX_DEPTH

# --- JSON bodies ----------------------------------------------------------------------

DEEP = 100_000
#: Bodies Python's json reads (or dies reading) that no client of ours needs to send.
UNREADABLE_BODIES = {
    "arrays 100,000 deep": "[" * DEEP + "]" * DEEP,
    "objects 20,000 deep": '{"a":' * 20_000 + "1" + "}" * 20_000,
    "nesting inside a field": '{"title": "x", "text": "x", "authors": ' + "[" * DEEP + "]" * DEEP + "}",
    "one level too deep": '{"title": "x", "text": "x", "authors": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}",
    "an integer of 5,000 digits": '{"title": "x", "text": "x", "year": ' + "9" * 5000 + "}",
    "1e400": '{"title": "x", "text": "x", "year": 1e400}',
    "NaN": '{"title": "x", "text": "x", "year": NaN}',
    "Infinity": '{"title": "x", "text": "x", "rating": Infinity}',
    "-Infinity": '{"title": "x", "text": "x", "year": -Infinity}',
}


@pytest.fixture
def filled(make_app) -> tuple[Flask, dict[str, object], str]:
    """A library with one of everything, its ids, and a read-and-write key."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    owner = make_user(app, "owner", is_admin=True)
    key = make_key(app, owner)
    api = KeyClient(app.test_client(), key)
    book = api.post(
        "/api/v1/books",
        json={"title": "Dune", "authors": ["Frank Herbert"], "series": [{"name": "Dune", "position": "1"}]},
    ).get_json()
    shelf = api.post("/api/v1/shelves", json={"name": "Desert", "book_ids": [book["id"]]}).get_json()
    post = api.post("/api/v1/posts", json={"title": "On Dune", "book_id": book["id"]}).get_json()
    api.post(f"/api/v1/books/{book['id']}/reading", json={"status": "reading"})
    read = api.get(f"/api/v1/books/{book['id']}/reads").get_json()["items"][0]
    loan = api.post(f"/api/v1/books/{book['id']}/loans", json={"borrower": "Sam"}).get_json()
    author = api.get("/api/v1/authors").get_json()["items"][0]
    ids = {
        "read_id": read["id"],
        "loan_id": loan["id"],
        "series_id": book["series"][0]["id"],
        "book_id": book["id"],
        "shelf_id": shelf["id"],
        "post_id": post["id"],
        "author_id": author["id"],
        "user_id": owner.id,
        "key_id": 1,
        "job_id": 1,
        "import_id": 1,
        "username": "owner",
    }
    return app, ids, key


def json_routes(app: Flask, ids: dict[str, object]) -> list[tuple[str, str]]:
    """Every (method, path) that takes a request body: all of them may read JSON."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
                routes.append(
                    (method, url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments}))
                )
    return sorted(set(routes))


def test_every_json_body_route_refuses_unreadable_json_with_a_400_that_says_why(filled) -> None:
    app, ids, key = filled
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["user_id"]))
    token = csrf_token(client, "/settings/")
    routes = json_routes(app, ids)
    assert ("POST", "/api/v1/books") in routes and ("POST", "/posts/preview") in routes
    assert len(routes) > 25
    wrong = {}
    for method, path in routes:
        for name, body in UNREADABLE_BODIES.items():
            headers = {"Content-Type": "application/json", "X-CSRFToken": token}
            if path.startswith("/api/"):
                headers["X-API-Key"] = key
            response = client.open(path, method=method, data=body, headers=headers)
            answer = response.get_json(silent=True) or {}
            message = answer.get("detail") or answer.get("error") or ""
            said_why = re.search(r"nested|number|longer than|too large", message)
            if response.status_code != 400 or not said_why:
                wrong[(method, path, name)] = (response.status_code, message[:80])
    assert wrong == {}


def test_api_refusals_of_unreadable_json_are_problem_documents(filled) -> None:
    app, _ids, key = filled
    api = KeyClient(app.test_client(), key)
    response = api.post(
        "/api/v1/books",
        data=UNREADABLE_BODIES["arrays 100,000 deep"],
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == f"The JSON body is nested more than {MAX_DEPTH} levels deep."


def test_json_within_the_bounds_still_works_and_out_of_range_numbers_are_422(filled) -> None:
    app, _ids, key = filled
    api = KeyClient(app.test_client(), key)
    nested = {"title": "Deep enough", "authors": ["A. Writer"]}
    assert api.post("/api/v1/books", json=nested).status_code == 201
    huge = api.post(
        "/api/v1/books",
        data='{"title": "x", "year": ' + "9" * 40 + "}",
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 422
    assert "year" in huge.get_json()["errors"]["json"]
    zero = api.post(
        "/api/v1/books",
        data='{"title": "Negative zero", "year": -0}',
        headers={"Content-Type": "application/json"},
    )
    assert (zero.status_code, zero.get_json()["year"]) == (201, 0)
    malformed = api.post("/api/v1/books", data='{"title":', headers={"Content-Type": "application/json"})
    assert (malformed.status_code, malformed.get_json()["detail"]) == (400, "Invalid JSON body.")


# --- integers are integers ------------------------------------------------------------

NOT_INTEGERS = (1999.5, 1999.0, "1999", "1999.0", True, "\uff11\uff19\uff19\uff19")
#: Every integer a client writes through the API: (method, path template, field, wrap).
JSON_INTEGER_FIELDS = (
    ("POST", "/api/v1/books", "year", None),
    ("POST", "/api/v1/books", "pages", None),
    ("POST", "/api/v1/books", "price_minor", None),
    ("PATCH", "/api/v1/books/{book_id}", "year", None),
    ("POST", "/api/v1/posts", "book_id", None),
    ("PATCH", "/api/v1/posts/{post_id}", "book_id", None),
    ("POST", "/api/v1/shelves", "book_ids", list),
    ("PATCH", "/api/v1/shelves/{shelf_id}", "book_ids", list),
    ("POST", "/api/v1/books/{book_id}/reading", "progress_pages", None),
    ("POST", "/api/v1/books/{book_id}/reading", "progress_percent", None),
    ("POST", "/api/v1/books", "copies", None),
    ("PATCH", "/api/v1/books/{book_id}", "copies", None),
)


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_an_api_integer_field_refuses_what_is_not_a_json_integer(filled, value) -> None:
    app, ids, key = filled
    api = KeyClient(app.test_client(), key)
    wrong = {}
    for method, template, field, wrap in JSON_INTEGER_FIELDS:
        body = {"title": "Book", "name": "Shelf", field: [value] if wrap else value}
        response = api.open(method, template.format(**ids), json=body)
        errors = (response.get_json() or {}).get("errors", {}).get("json", {})
        if response.status_code != 422 or field not in errors:
            wrong[(method, template, field)] = response.status_code
    assert wrong == {}
    with app.app_context():
        assert db.session.scalar(select(Book.year).where(Book.year == 1999)) is None


def test_a_rating_is_a_json_number_not_a_string(filled) -> None:
    app, ids, key = filled
    api = KeyClient(app.test_client(), key)
    response = api.post(f"/api/v1/books/{ids['book_id']}/reading", json={"rating": "4.5"})
    assert response.status_code == 422
    assert "rating" in response.get_json()["errors"]["json"]


def test_every_api_input_number_is_one_of_the_strict_fields(app: Flask) -> None:
    """A new integer field in a schema gets the same rule (marshmallow's Integer reads
    1999.5 as 1999 and "\uff11" as 1)."""
    from marshmallow import fields

    from webapp.api.schemas.common import JSONFloat, QueryNumber, WholeNumber

    spec_schemas = []
    for rule in app.url_map.iter_rules():
        spec = getattr(app.view_functions[rule.endpoint], "_spec", {})
        spec_schemas += [arg[0] for arg in spec.get("args", [])] + (
            [spec["body"]] if spec.get("body") else []
        )
    assert len(spec_schemas) > 10
    loose = []
    for schema in spec_schemas:
        for name, field in schema.fields.items():
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Number) and not isinstance(
                inner, WholeNumber | QueryNumber | JSONFloat
            ):
                loose.append(f"{type(schema).__name__}.{name}")
    assert loose == []


# --- ids and query numbers are ASCII digits ---------------------------------------------

#: Text Python's int() reads as a number, and what it reads it as.
NOT_ASCII_IDS = ("\uff11", "\u0661", "\u06f1", "\u0967", "\U0001d7cf", "1_0", "+1", " 1", "1 ", "\u0663")


def test_an_id_that_is_not_ascii_digits_names_nothing_on_every_route(filled) -> None:
    app, ids, key = filled
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["user_id"]))
    with app.test_request_context():
        rules = [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule and "GET" in rule.methods]
        templates = [url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1)) for rule in rules]
    assert len(templates) > 10
    answers = {}
    for template in templates:
        for odd in NOT_ASCII_IDS:
            path = template.replace("/1", "/" + odd, 1)
            headers = {"X-API-Key": key} if path.startswith("/api/") else {}
            answers[path] = client.get(path, headers=headers).status_code
    assert {path: status for path, status in answers.items() if status != 404} == {}
    assert client.get("/api/v1/books/1", headers={"X-API-Key": key}).status_code == 200


@pytest.mark.parametrize("odd", ["\uff12", "\u0662", "0_2", " 2", "2 ", "+2"])
def test_api_query_numbers_are_ascii_digits(filled, odd) -> None:
    app, _ids, key = filled
    api = KeyClient(app.test_client(), key)
    queries = {
        "/api/v1/books": ("page", "per_page", "shelf", "author", "series", "year_from", "year_to"),
        "/api/v1/posts": ("page", "per_page", "book"),
        "/api/v1/shelves": ("page", "per_page"),
        "/api/v1/authors": ("page", "per_page"),
        "/api/v1/search": ("page", "per_page"),
        "/api/v1/series": ("page", "per_page"),
        "/api/v1/loans": ("page", "per_page", "book"),
        "/api/v1/books/1/reads": ("page", "per_page"),
    }
    wrong = {}
    for path, names in queries.items():
        for name in names:
            response = api.get(path, query_string={name: odd, "q": "dune"})
            errors = (response.get_json() or {}).get("errors", {}).get("query", {})
            if response.status_code != 422 or name not in errors:
                wrong[(path, name)] = response.status_code
    assert wrong == {}


@pytest.mark.parametrize("odd", ["\uff12", "\u0662", "0_2", " 2"])
def test_page_numbers_of_the_pages_are_ascii_digits(make_app, odd) -> None:
    """``?page=\uff12`` is not a number, so it is page 1, like ``?page=abc`` (not page 2)."""
    from webapp.demo import generate_library

    app = make_app()
    owner = make_user(app, "owner", is_admin=True)
    with app.app_context():
        generate_library(db.session, size=120, posts=40, owner=db.session.get(User, owner.id))
    client = app.test_client()
    sign_in(client, owner)
    links = re.compile(r'href="/(?:books|post)/[0-9]+"')
    for path in ("/library", "/journal", "/user/owner", "/search?q=the"):
        sep = "&" if "?" in path else "?"
        first = links.findall(client.get(f"{path}{sep}page=abc").get_data(as_text=True))
        odd_page = client.get(f"{path}{sep}page={odd}")
        assert odd_page.status_code == 200, path
        assert links.findall(odd_page.get_data(as_text=True)) == first != [], path
    answer = client.get(f"/api/search?q=the&per_page={odd}").get_json()
    assert answer["per_page"] == 20


def test_a_book_picked_by_a_non_ascii_id_is_not_preselected(filled) -> None:
    app, ids, _key = filled
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["user_id"]))
    page = client.get(f"/posts/new?book={ids['book_id']}").get_data(as_text=True)
    assert re.search(r'<option[^>]*selected[^>]*value="1"|<option[^>]*value="1"[^>]*selected', page)
    odd = client.get("/posts/new?book=\uff11").get_data(as_text=True)
    assert not re.search(r'<option[^>]*selected[^>]*value="1"|<option[^>]*value="1"[^>]*selected', odd)


@pytest.mark.parametrize("odd", ["\uff11\uff19\uff19\uff19", "1_999", " 1999", "1999 ", "1999.0"])
def test_a_form_number_is_ascii_digits(signed_in: FlaskClient, app: Flask, odd: str) -> None:
    token = csrf_token(signed_in, "/books/new")
    response = signed_in.post("/books/new", data={"title": "Odd year", "year": odd, "csrf_token": token})
    assert response.status_code == 422
    assert "Not a valid integer value." in response.get_data(as_text=True)
    filtered = signed_in.get("/library", query_string={"year_from": odd}).get_data(as_text=True)
    assert "Not a valid integer value." in filtered
    with app.app_context():
        assert db.session.scalar(select(Book.id)) is None


@pytest.mark.parametrize("odd", ["\uff11\uff12", "1_000", "NaN", "Infinity", " 12"])
def test_a_form_price_is_an_ascii_decimal(signed_in: FlaskClient, app: Flask, odd: str) -> None:
    token = csrf_token(signed_in, "/books/new")
    response = signed_in.post("/books/new", data={"title": "Odd price", "price": odd, "csrf_token": token})
    assert response.status_code == 422
    assert "Not a valid decimal value." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Book.id)) is None


def test_an_api_date_is_ascii_digits(filled) -> None:
    """A read's partial dates and a loan's days: full-width digits are not digits."""
    app, ids, key = filled
    api = KeyClient(app.test_client(), key)
    full_width_2024 = "\uff12\uff10\uff12\uff14"
    checks = (
        (
            f"/api/v1/books/{ids['book_id']}/reads",
            {"outcome": "finished", "ended_on": full_width_2024},
            "ended_on",
        ),
        (
            f"/api/v1/books/{ids['book_id']}/loans",
            {"borrower": "Sam", "lent_on": full_width_2024 + "-01-02"},
            "lent_on",
        ),
    )
    for path, body, field in checks:
        response = api.post(path, json=body)
        assert response.status_code == 422, path
        assert field in response.get_json()["errors"]["json"], path
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Loan)) == 1  # the fixture's
        assert (
            db.session.scalar(select(func.count()).select_from(Read).where(Read.ended_on.is_not(None))) == 0
        )


# --- patterns match the whole value -----------------------------------------------------

TRAILING = ("\n", "\r\n", " ")


@pytest.mark.parametrize("tail", TRAILING, ids=repr)
def test_api_refuses_a_currency_with_anything_after_it(any_db_app: Flask, tail: str) -> None:
    owner = make_user(any_db_app, "owner")
    api = KeyClient(any_db_app.test_client(), make_key(any_db_app, owner))
    response = api.post(
        "/api/v1/books", json={"title": "Priced", "price_minor": 500, "currency": "EUR" + tail}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["currency"] == [
        "A currency is three capital letters, e.g. EUR."
    ]
    book = api.post(
        "/api/v1/books", json={"title": "Priced", "price_minor": 500, "currency": "EUR"}
    ).get_json()
    patched = api.patch(f"/api/v1/books/{book['id']}", json={"currency": "GBP" + tail})
    assert patched.status_code == 422
    with any_db_app.app_context():
        assert db.session.scalars(select(Book.currency)).all() == ["EUR"]


@pytest.mark.parametrize("tail", TRAILING, ids=repr)
def test_no_validated_form_field_stores_what_follows_the_pattern(any_db_app: Flask, tail: str) -> None:
    """Each field is refused or stored without the tail, never with it."""
    owner = make_user(any_db_app, "owner", is_admin=True)
    client = any_db_app.test_client()
    sign_in(client, owner)
    token = csrf_token(client, "/books/new")
    client.post(
        "/books/new",
        data={
            "title": "Priced",
            "price": "5",
            "currency": "eur" + tail,
            "isbn13": "978-0-441-17271-9" + tail,
            "csrf_token": token,
        },
    )
    client.post("/settings/", data={"username": "owner" + tail, "display_name": "O", "csrf_token": token})
    client.post(
        "/settings/accounts",
        data={
            "new-username": "second" + tail,
            "new-password": "quiet library evenings",
            "new-confirm": "quiet library evenings",
            "new-submit": "1",
            "csrf_token": token,
        },
    )
    with any_db_app.app_context():
        stored = [
            *db.session.execute(select(Book.currency, Book.isbn13, Book.isbn10)).one(),
            *db.session.scalars(select(User.username)),
        ]
    assert all(value == value.strip() for value in stored), stored
    assert "\n" not in "".join(stored)


@pytest.mark.parametrize("username", ["reader\n", "reader\r\n", "re der", "reader\x00"])
def test_a_username_must_be_all_allowed_characters(signed_in: FlaskClient, username: str) -> None:
    token = csrf_token(signed_in, "/settings/")
    response = signed_in.post(
        "/settings/", data={"username": username, "display_name": "R", "csrf_token": token}
    )
    assert "Use letters, digits, dots, dashes and underscores only." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "isbn",
    [
        # 978-0-441-17271-9 in Arabic-Indic digits
        "\u0669\u0667\u0668\u0660\u0664\u0664\u0661\u0661\u0667\u0662\u0667\u0661\u0669",
        "97804411727\u00b29",  # a superscript two: str.isdigit() says yes, int() says no
        # an ISBN-10 in Arabic-Indic digits with an ASCII check digit: it passed the old check
        "\u0660\u0664\u0664\u0661\u0661\u0667\u0662\u0667\u06617",
        "9780441172719\x00",
    ],
)
def test_an_isbn_is_ascii_digits(any_db_app: Flask, isbn: str) -> None:
    owner = make_user(any_db_app, "owner")
    api = KeyClient(any_db_app.test_client(), make_key(any_db_app, owner))
    for field in ("isbn13", "isbn10"):
        response = api.post("/api/v1/books", json={"title": "Odd ISBN", field: isbn})
        assert response.status_code == 422, (field, response.get_json())
        assert field in response.get_json()["errors"]["json"]
    with any_db_app.app_context():
        assert db.session.scalar(select(Book.id)) is None


def test_an_api_key_with_a_trailing_newline_is_the_same_key_and_with_more_is_not(app: Flask, user) -> None:
    from webapp.api.keys import find_active_key

    key = make_key(app, user)
    with app.app_context():
        assert find_active_key(key + "\n") is not None
        assert find_active_key(key + "x") is None
        assert find_active_key(key + "\nx") is None
