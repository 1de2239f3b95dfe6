"""``flask import`` of a Goodreads export: what each row becomes, and what a second
import, a dry run and a bad file do. Real SQLite files, the real engine and parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from webapp.extensions import db
from webapp.models import Book, BookSource, ImportJob, Post, Read, Reading, Shelf

EXPORT = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "imports"
    / "goodreads"
    / "goodreads_library_export.csv"
)
TABLES = (Book, Reading, Read, Post, Shelf, BookSource)


def run_import(app, *arguments: str):
    return app.test_cli_runner().invoke(args=["import", *arguments], catch_exceptions=False)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.__name__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES
        }


@pytest.fixture
def reader_app(app):
    make_user(app, "reader")
    return app


def test_a_goodreads_export_becomes_books_readings_reads_shelves_and_posts(reader_app) -> None:
    result = run_import(reader_app, str(EXPORT), "--user", "reader", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format"] == "goodreads"
    assert report["rows"] == 5
    assert report["created"]["books"] == 4
    assert report["skipped"] == [{"row": 5, "reason": "The row has no title."}]
    with reader_app.app_context():
        gideon = db.session.scalar(select(Book).where(Book.isbn13 == "9781250313195"))
        assert gideon.title == "Gideon the Ninth"
        assert [link.label for link in gideon.series_links] == ["The Locked Tomb #1"]
        assert gideon.isbn10 == "1250313198"
        assert gideon.format == "hardcover"
        reading = gideon.readings[0]
        assert reading.status == "read" and reading.rating == 5
        assert reading.times_read == 2
        assert [str(read.ended) for read in reading.history] == ["None", "2024-02-11"]
        assert sorted(shelf.name for shelf in gideon.shelves) == ["fantasy", "favourites"]
        review, notes = sorted(gideon.posts, key=lambda post: post.kind, reverse=True)
        assert review.kind == "review" and "Bones." in review.body
        assert "script" not in review.body
        assert notes.kind == "note" and notes.visibility == "private"
        martian = db.session.scalar(select(Book).where(Book.title == "The Martian"))
        assert martian.copies == 0
        assert martian.readings[0].status == "reading"
        assert martian.readings[0].current_read is not None
        assert martian.readings[0].rating is None
        kings = db.session.scalar(select(Book).where(Book.title == "The Way of Kings"))
        assert kings.readings[0].status == "did_not_finish"
        job = db.session.scalar(select(ImportJob))
        assert job.status == "finished" and job.rows_done == 5
    assert any("Date Read 2019/13/45 is not a date" in warning["message"] for warning in report["warnings"])


def test_importing_the_same_export_again_creates_nothing(reader_app) -> None:
    assert run_import(reader_app, str(EXPORT), "--user", "reader").exit_code == 0
    before = counts(reader_app)
    result = run_import(reader_app, str(EXPORT), "--user", "reader", "--json")
    report = json.loads(result.output)
    assert counts(reader_app) == before
    assert set(report["created"].values()) == {0}
    assert report["matched"] == 4


def test_a_dry_run_reports_the_import_and_writes_nothing(reader_app) -> None:
    before = counts(reader_app)
    result = run_import(reader_app, str(EXPORT), "--user", "reader", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"]["books"] == 4
    assert counts(reader_app) == before
    with reader_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_a_book_already_in_the_library_is_matched_by_isbn_and_left_as_it_was(reader_app) -> None:
    with reader_app.app_context():
        db.session.add(Book(title="Gideon (my copy)", isbn10="1250313198", publisher="Mine"))
        db.session.commit()
    report = json.loads(run_import(reader_app, str(EXPORT), "--user", "reader", "--json").output)
    assert report["matched"] == 1 and report["created"]["books"] == 3
    with reader_app.app_context():
        book = db.session.scalar(select(Book).where(Book.isbn10 == "1250313198"))
        assert (book.title, book.publisher) == ("Gideon (my copy)", "Mine")
        assert book.readings[0].times_read == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest of a zip", "is a ZIP archive"),
        (b"", "is empty"),
        (b"name,price\nsoap,2\n", "is not an export Shelfmark knows"),
    ],
)
def test_a_file_that_is_no_export_is_refused_in_one_line_with_exit_2(
    reader_app, tmp_path, content, message
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = reader_app.test_cli_runner().invoke(args=["import", str(path), "--user", "reader"])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unknown_user_is_refused_with_exit_2(reader_app) -> None:
    result = reader_app.test_cli_runner().invoke(args=["import", str(EXPORT), "--user", "nobody"])
    assert result.exit_code == 2
    assert "There is no user nobody" in result.output


def test_an_import_in_small_batches_saves_the_same_and_stops_when_told(reader_app, tmp_path) -> None:
    from webapp.models import User
    from webapp.transfer.engine import run_import as engine_import
    from webapp.transfer.sources import source_named

    seen: list[int] = []
    with reader_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "reader"))
        report = engine_import(
            source_named("goodreads"), EXPORT, user, data_dir=tmp_path, batch_size=2, progress=seen.append
        )
    assert seen == [2, 4, 5]
    assert report.created["books"] == 4
    with reader_app.app_context():
        db.session.execute(Book.__table__.delete())
        db.session.commit()
        user = db.session.scalar(select(User).where(User.username == "reader"))
        report = engine_import(
            source_named("goodreads"),
            EXPORT,
            user,
            data_dir=tmp_path,
            batch_size=2,
            progress=lambda done: False,
        )
    assert report.cancelled and report.rows == 2
    assert counts(reader_app)["Book"] == 2
