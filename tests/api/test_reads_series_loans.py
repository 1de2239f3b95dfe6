"""Reads, series, descriptions, copies and loans through the API: CRUD, the rules of
webapp.reading_history and webapp.lending as 422s naming the field, who sees what, and
nothing kept of a request that was refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.api.conftest import KeyClient, make_key
from tests.today import TODAY
from webapp.extensions import db
from webapp.models import Book, BookSeries, Loan, Read, Reading, Series

TOMORROW = (TODAY + timedelta(days=1)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


def field_errors(response, status: int = 422) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()["errors"]["json"]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- reads ------------------------------------------------------------------------------


def test_reads_are_created_listed_changed_and_removed_oldest_first(api, make_book) -> None:
    book = make_book()
    reads = f"/api/v1/books/{book['id']}/reads"
    assert api.get(reads).get_json()["items"] == []  # no reading yet: no reads, not a 404
    later = api.post(reads, json={"outcome": "finished", "started_on": "2024-01", "ended_on": "2024-02-11"})
    assert later.status_code == 201
    assert later.headers["Location"].endswith(f"{reads}/{later.get_json()['id']}")
    earlier = api.post(reads, json={"outcome": "finished", "started_on": "2019", "ended_on": "2019-03-20"})
    listed = api.get(reads).get_json()
    assert [(r["started_on"], r["ended_on"]) for r in listed["items"]] == [
        ("2019", "2019-03-20"),
        ("2024-01", "2024-02-11"),
    ]
    assert (listed["total"], listed["pages"], listed["current_page"]) == (2, 1, 1)
    reading = api.get(f"/api/v1/books/{book['id']}/reading").get_json()
    assert (reading["status"], reading["times_read"], reading["read_count"]) == ("read", 2, 2)
    assert reading["current_read"] is None

    one = f"{reads}/{earlier.get_json()['id']}"
    changed = api.patch(one, json={"outcome": "did_not_finish"}).get_json()
    assert (changed["outcome"], changed["started_on"], changed["ended_on"]) == (
        "did_not_finish",
        "2019",
        "2019-03-20",
    )
    assert api.patch(one, json={"started_on": None}).get_json()["started_on"] is None
    assert api.get(f"/api/v1/books/{book['id']}/reading").get_json()["times_read"] == 1
    assert api.delete(one).status_code == 204
    assert api.get(one).status_code == 404
    assert api.get(reads).get_json()["total"] == 1


def test_the_first_read_posted_makes_the_reading_and_a_read_under_way_makes_it_reading(
    api, make_book
) -> None:
    book = make_book()
    made = api.post(
        f"/api/v1/books/{book['id']}/reads", json={"outcome": "in_progress", "started_on": "2024"}
    )
    assert made.status_code == 201
    reading = api.get(f"/api/v1/books/{book['id']}/reading").get_json()
    assert reading["status"] == "reading"
    assert reading["current_read"]["id"] == made.get_json()["id"]
    assert reading["current_read"]["started_on"] == "2024"
    assert reading["visibility"] == "private"  # the reader's default


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "finished", "started_on": "2020-05-01", "ended_on": "2020-04-30"}, "ended_on"),
        ({"outcome": "finished", "started_on": "2020", "ended_on": "2019"}, "ended_on"),
        ({"outcome": "finished", "ended_on": TOMORROW}, "ended_on"),
        ({"outcome": "finished", "started_on": str(TODAY.year + 1)}, "started_on"),
        ({"outcome": "finished", "started_on": "2019-13"}, "started_on"),
        ({"outcome": "finished", "started_on": "2019-02-30"}, "started_on"),
        ({"outcome": "finished", "started_on": "\uff12\uff10\uff11\uff19"}, "started_on"),  # full-width
        ({"outcome": "finished", "started_on": "March 2019"}, "started_on"),
        ({"outcome": "finished", "started_on": 2019}, "started_on"),
        ({"outcome": "in_progress", "ended_on": "2019"}, "ended_on"),
        ({"outcome": "someday"}, "outcome"),
        ({"started_on": "2019"}, "outcome"),
    ],
)
def test_a_bad_read_is_a_422_naming_the_field_and_makes_no_reading(app, api, make_book, body, field) -> None:
    book = make_book()
    errors = field_errors(api.post(f"/api/v1/books/{book['id']}/reads", json=body))
    assert field in errors
    assert (count(app, Read), count(app, Reading)) == (0, 0)


def test_a_read_that_may_end_within_the_year_it_started_is_fine(api, make_book) -> None:
    """ "Finished 2019" may close a read started in March 2019."""
    book = make_book()
    body = {"outcome": "finished", "started_on": "2019-03", "ended_on": "2019"}
    assert api.post(f"/api/v1/books/{book['id']}/reads", json=body).status_code == 201


def test_a_refused_change_keeps_the_read_as_it_was(app, api, make_book) -> None:
    book = make_book()
    reads = f"/api/v1/books/{book['id']}/reads"
    read = api.post(reads, json={"outcome": "finished", "started_on": "2020-01-02", "ended_on": "2020-02-03"})
    one = f"{reads}/{read.get_json()['id']}"
    assert "ended_on" in field_errors(api.patch(one, json={"started_on": "2021"}))
    assert "ended_on" in field_errors(api.patch(one, json={"outcome": "in_progress"}))
    assert api.get(one).get_json() == read.get_json()


def test_a_second_read_under_way_is_refused(api, make_book) -> None:
    book = make_book()
    reads = f"/api/v1/books/{book['id']}/reads"
    assert api.post(reads, json={"outcome": "in_progress"}).status_code == 201
    assert "outcome" in field_errors(api.post(reads, json={"outcome": "in_progress"}))
    assert api.get(reads).get_json()["total"] == 1


def test_another_members_reads_are_not_found(api, other_api, make_book) -> None:
    book = make_book()
    reads = f"/api/v1/books/{book['id']}/reads"
    read = api.post(reads, json={"outcome": "finished", "ended_on": "2020"}).get_json()
    one = f"{reads}/{read['id']}"
    assert other_api.get(reads).get_json()["items"] == []
    assert other_api.get(one).status_code == 404
    assert other_api.patch(one, json={"outcome": "did_not_finish"}).status_code == 404
    assert other_api.delete(one).status_code == 404
    assert api.get(one).get_json()["outcome"] == "finished"
    other_book = other_api.post("/api/v1/books", json={"title": "Other"}).get_json()
    assert api.get(f"/api/v1/books/{other_book['id']}/reads/{read['id']}").status_code == 404  # wrong book
    assert api.get("/api/v1/books/999999/reads").status_code == 404


def test_reads_page_like_every_list(api, make_book) -> None:
    book = make_book()
    reads = f"/api/v1/books/{book['id']}/reads"
    for year in range(2001, 2006):
        api.post(reads, json={"outcome": "finished", "ended_on": str(year)})
    first = api.get(f"{reads}?per_page=2")
    body = first.get_json()
    assert (body["total"], body["pages"], body["per_page"], len(body["items"])) == (5, 3, 2, 2)
    assert 'rel="next"' in first.headers["Link"]
    last = api.get(f"{reads}?per_page=2&page=3").get_json()
    assert [r["ended_on"] for r in last["items"]] == ["2005"]
    assert api.get(f"{reads}?page=0").status_code == 422


def test_reading_takes_no_dates_any_more(api, make_book) -> None:
    """Dates belong to reads; the reading's old started_on/finished_on are unknown fields."""
    book = make_book()
    errors = field_errors(api.post(f"/api/v1/books/{book['id']}/reading", json={"started_on": "2024-01-02"}))
    assert "started_on" in errors


# --- series, description and copies on books --------------------------------------------


def test_a_book_carries_its_series_description_and_copies(api, make_book) -> None:
    book = make_book(
        title="Gideon the Ninth",
        series=[{"name": "The Locked Tomb", "position": "1"}, {"name": "Tor Favourites", "position": None}],
        description="A *lesbian necromancer* in space.",
        copies=2,
    )
    assert {(s["name"], s["position"]) for s in book["series"]} == {
        ("The Locked Tomb", "1"),
        ("Tor Favourites", None),
    }
    assert (book["description"], book["copies"]) == ("A *lesbian necromancer* in space.", 2)
    assert make_book(title="Plain")["copies"] == 1 and make_book(title="Plain 2")["series"] == []
    changed = api.patch(
        f"/api/v1/books/{book['id']}", json={"series": [{"name": "the locked tomb", "position": "1.5"}]}
    )
    assert [(s["name"], s["position"]) for s in changed.get_json()["series"]] == [("The Locked Tomb", "1.5")]
    kept = api.patch(f"/api/v1/books/{book['id']}", json={"copies": 0}).get_json()
    assert (kept["copies"], len(kept["series"]), kept["description"]) == (0, 1, book["description"])
    assert api.patch(f"/api/v1/books/{book['id']}", json={"series": []}).get_json()["series"] == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"series": [{"name": "Dune", "position": "abc"}]}, "series"),
        ({"series": [{"name": "Dune", "position": "3-2"}]}, "series"),
        ({"series": [{"name": "Dune", "position": 1}]}, "series"),
        ({"series": [{"name": "   ", "position": "1"}]}, "series"),
        ({"series": [{"name": "Dune"}, {"name": "DUNE", "position": "2"}]}, "series"),
        ({"series": [{"position": "1"}]}, "series"),
        ({"series": "Dune #1"}, "series"),
        ({"copies": -1}, "copies"),
        ({"copies": 1000}, "copies"),
        ({"copies": 1.5}, "copies"),
        ({"copies": None}, "copies"),
        ({"description": "x" * 50_001}, "description"),
        ({"description": "nul \x00"}, "description"),
    ],
)
def test_a_bad_series_place_or_copy_count_is_a_422_naming_the_field(app, api, fields, field) -> None:
    errors = field_errors(api.post("/api/v1/books", json={"title": "Dune", **fields}))
    assert field in errors
    assert (count(app, Book), count(app, Series), count(app, BookSeries)) == (0, 0, 0)


def test_a_refused_book_change_keeps_its_series(app, api, make_book) -> None:
    book = make_book(series=[{"name": "Dune", "position": "1"}])
    response = api.patch(
        f"/api/v1/books/{book['id']}",
        json={"series": [{"name": "Dune Chronicles", "position": "x"}], "pages": 9},
    )
    assert "series" in field_errors(response)
    after = api.get(f"/api/v1/books/{book['id']}").get_json()
    assert (after["series"], after["pages"]) == (book["series"], None)
    assert count(app, Series) == 1


def test_copies_may_not_go_below_the_copies_lent_out(api, make_book) -> None:
    book = make_book(copies=2)
    for borrower in ("Sam", "Alex"):
        assert api.post(f"/api/v1/books/{book['id']}/loans", json={"borrower": borrower}).status_code == 201
    errors = field_errors(api.patch(f"/api/v1/books/{book['id']}", json={"copies": 1, "pages": 10}))
    assert "2 copies are lent out" in errors["copies"][0]
    assert api.get(f"/api/v1/books/{book['id']}").get_json()["pages"] is None
    assert api.patch(f"/api/v1/books/{book['id']}", json={"copies": 3}).status_code == 200


def test_series_are_listed_by_name_and_show_their_books_by_position(api, make_book) -> None:
    for title, position in (("Harrow the Ninth", "2"), ("Nona the Ninth", "10"), ("Gideon the Ninth", "1")):
        make_book(title=title, series=[{"name": "The Locked Tomb", "position": position}])
    make_book(title="A Side Story", series=[{"name": "The Locked Tomb"}])
    make_book(
        title="Omnibus", series=[{"name": "The Locked Tomb", "position": "0.5"}, {"name": "Anthologies"}]
    )
    listed = api.get("/api/v1/series").get_json()
    assert [(s["name"], s["book_count"]) for s in listed["items"]] == [
        ("Anthologies", 1),
        ("The Locked Tomb", 5),
    ]
    assert (listed["total"], listed["pages"]) == (2, 1)
    assert [s["name"] for s in api.get("/api/v1/series?q=tomb").get_json()["items"]] == ["The Locked Tomb"]
    assert api.get("/api/v1/series?per_page=1&page=2").get_json()["items"][0]["name"] == "The Locked Tomb"
    tomb = listed["items"][1]
    detail = api.get(f"/api/v1/series/{tomb['id']}").get_json()
    assert [(b["title"], b["position"]) for b in detail["books"]] == [
        ("Omnibus", "0.5"),
        ("Gideon the Ninth", "1"),
        ("Harrow the Ninth", "2"),
        ("Nona the Ninth", "10"),
        ("A Side Story", None),
    ]
    assert api.get("/api/v1/series/999999").status_code == 404
    in_tomb = api.get(f"/api/v1/books?series={tomb['id']}&per_page=2").get_json()
    assert (in_tomb["total"], len(in_tomb["items"])) == (5, 2)
    omnibus = next(b for b in api.get("/api/v1/books?q=omnibus").get_json()["items"])
    assert [s["name"] for s in omnibus["series"]] == ["Anthologies", "The Locked Tomb"]  # by name


# --- loans -------------------------------------------------------------------------------


def test_loans_are_lent_listed_returned_and_deleted(api, other_api, make_book) -> None:
    book = make_book(copies=2)
    lent = api.post(
        f"/api/v1/books/{book['id']}/loans",
        json={
            "borrower": "  Sam   Vimes ",
            "lent_on": "2024-03-01",
            "due_on": "2024-04-01",
            "note": "Careful",
        },
    )
    assert lent.status_code == 201
    loan = lent.get_json()
    assert lent.headers["Location"].endswith(f"/api/v1/loans/{loan['id']}")
    assert (loan["borrower"], loan["lent_on"], loan["due_on"], loan["returned_on"]) == (
        "Sam Vimes",
        "2024-03-01",
        "2024-04-01",
        None,
    )
    assert (loan["is_open"], loan["overdue"], loan["book"]["id"]) == (True, True, book["id"])
    assert loan["recorded_by"]["username"] == "reader"
    today_loan = other_api.post(f"/api/v1/books/{book['id']}/loans", json={"borrower": "Alex"}).get_json()
    assert (today_loan["lent_on"], today_loan["recorded_by"]["username"]) == (TODAY.isoformat(), "other")

    one = f"/api/v1/loans/{loan['id']}"
    returned = other_api.patch(one, json={"returned_on": YESTERDAY}).get_json()  # any member may
    assert (returned["returned_on"], returned["is_open"], returned["overdue"]) == (YESTERDAY, False, False)
    assert [x["id"] for x in api.get("/api/v1/loans?open=true").get_json()["items"]] == [today_loan["id"]]
    assert [x["id"] for x in api.get("/api/v1/loans?open=false").get_json()["items"]] == [loan["id"]]
    assert [x["id"] for x in api.get("/api/v1/loans").get_json()["items"]] == [today_loan["id"], loan["id"]]
    assert api.delete(one).status_code == 204
    assert api.get(one).status_code == 404


def test_open_loans_list_overdue_first_then_by_due_date_and_page(api, make_book) -> None:
    book = make_book(copies=5)
    path = f"/api/v1/books/{book['id']}/loans"
    no_due = api.post(path, json={"borrower": "A", "lent_on": "2024-01-01"}).get_json()
    later = api.post(path, json={"borrower": "B", "lent_on": "2024-01-01", "due_on": "2999-01-01"}).get_json()
    overdue = api.post(
        path, json={"borrower": "C", "lent_on": "2024-01-01", "due_on": "2024-02-01"}
    ).get_json()
    other_book = make_book(title="Other")
    api.post(f"/api/v1/books/{other_book['id']}/loans", json={"borrower": "D"})
    mine = api.get(f"/api/v1/loans?open=true&book={book['id']}").get_json()
    assert [x["id"] for x in mine["items"]] == [overdue["id"], later["id"], no_due["id"]]
    assert mine["items"][0]["overdue"] and not mine["items"][1]["overdue"]
    first = api.get("/api/v1/loans?per_page=3")
    body = first.get_json()
    assert (body["total"], body["pages"], body["current_page"], body["per_page"]) == (4, 2, 1, 3)
    assert 'rel="next"' in first.headers["Link"] and "per_page=3" in first.headers["Link"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"borrower": "Sam", "lent_on": "2024-03-01", "returned_on": "2024-02-28"}, "returned_on"),
        ({"borrower": "Sam", "lent_on": TOMORROW}, "lent_on"),
        ({"borrower": "Sam", "returned_on": TOMORROW}, "returned_on"),
        ({"borrower": "Sam", "lent_on": "2024-03-01", "due_on": "2024-02-01"}, "due_on"),
        (
            {"borrower": "Sam", "lent_on": "2024-01-01", "returned_on": "2024-02-01", "due_on": "2024-03-01"},
            "due_on",
        ),
        ({"borrower": "   "}, "borrower"),
        ({"borrower": ""}, "borrower"),
        ({}, "borrower"),
        ({"borrower": "Sam", "lent_on": "2024-13-01"}, "lent_on"),
        ({"borrower": "Sam", "lent_on": "20240301"}, "lent_on"),
        ({"borrower": "Sam", "lent_on": "\uff12\uff10\uff12\uff14-03-01"}, "lent_on"),
        ({"borrower": "Sam", "lent_on": None}, "lent_on"),
        ({"borrower": "Sam", "note": "x" * 2001}, "note"),
    ],
)
def test_a_bad_loan_is_a_422_naming_the_field_and_nothing_is_kept(app, api, make_book, body, field) -> None:
    book = make_book()
    assert field in field_errors(api.post(f"/api/v1/books/{book['id']}/loans", json=body))
    assert count(app, Loan) == 0


def test_no_more_loans_than_copies(app, api, make_book) -> None:
    book = make_book(copies=1)
    path = f"/api/v1/books/{book['id']}/loans"
    first = api.post(path, json={"borrower": "Sam"}).get_json()
    assert "borrower" in field_errors(api.post(path, json={"borrower": "Alex"}))
    unowned = make_book(title="Library copy", copies=0)
    assert "borrower" in field_errors(
        api.post(f"/api/v1/books/{unowned['id']}/loans", json={"borrower": "Sam"})
    )
    assert count(app, Loan) == 1
    assert (
        api.patch(f"/api/v1/loans/{first['id']}", json={"returned_on": TODAY.isoformat()}).status_code == 200
    )
    assert api.post(path, json={"borrower": "Alex"}).status_code == 201
    # Reopening the returned loan would make two open loans of one copy.
    assert "returned_on" in field_errors(
        api.patch(f"/api/v1/loans/{first['id']}", json={"returned_on": None})
    )


def test_a_returned_loan_takes_no_due_date_and_a_refused_change_keeps_it(api, make_book) -> None:
    book = make_book()
    loan = api.post(
        f"/api/v1/books/{book['id']}/loans",
        json={"borrower": "Sam", "lent_on": "2024-01-01", "returned_on": "2024-01-20"},
    ).get_json()
    one = f"/api/v1/loans/{loan['id']}"
    assert "due_on" in field_errors(api.patch(one, json={"due_on": "2024-02-01", "borrower": "Alex"}))
    assert "returned_on" in field_errors(api.patch(one, json={"returned_on": "2023-12-31"}))
    assert "borrower" in field_errors(api.patch(one, json={"borrower": None}))
    assert api.get(one).get_json() == loan
    assert (
        api.patch(one, json={"note": "Back, with a coffee ring"}).get_json()["note"]
        == "Back, with a coffee ring"
    )
    assert api.get("/api/v1/loans/999999").status_code == 404
    assert api.post("/api/v1/books/999999/loans", json={"borrower": "Sam"}).status_code == 404


# --- scopes --------------------------------------------------------------------------------


def test_a_read_only_key_reads_reads_series_and_loans_but_changes_none(app, api, user, make_book) -> None:
    book = make_book(copies=1, series=[{"name": "Dune", "position": "1"}])
    read = api.post(f"/api/v1/books/{book['id']}/reads", json={"outcome": "finished"}).get_json()
    loan = api.post(f"/api/v1/books/{book['id']}/loans", json={"borrower": "Sam"}).get_json()
    reader = KeyClient(app.test_client(), make_key(app, user, scopes=("read",)))
    series_id = book["series"][0]["id"]
    for path in (
        f"/api/v1/books/{book['id']}/reads",
        f"/api/v1/books/{book['id']}/reads/{read['id']}",
        "/api/v1/series",
        f"/api/v1/series/{series_id}",
        "/api/v1/loans",
        f"/api/v1/loans/{loan['id']}",
    ):
        assert reader.get(path).status_code == 200, path
    refused = [
        reader.post(f"/api/v1/books/{book['id']}/reads", json={"outcome": "finished"}),
        reader.patch(f"/api/v1/books/{book['id']}/reads/{read['id']}", json={"outcome": "did_not_finish"}),
        reader.delete(f"/api/v1/books/{book['id']}/reads/{read['id']}"),
        reader.post(f"/api/v1/books/{book['id']}/loans", json={"borrower": "Alex"}),
        reader.patch(f"/api/v1/loans/{loan['id']}", json={"returned_on": TODAY.isoformat()}),
        reader.delete(f"/api/v1/loans/{loan['id']}"),
        reader.patch(f"/api/v1/books/{book['id']}", json={"series": []}),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert (count(app, Read), count(app, Loan), count(app, BookSeries)) == (1, 1, 1)
    assert api.get(f"/api/v1/loans/{loan['id']}").get_json()["returned_on"] is None


def test_the_new_operations_are_documented_with_tags_summaries_and_errors(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    expected = {
        "/api/v1/books/{book_id}/reads": {"get", "post"},
        "/api/v1/books/{book_id}/reads/{read_id}": {"get", "patch", "delete"},
        "/api/v1/series": {"get"},
        "/api/v1/series/{series_id}": {"get"},
        "/api/v1/loans": {"get"},
        "/api/v1/books/{book_id}/loans": {"post"},
        "/api/v1/loans/{loan_id}": {"get", "patch", "delete"},
    }
    for path, methods in expected.items():
        assert set(spec["paths"][path]) == methods, path
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation["tags"] and operation["summary"], (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)
            if method in ("post", "patch"):
                assert "422" in operation["responses"], (method, path)
    post_loan = spec["paths"]["/api/v1/books/{book_id}/loans"]["post"]
    assert post_loan["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/LoanIn")
    read_in = spec["components"]["schemas"]["ReadIn"]["properties"]
    assert read_in["started_on"]["pattern"] == "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
    assert "this makes one" in spec["paths"]["/api/v1/books/{book_id}/reads"]["post"]["description"]


# --- on PostgreSQL too -----------------------------------------------------------------


def test_the_orders_and_the_refusals_hold_on_both_databases(any_db_app) -> None:
    """NULLs sort first on SQLite and last on PostgreSQL: no order may depend on that."""
    from tests.conftest import make_user

    api = KeyClient(any_db_app.test_client(), make_key(any_db_app, make_user(any_db_app, "reader")))
    book = api.post("/api/v1/books", json={"title": "Dune", "copies": 3}).get_json()
    loans = f"/api/v1/books/{book['id']}/loans"
    no_due = api.post(loans, json={"borrower": "A", "lent_on": "2024-01-01"}).get_json()
    due = api.post(loans, json={"borrower": "B", "lent_on": "2024-01-01", "due_on": "2024-02-01"}).get_json()
    back = api.post(loans, json={"borrower": "C", "lent_on": "2024-01-01", "returned_on": "2024-01-09"})
    assert [x["id"] for x in api.get("/api/v1/loans").get_json()["items"]] == [
        due["id"],
        no_due["id"],
        back.get_json()["id"],
    ]
    for title, position in (("Unnumbered", None), ("Second", "2"), ("Half", "0.5")):
        api.post("/api/v1/books", json={"title": title, "series": [{"name": "Saga", "position": position}]})
    saga = api.get("/api/v1/series?q=saga").get_json()["items"][0]
    books = api.get(f"/api/v1/series/{saga['id']}").get_json()["books"]
    assert [b["title"] for b in books] == ["Half", "Second", "Unnumbered"]
    reads = f"/api/v1/books/{book['id']}/reads"
    bad = {"outcome": "finished", "started_on": "2020-05-02", "ended_on": "2020-05-01"}
    assert "ended_on" in field_errors(api.post(reads, json=bad))
    assert "copies" in field_errors(api.patch(f"/api/v1/books/{book['id']}", json={"copies": 1}))
    with any_db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reading)) == 0
        assert db.session.get(Book, book["id"]).copies == 3
