"""Calibre libraries made by the real calibredb, imported with ``flask import``: the
folder (read-only, byte for byte untouched) and the CSV catalogue."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.calibre_library import GIDEON_COMMENTS, make_catalogue, make_library
from tests.conftest import make_user
from webapp.covers import cover_path
from webapp.extensions import db
from webapp.models import Book, BookSource, Read, Reading, Shelf
from webapp.transfer.sources import detect
from webapp.transfer.sources.calibre import SOURCE

TABLES = (Book, Reading, Read, Shelf, BookSource)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    return make_library(tmp_path_factory.mktemp("calibre"))


@pytest.fixture(scope="module")
def catalogue(library, tmp_path_factory) -> Path:
    return make_catalogue(library, tmp_path_factory.mktemp("catalogue") / "books.csv")


def run_import(app, *arguments: str):
    return app.test_cli_runner().invoke(args=["import", *arguments], catch_exceptions=False)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.__name__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES
        }


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_calibre_library_folder_is_detected_and_its_catalogue_too(library, catalogue) -> None:
    assert detect(library) is SOURCE
    assert detect(catalogue) is SOURCE


def test_a_library_folder_becomes_books_with_authors_series_shelves_ratings_and_covers(app, library) -> None:
    make_user(app, "reader")
    result = run_import(app, str(library), "--user", "reader", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format"] == "calibre" and report["rows"] == 3 and report["skipped"] == []
    with app.app_context():
        gideon = db.session.scalar(select(Book).where(Book.isbn13 == "9781250313195"))
        assert gideon.title == "Gideon the Ninth"
        assert [link.label for link in gideon.series_links] == ["The Locked Tomb #1"]
        assert (gideon.publisher, gideon.year, gideon.language) == ("Tor.com", 2019, "en")
        assert "necromancer" in gideon.description and "<script" not in gideon.description
        assert cover_path(app.config["DATA_DIR"], gideon.cover_file) is not None
        reading = gideon.readings[0]
        assert (reading.status, reading.rating) == ("read", 4.5)
        assert {shelf.name for shelf in db.session.scalars(select(Shelf))} == {"fantasy", "owned"}
        omens = db.session.scalar(select(Book).where(Book.title == "Good Omens"))
        assert [author.name for author in omens.authors] == ["Terry Pratchett", "Neil Gaiman"]
        assert [link.label for link in omens.series_links] == ["Standalones #0.5"]
        assert (omens.year, omens.language, omens.readings) == (None, "fr", [])


def test_the_calibre_library_is_left_exactly_as_it_was(app, library) -> None:
    make_user(app, "reader")
    before = fingerprint(library)
    assert run_import(app, str(library), "--user", "reader").exit_code == 0
    assert fingerprint(library) == before  # no byte changed, no -journal, -wal or -shm left


def test_importing_the_same_library_twice_creates_nothing_new(app, library) -> None:
    make_user(app, "reader")
    assert run_import(app, str(library), "--user", "reader").exit_code == 0
    first = counts(app)
    report = json.loads(run_import(app, str(library), "--user", "reader", "--json").output)
    assert counts(app) == first
    assert report["matched"] == 3 and report["created"]["books"] == 0


def test_the_csv_catalogue_imports_the_same_books(app, catalogue) -> None:
    make_user(app, "reader")
    report = json.loads(run_import(app, str(catalogue), "--user", "reader", "--json").output)
    assert report["format"] == "calibre" and report["created"]["books"] == 3
    with app.app_context():
        gideon = db.session.scalar(select(Book).where(Book.isbn13 == "9781250313195"))
        assert gideon.readings[0].rating == 4.5  # the catalogue gives stars, not Calibre's 0 to 10
        assert gideon.cover_file is None  # the catalogue's cover is a path: never read
        assert "<script" not in (gideon.description or "")
        omens = db.session.scalar(select(Book).where(Book.title == "Good Omens"))
        assert [author.name for author in omens.authors] == ["Terry Pratchett", "Neil Gaiman"]


def test_the_folder_and_its_catalogue_match_each_other_by_calibre_uuid(app, library, catalogue) -> None:
    make_user(app, "reader")
    run_import(app, str(library), "--user", "reader")
    report = json.loads(run_import(app, str(catalogue), "--user", "reader", "--json").output)
    assert report["matched"] == 3 and report["created"]["books"] == 0


def test_a_folder_without_metadata_db_and_a_damaged_one_are_refused_in_one_line(app, tmp_path) -> None:
    make_user(app, "reader")
    empty = tmp_path / "Not a library"
    empty.mkdir()
    result = run_import(app, str(empty), "--user", "reader")
    assert result.exit_code == 2
    assert "is a folder but not a Calibre library" in result.output
    damaged = tmp_path / "Damaged"
    damaged.mkdir()
    (damaged / "metadata.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    result = run_import(app, str(damaged), "--user", "reader", "--format", "calibre")
    assert result.exit_code == 2
    assert "metadata.db" in result.output and "Traceback" not in result.output


def test_a_cover_path_leading_out_of_the_library_is_not_followed(tmp_path, library) -> None:
    import shutil
    import sqlite3

    copy = tmp_path / "copy"
    shutil.copytree(library, copy)
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "cover.jpg").write_bytes(
        (library / "Tamsyn Muir" / "Gideon the Ninth (1)" / "cover.jpg").read_bytes()
    )
    connection = sqlite3.connect(copy / "metadata.db")
    # Calibre's own triggers call title_sort(); this test writes the row without them.
    connection.create_function("title_sort", 1, lambda title: title)
    connection.execute("UPDATE books SET path = '../secret' WHERE title = 'Gideon the Ninth'")
    connection.commit()
    connection.close()
    records = [item for item in SOURCE.read(copy) if hasattr(item, "book")]
    gideon = next(record for record in records if record.book.title == "Gideon the Ninth")
    assert gideon.book.cover is None


def test_the_comments_are_calibres_html(library) -> None:
    records = [item for item in SOURCE.read(library) if hasattr(item, "book")]
    assert records[0].book.description == GIDEON_COMMENTS
