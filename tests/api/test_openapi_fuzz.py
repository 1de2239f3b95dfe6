"""Schemathesis over the generated OpenAPI document, every operation, with a valid key:
no server error, and every answer matches the document (status, media type, schema).

Generated path ids almost never name a row (every ``GET /books/{book_id}`` was a 404),
so half the examples of an operation with ids in its path use ids of rows that exist:
the caller's own reads on their books, loans, series, shelves, posts. Those are the
examples that reach the rules behind a 404.

Bounded and derandomized (a fixed seed) so CI is quick and repeatable: 25 examples per
operation.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from tests.api.conftest import make_key
from tests.conftest import make_user
from tests.today import TODAY
from webapp.catalogue import SeriesPlace, set_series
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.lending import lend
from webapp.models import (
    Author,
    Book,
    ImportJob,
    ImportStatus,
    Loan,
    Post,
    Read,
    Reading,
    Series,
    Shelf,
    User,
)
from webapp.models.common import utcnow
from webapp.transfer.report import ImportReport

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Every operation of the API; the ones of reads, series and loans by name, so that
#: dropping one from the document fails here rather than going unfuzzed.
NEW_OPERATIONS = {
    "GET /api/v1/books/{book_id}/reads",
    "POST /api/v1/books/{book_id}/reads",
    "GET /api/v1/books/{book_id}/reads/{read_id}",
    "PATCH /api/v1/books/{book_id}/reads/{read_id}",
    "DELETE /api/v1/books/{book_id}/reads/{read_id}",
    "GET /api/v1/series",
    "GET /api/v1/series/{series_id}",
    "GET /api/v1/loans",
    "POST /api/v1/books/{book_id}/loans",
    "GET /api/v1/loans/{loan_id}",
    "PATCH /api/v1/loans/{loan_id}",
    "DELETE /api/v1/loans/{loan_id}",
}
_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


@pytest.fixture
def fuzzed(make_app):
    app = make_app(API_RATE_LIMIT="100000 per minute", PROPAGATE_EXCEPTIONS=False)
    user = make_user(app, "fuzzer")
    with app.app_context():
        owner = db.session.get(User, user.id)
        generate_library(db.session, size=40, owner=owner)
        add_series_and_loans(owner)
        ids = real_ids(owner)
    return app, make_key(app, user), ids


def add_series_and_loans(owner: User) -> None:
    """The demo library has reads; give some books series and loans too, open and returned."""
    today = TODAY
    books = db.session.scalars(select(Book).order_by(Book.id).limit(6)).all()
    for position, book in enumerate(books, start=1):
        book.copies = 2
        set_series(book, [SeriesPlace(f"Series {position % 3}", str(position))])
        month_ago = today - timedelta(days=30)
        lend(book, {"borrower": f"Friend {position}", "lent_on": month_ago}, by=owner, today=today)
        if position % 2:
            returned = {"borrower": "Neighbour", "lent_on": month_ago, "returned_on": today}
            lend(book, returned, by=owner, today=today)
    db.session.commit()


def real_ids(owner: User) -> dict[str, list[Any]]:
    """Ids of rows that exist, by path parameter; ``reads`` pairs a read with its book."""

    def ids(column, *where) -> list[int]:
        return list(db.session.scalars(select(column).where(*where).order_by(column).limit(10)))

    reads = db.session.execute(
        select(Reading.book_id, Read.id)
        .join(Read)
        .where(Reading.user_id == owner.id)
        .order_by(Read.id)
        .limit(10)
    ).all()
    return {
        "book_id": ids(Book.id),
        "series_id": ids(Series.id),
        "loan_id": ids(Loan.id),
        "post_id": ids(Post.id, Post.author_id == owner.id),
        "shelf_id": ids(Shelf.id, Shelf.owner_id == owner.id),
        "author_id": ids(Author.id),
        "reads": [tuple(row) for row in reads],
        "import_id": [finished_import(owner)],
        "format_name": ["shelfmark", "goodreads", "csv"],
    }


def finished_import(owner: User) -> int:
    """An import the caller made (its rows long gone), for /imports/{import_id}."""
    report = ImportReport(format="goodreads", rows=1)
    report.skip(2, "The row has no title.", ["1", ""])
    job = ImportJob(
        user_id=owner.id,
        format="goodreads",
        file_name="goodreads_library_export.csv",
        status=ImportStatus.FINISHED,
        report=report.to_json(),
        finished_at=utcnow(),
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def examples(operation, ids: dict[str, list[Any]]):
    """The operation's generated examples, and as many again with ids of real rows."""
    generated = operation.as_strategy()
    names = _PATH_PARAMETER.findall(operation.path)
    if not names:
        return generated
    if set(names) == {"book_id", "read_id"}:
        real = st.sampled_from(ids["reads"]).map(lambda pair: {"book_id": pair[0], "read_id": pair[1]})
    else:
        real = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in names})

    def with_real_ids(case_and_ids):
        case, path_parameters = case_and_ids
        case.path_parameters = {**(case.path_parameters or {}), **path_parameters}
        return case

    return st.one_of(generated, st.tuples(generated, real).map(with_real_ids))


def test_every_operation_keeps_its_contract(fuzzed) -> None:
    """One test over all operations (schemathesis' lazy fixture loader does not run on
    pytest 9), failing with every operation that broke its contract."""
    app, key, ids = fuzzed
    assert all(ids.values()), ids  # the library has a row of each kind to aim at
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    # Deletes last, the deepest paths first: the rows the other operations' real ids name
    # must still be there (deleting a reading takes its reads with it).
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (op.method.upper() == "DELETE", -op.path.count("/")),
    )
    assert {operation.label for operation in operations} >= NEW_OPERATIONS
    assert len(operations) >= 38

    for operation in operations:

        @given(case=examples(operation, ids))
        @settings(
            max_examples=25,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def exercise(case) -> None:
            case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

        try:
            exercise()
        except Exception as error:  # collect them all, then fail with the list
            failures[operation.label] = f"{type(error).__name__}: {error}"[:2000]

    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
