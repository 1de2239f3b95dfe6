"""``flask import`` of LibraryThing exports (BookWyrm's real UTF-8 sample and our
ISO-8859-1 edge cases): what the library holds afterwards, and that a second import adds
nothing. Real SQLite (and PostgreSQL) databases, the real engine and reader. Loans are
asserted as records in the unit tests: writing them is the engine's part."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import make_user
from webapp.extensions import db
from webapp.models import Book, BookSource, Post, Read, Reading, Shelf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "librarything"
REAL = FIXTURES / "bookwyrm_librarything.tsv"
EDGE_CASES = FIXTURES / "librarything_edge_cases.tsv"
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


def test_a_latin_1_librarything_export_becomes_books_reads_shelves_and_posts(any_db_app) -> None:
    make_user(any_db_app, "reader")
    report = run_import(any_db_app, EDGE_CASES)
    assert report["format"] == "librarything"
    assert report["rows"] == 6 and report["created"]["books"] == 5
    assert report["skipped"] == [{"row": 6, "reason": "The row has no title."}]
    assert any("has 9 digits" in warning["message"] for warning in report["warnings"])
    with any_db_app.app_context():
        zauberberg = book_titled("Der Zauberberg")
        assert zauberberg.isbn13 == "9783596294336" and zauberberg.publisher == "Fischer"
        assert [author.name for author in zauberberg.authors] == ["Thomas Mann"]
        reading = zauberberg.readings[0]
        assert reading.status == "read" and reading.rating == 4.5
        assert [(str(read.started), str(read.ended)) for read in reading.history] == [
            ("2019-03-01", "2019-04-02")
        ]
        assert sorted(shelf.name for shelf in zauberberg.shelves) == ["Favorites", "klassiker", "Übersetzung"]
        posts = {post.title: post for post in zauberberg.posts}
        assert posts["Review of Der Zauberberg"].kind == "review"
        assert posts["Comment on Der Zauberberg"].kind == "note"
        assert posts["Private comment on Der Zauberberg"].visibility == "private"
        left_hand = book_titled("The Left Hand of Darkness")
        assert left_hand.readings[0].status == "reading"
        assert str(left_hand.readings[0].current_read.started) == "2024-05-01"
        stoner = book_titled("Stoner")
        assert stoner.copies == 0 and stoner.readings[0].status == "want_to_read"
        rayuela = book_titled("Rayuela")
        assert rayuela.description.startswith("A novel one can read")
        assert [author.name for author in rayuela.authors] == ["Julio Cortázar", "Jorge Luis Borges"]
        moby = book_titled("Moby-Dick")
        assert moby.readings == [] and moby.isbn10 is None
        sources = set(
            db.session.scalars(select(BookSource.source_id).where(BookSource.source == "librarything"))
        )
        assert sources == {"1001", "1002", "1003", "1004", "1006"}


def test_the_real_librarything_sample_is_imported_with_its_accents(app) -> None:
    make_user(app, "reader")
    report = run_import(app, REAL)
    assert report["format"] == "librarything"
    assert report["created"]["books"] == 3 and report["skipped"] == []
    with app.app_context():
        marelle = book_titled("Marelle")
        assert marelle.isbn13 == "9782070291342" and marelle.year == 1979
        assert [read.ended.iso() for read in marelle.readings[0].history] == ["2007-05-08"]
        assert "expérimental" in {shelf.name for shelf in marelle.shelves}
        master = book_titled("Le Maître et Marguerite")
        assert [author.name for author in master.authors] == ["Mikhaïl Boulgakov"]
        assert master.readings == []


def test_importing_the_same_librarything_export_again_creates_nothing(app) -> None:
    make_user(app, "reader")
    run_import(app, EDGE_CASES)
    before = counts(app)
    report = run_import(app, EDGE_CASES)
    assert counts(app) == before
    assert set(report["created"].values()) == {0}
    assert report["matched"] == 5
