"""``flask import`` of Libib exports (a 30-column sample and our edge cases): what the
library holds afterwards, and that a second import adds nothing. Real SQLite (and
PostgreSQL) databases, the real engine and reader."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import make_user
from webapp.extensions import db
from webapp.models import Book, BookSource, Post, Read, Reading, Shelf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "libib"
EDGE_CASES = FIXTURES / "libib_edge_cases.csv"
SAMPLE = FIXTURES / "libib_tools_sample.csv"
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


def test_a_libib_export_becomes_books_reads_series_shelves_and_posts(any_db_app) -> None:
    make_user(any_db_app, "reader")
    report = run_import(any_db_app, EDGE_CASES)
    assert report["format"] == "libib"
    assert report["rows"] == 8 and report["created"]["books"] == 5
    assert [skip["row"] for skip in report["skipped"]] == [6, 7, 8]
    assert report["skipped"][0]["reason"] == "The row is a movie, not a book: Shelfmark keeps books."
    messages = " ".join(warning["message"] for warning in report["warnings"])
    assert "9.78077E+12" in messages and "765350386 has 9 digits" in messages
    with any_db_app.app_context():
        mary = book_titled("Project Hail Mary")
        assert (mary.isbn13, mary.copies, mary.pages, mary.year) == ("9780593135204", 2, 496, 2021)
        assert mary.price_minor == 2899 and "<em>must</em>" in mary.description
        reading = mary.readings[0]
        assert reading.status == "read" and reading.rating == 5
        assert [(str(read.started), str(read.ended)) for read in reading.history] == [
            ("2024-01-10", "2024-01-25")
        ]
        assert sorted(shelf.name for shelf in mary.shelves) == ["favourites", "sci-fi"]
        posts = {post.kind: post for post in mary.posts}
        assert "Rocky" in posts["review"].body and "script" not in posts["review"].body
        assert posts["review"].created_at.date().isoformat() == "2024-02-01"
        assert posts["note"].visibility == "private"
        empire = book_titled("The Final Empire")
        assert empire.isbn13 is None and empire.isbn10 is None
        assert [link.label for link in empire.series_links] == ["Mistborn"]
        assert empire.readings[0].status == "reading"
        wind = book_titled("The Name of the Wind")
        assert wind.readings[0].status == "did_not_finish" and wind.readings[0].rating == 2
        omens = book_titled("Good Omens")
        assert [author.name for author in omens.authors] == ["Terry Pratchett", "Neil Gaiman"]
        assert omens.copies == 0 and omens.readings[0].status == "want_to_read"
        assert book_titled("Arrival") is None


def test_the_30_column_sample_is_imported_as_catalogued_books_on_shelves(app) -> None:
    make_user(app, "reader")
    report = run_import(app, SAMPLE)
    assert report["format"] == "libib"
    assert report["created"]["books"] == 15 and report["created"]["readings"] == 0
    with app.app_context():
        piranesi = book_titled("Piranesi")
        assert piranesi.isbn13 == "9781635575637"
        assert {"Books", "nook"} <= {shelf.name for shelf in piranesi.shelves}


def test_importing_the_same_libib_export_again_creates_nothing(app) -> None:
    make_user(app, "reader")
    run_import(app, EDGE_CASES)
    before = counts(app)
    report = run_import(app, EDGE_CASES)
    assert counts(app) == before
    assert set(report["created"].values()) == {0}
    assert report["matched"] == 5
