"""``flask import`` of StoryGraph exports (BookWyrm's real sample and our edge cases):
what the library holds afterwards, and that a second import adds nothing. Real SQLite
(and PostgreSQL) databases, the real engine and reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from webapp.extensions import db
from webapp.models import Book, BookSource, Post, Read, Reading, Shelf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "storygraph"
EDGE_CASES = FIXTURES / "storygraph_edge_cases.csv"
TABLES = (Book, Reading, Read, Post, Shelf, BookSource)


def run_import(app, path: Path) -> dict:
    result = app.test_cli_runner().invoke(
        args=["import", str(path), "--user", "reader", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.__name__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES
        }


def book_titled(title: str) -> Book:
    return db.session.scalar(select(Book).where(Book.title == title))


def test_a_storygraph_export_becomes_books_reads_ratings_shelves_and_reviews(any_db_app) -> None:
    make_user(any_db_app, "reader")
    report = run_import(any_db_app, EDGE_CASES)
    assert report["format"] == "storygraph"
    assert report["rows"] == 7 and report["created"]["books"] == 6
    assert report["skipped"] == [{"row": 7, "reason": "The row has no title."}]
    assert any("9.78006E+12" in warning["message"] for warning in report["warnings"])
    with any_db_app.app_context():
        piranesi = book_titled("Piranesi")
        assert piranesi.isbn13 == "9781635575637" and piranesi.format == "audiobook"
        assert [author.name for author in piranesi.authors] == ["Susanna Clarke"]
        reading = piranesi.readings[0]
        assert reading.status == "read" and reading.rating == 5  # 4.75 stars, to the half star
        assert [(str(read.started), str(read.ended)) for read in reading.history] == [
            ("2021-01-05", "2021-01-19"),
            ("None", "2022-07-30"),
            ("2024-02-12", "2024-02-20"),
        ]
        assert sorted(shelf.name for shelf in piranesi.shelves) == [
            "fantasy",
            "favourites",
            "mood: mysterious",
            "mood: reflective",
        ]
        [review] = piranesi.posts
        assert review.kind == "review" and "endless" in review.body and "script" not in review.body
        season = book_titled("The Fifth Season").readings[0]
        assert season.status == "reading" and str(season.current_read.started) == "2024-03-01"
        assert season.times_read == 1
        push = book_titled("The Push")
        assert push.readings[0].status == "did_not_finish" and push.readings[0].rating == 1.5
        assert push.isbn13 is None
        middlemarch = book_titled("Middlemarch")
        assert middlemarch.readings[0].status == "reading"
        assert [shelf.name for shelf in middlemarch.shelves] == ["paused"]
        assert book_titled("Why We Can't Wait").copies == 0
        sources = set(
            db.session.scalars(select(BookSource.source_id).where(BookSource.source == "storygraph"))
        )
        assert {"d9b6e4a1-3c1f-4b8e-9a77-2f4c7e1b5a10", "B00K0OI4RA"} <= sources


def test_importing_the_same_storygraph_export_again_creates_nothing(app) -> None:
    make_user(app, "reader")
    run_import(app, EDGE_CASES)
    before = counts(app)
    report = run_import(app, EDGE_CASES)
    assert counts(app) == before
    assert set(report["created"].values()) == {0}
    assert report["matched"] == 6


@pytest.mark.parametrize(
    ("name", "books"), [("bookwyrm_storygraph.csv", 2), ("storygraph_older_header.csv", 1)]
)
def test_the_real_sample_and_the_older_header_are_detected_and_imported(app, name, books) -> None:
    make_user(app, "reader")
    report = run_import(app, FIXTURES / name)
    assert report["format"] == "storygraph"
    assert report["created"]["books"] == books and report["skipped"] == []
    with app.app_context():
        if name == "bookwyrm_storygraph.csv":
            crisis = book_titled("Subprime Attention Crisis")
            assert crisis.isbn10 == "0374538654" and crisis.readings[0].rating == 5
            home = book_titled("Always Coming Home")
            assert [author.name for author in home.authors] == [
                "Ursula K. Le Guin",
                "Todd Barton",
                "Margaret Chodos-Irvine",
            ]
            assert home.readings[0].status == "want_to_read"
        else:
            kindred = book_titled("Kindred")
            assert str(kindred.readings[0].history[0].ended) == "2019-08-20"
