"""Every page, asked with the query strings and form values people and scripts send by
mistake (or on purpose): never a 500. These found page numbers, years, page counts,
prices and book ids too big for SQLite's integers; they stay so that new pages and
fields get the same treatment."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from tests.conftest import csrf_token, make_user, sign_in
from tests.today import TODAY
from webapp.catalogue import SeriesPlace, set_series
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.lending import lend
from webapp.models import Author, Book, ImportJob, ImportStatus, Loan, Post, Read, Series, Shelf, User
from webapp.transfer.report import ImportReport

ODD_QUERIES = (
    "",
    "page=0",
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "per_page=0&per_page=100000",
    "sort=zzz&order=sideways&view=zzz&kind=zzz",
    "status=nonsense&format=%00&shelf=-5&shelf=abc",
    "year_from=abc&year_to=99999999999999999999",
    "year_from=2000&year_to=1000",
    "author=%27%22%3Cscript%3E&q=%22%28NEAR*",
    "q=" + "a" * 3000,
    "book=abc&book=99999999999999999999",
    "series=abc&series=99999999999999999999&sort=series",
    "next=//evil.example&year=99999999999",
    # Digits int() reads and we do not: full-width, Arabic-Indic, underscores, spaces.
    "page=%EF%BC%92&per_page=1_0&book=%D9%A1&shelf=%EF%BC%91&author=%201&year_from=1_999",
    "page=" + "9" * 5000,
)


ODD_FORM_VALUES = (
    "99999999999999999999",
    "-99999999999999999999",
    "NaN",
    "1e400",
    "",
    "\x00",
    "x" * 20_000,
    "😀" * 100,
    "\uff11\uff19\uff19\uff19",  # a full-width 1999
    "1_999",
    "EUR\n",
    "97804411727\u00b29",  # a superscript two in an ISBN: isdigit() but not int()
)
#: Every field name the app's forms use; each POST gets all of them at once.
FORM_FIELDS = (
    "title", "subtitle", "authors", "isbn13", "isbn10", "publisher", "year", "pages", "language",
    "format", "price", "currency", "location", "cover", "status", "rating", "started_on",
    "ended_on", "outcome", "description", "copies", "series", "borrower", "lent_on", "due_on",
    "returned_on", "note", "progress_pages", "progress_percent", "name", "shelf", "shelf_id", "book",
    "book_id", "kind", "body", "visibility", "target_books", "username", "display_name", "email",
    "password", "confirm", "current_password", "scopes", "q", "next", "profile",
    "confirm_username", "open_registration", "new-username", "new-password", "new-confirm",
    "new-submit", "reg-open_registration", "reg-submit", "remove-current_password", "text",
    "read-new-outcome", "read-new-started_on", "read-new-ended_on",
)  # fmt: skip


@pytest.fixture
def filled(make_app) -> tuple[Flask, dict[str, object]]:
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    owner = make_user(app, "owner", is_admin=True)
    with app.app_context():
        generate_library(db.session, size=20, posts=5, owner=db.session.get(User, owner.id))
        book = db.session.scalar(select(Book).order_by(Book.id).limit(1))
        book.copies = 2
        set_series(book, [SeriesPlace("Dune", "1")])
        lend(book, {"borrower": "Sam", "due_on": TODAY}, by=None, today=TODAY)
        report = ImportReport(format="goodreads", rows=1)
        report.skip(2, "The row has no title.", ["1", ""])
        job = ImportJob(
            user_id=owner.id,
            format="goodreads",
            file_name="goodreads_library_export.csv",
            status=ImportStatus.FINISHED,
            report=report.to_json(),
        )
        db.session.add(job)
        db.session.commit()
        ids = {
            "job_id": job.id,
            "import_id": job.id,
            "format_name": "csv",
            "book_id": db.session.scalar(select(Book.id).limit(1)),
            "post_id": db.session.scalar(select(Post.id).limit(1)),
            "shelf_id": db.session.scalar(select(Shelf.id).limit(1)),
            "user_id": owner.id,
            "username": owner.username,
            "key_id": 1,
            "author_id": db.session.scalar(select(Author.id).limit(1)),
            "read_id": db.session.scalar(select(Read.id).limit(1)),
            "series_id": db.session.scalar(select(Series.id).limit(1)),
            "loan_id": db.session.scalar(select(Loan.id).limit(1)),
            "year": 2026,
        }
        db.session.remove()
    return app, ids


def paths_for(app: Flask, ids: dict[str, object], method: str) -> list[str]:
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method not in rule.methods or rule.endpoint == "static":
                continue
            missing = [name for name in rule.arguments if name not in ids]
            assert not missing, f"{rule}: give this test a value for {missing}"
            paths.append(url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments}))
    return sorted(set(paths))


def test_no_page_answers_odd_query_strings_with_a_server_error(filled) -> None:
    app, ids = filled
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["user_id"]))
    paths = paths_for(app, ids, "GET")
    assert len(paths) > 30  # the whole app, not a handful
    failures = [
        (path, query, status)
        for path in paths
        for query in ODD_QUERIES
        if (status := client.get(f"{path}?{query}" if query else path).status_code) >= 500
    ]
    assert failures == []


def test_no_form_answers_odd_values_with_a_server_error(filled) -> None:
    app, ids = filled
    # Every field at once means a form may take the odd value for a new username or
    # password; deleting the account with it would leave nobody to sign in as.
    paths = [
        path
        for path in paths_for(app, ids, "POST")
        if not path.startswith("/api/") and path != "/settings/delete"
    ]
    assert len(paths) > 20
    failures = []
    for value in ODD_FORM_VALUES:
        for path in paths:
            client = app.test_client()  # each post in a fresh session: some sign out
            with app.app_context():
                sign_in(client, db.session.get(User, ids["user_id"]))
            data = dict.fromkeys(FORM_FIELDS, value) | {"csrf_token": csrf_token(client, "/settings/")}
            status = client.post(path, data=data).status_code
            if status >= 500:
                failures.append((path, value[:24], status))
    assert failures == []


def test_an_id_too_big_for_any_row_is_not_found_on_every_route(filled) -> None:
    app, ids = filled
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["user_id"]))
    token = csrf_token(client, "/settings/")
    huge = 99999999999999999999
    with app.test_request_context():
        rules = [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]
        paths = [(rule, url_for(rule.endpoint, **dict.fromkeys(rule.arguments, huge))) for rule in rules]
    assert len(paths) > 20
    answers = {}
    for rule, path in paths:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            headers = {"X-CSRFToken": token}
            response = client.open(path, method=method, data={"csrf_token": token}, headers=headers)
            answers[(method, path)] = response.status_code
    # 405 where a catch-all (the API's problem+json 404) answers only other methods.
    assert {key: status for key, status in answers.items() if status not in (404, 405)} == {}
    assert all(status == 404 for (method, _), status in answers.items() if method == "GET")
