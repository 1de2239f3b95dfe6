"""Shelfmark's own export, imported into an empty library and exported again, gives the
same library.json: nothing the export carries is lost on the way. Real SQLite files,
``flask export`` and ``flask import`` as a person runs them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration.transfer_library import DESCRIPTION, build_library, library_json, png
from webapp.auth.accounts import ensure_owner
from webapp.extensions import db
from webapp.models import Book, ImportItem, Loan, Post, ReadingGoal, Shelf, User


def desktop_library(make_app, tmp_path: Path, name: str):
    app = make_app(MODE="desktop", DATA_DIR=str(tmp_path / name))
    with app.app_context():
        ensure_owner("tester")
        db.session.remove()
    return app


def cli(app, *arguments: str):
    return app.test_cli_runner().invoke(args=list(arguments), catch_exceptions=False)


def export(app, path: Path, format_name: str = "shelfmark", *extra: str) -> Path:
    result = cli(app, "export", "--format", format_name, str(path), *extra)
    assert result.exit_code == 0, result.output
    return path


def without_moment_and_covers(library: dict) -> dict:
    """exported_at differs by nature; covers are compared apart (see below)."""
    library = json.loads(json.dumps(library))
    library.pop("exported_at")
    for book in library["books"]:
        book.pop("cover")
    return library


@pytest.fixture
def first(make_app, tmp_path):
    app = desktop_library(make_app, tmp_path, "first")
    build_library(app)
    return app


def test_export_import_export_gives_the_same_library_json(first, make_app, tmp_path) -> None:
    exported = library_json(export(first, tmp_path / "one.zip"))
    second = desktop_library(make_app, tmp_path, "second")
    result = cli(second, "import", str(tmp_path / "one.zip"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format"] == "shelfmark"
    assert report["skipped"] == []
    assert report["created"] | {"authors": 0} == {
        "books": 5,
        "authors": 0,
        "series": 3,
        "readings": 4,
        "reads": 5,
        "posts": 3,
        "shelves": 2,
        "loans": 2,
        "goals": 2,
    }
    again = library_json(export(second, tmp_path / "two.zip"))
    assert without_moment_and_covers(again) == without_moment_and_covers(exported)
    # The parts that are easy to lose, said once more where a failure is readable:
    gideon = exported["books"][0]
    assert gideon["description"] == DESCRIPTION
    assert [read["ended"] for read in gideon["readings"][0]["reads"]] == [None, "2019", "2021-03"]
    assert gideon["series"] == [
        {"name": "Hugo nominees", "position": None},
        {"name": "The Locked Tomb", "position": "1"},
    ]
    assert exported["books"][1]["authors"] == ["Terry Pratchett", "Neil Gaiman"]
    assert [shelf["books"] for shelf in exported["shelves"]] == [[1, 4], []]


def test_importing_the_export_twice_creates_nothing_the_second_time(first, make_app, tmp_path) -> None:
    export(first, tmp_path / "one.zip")
    second = desktop_library(make_app, tmp_path, "second")
    assert cli(second, "import", str(tmp_path / "one.zip")).exit_code == 0
    report = json.loads(cli(second, "import", str(tmp_path / "one.zip"), "--json").output)
    assert set(report["created"].values()) == {0}, report
    assert report["matched"] == 5
    with second.app_context():
        assert db.session.scalar(select(func.count()).select_from(Loan)) == 2
        assert db.session.scalar(select(func.count()).select_from(Post)) == 3


def test_the_covers_travel_in_the_zip_under_names_the_export_chose(first, tmp_path) -> None:
    path = export(first, tmp_path / "one.zip")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        library = json.loads(archive.read("library.json"))
        assert library["books"][0]["cover"] == "covers/1.png"
        assert names == ["library.json", "covers/1.png"]
        assert archive.read("covers/1.png").startswith(b"\x89PNG")


def test_covers_survive_the_round_trip(first, make_app, tmp_path) -> None:
    exported = library_json(export(first, tmp_path / "one.zip"))
    second = desktop_library(make_app, tmp_path, "second")
    assert cli(second, "import", str(tmp_path / "one.zip")).exit_code == 0
    again = library_json(export(second, tmp_path / "two.zip"))
    assert [book["cover"] for book in again["books"]] == [book["cover"] for book in exported["books"]]


def test_a_matched_book_gets_its_empty_fields_filled_and_keeps_its_own(first, make_app, tmp_path) -> None:
    export(first, tmp_path / "one.zip")
    second = desktop_library(make_app, tmp_path, "second")
    with second.app_context():
        db.session.add(Book(title="Gideon (my copy)", isbn13="9781250313195", publisher="Mine"))
        db.session.commit()
    result = cli(second, "import", str(tmp_path / "one.zip"), "--json")
    report = json.loads(result.output)
    assert report["updated"] == 1
    with second.app_context():
        book = db.session.scalar(select(Book).where(Book.isbn13 == "9781250313195"))
        assert (book.title, book.publisher) == ("Gideon (my copy)", "Mine")
        assert (book.year, book.pages, book.location, book.description) == (
            2019,
            448,
            "Study, shelf 3",
            DESCRIPTION,
        )
        assert (
            db.session.scalar(
                select(func.count()).select_from(ImportItem).where(ImportItem.action == "updated")
            )
            == 1
        )


def test_a_member_fills_no_field_of_a_book_other_members_have_a_stake_in(make_app, tmp_path) -> None:
    source = desktop_library(make_app, tmp_path, "first")
    build_library(source)
    export(source, tmp_path / "one.zip")
    server = make_app(DATA_DIR=str(tmp_path / "server"))
    with server.app_context():
        member, neighbour = User(username="max"), User(username="nel")
        book = Book(title="Gideon (theirs)", isbn13="9781250313195")
        db.session.add_all([member, neighbour, book])
        db.session.flush()
        db.session.add(Post(author=neighbour, book=book, title="mine", body="x"))
        db.session.commit()
    report = json.loads(cli(server, "import", str(tmp_path / "one.zip"), "--user", "max", "--json").output)
    assert report["updated"] == 0
    with server.app_context():
        assert db.session.scalar(select(Book.year).where(Book.isbn13 == "9781250313195")) is None


def test_a_goal_the_person_has_for_that_year_is_kept(first, make_app, tmp_path) -> None:
    export(first, tmp_path / "one.zip")
    second = desktop_library(make_app, tmp_path, "second")
    with second.app_context():
        owner = db.session.scalar(select(User))
        db.session.add(ReadingGoal(user_id=owner.id, year=2024, target_books=99))
        db.session.commit()
    report = json.loads(cli(second, "import", str(tmp_path / "one.zip"), "--json").output)
    assert report["created"]["goals"] == 1
    with second.app_context():
        goals = db.session.execute(
            select(ReadingGoal.year, ReadingGoal.target_books).order_by(ReadingGoal.year)
        )
        assert goals.all() == [(2024, 99), (2025, 40)]


def test_an_empty_shelf_and_a_journal_post_without_a_book_come_back(first, make_app, tmp_path) -> None:
    export(first, tmp_path / "one.zip")
    second = desktop_library(make_app, tmp_path, "second")
    cli(second, "import", str(tmp_path / "one.zip"))
    with second.app_context():
        assert db.session.scalar(select(Shelf).where(Shelf.name == "to-buy")).books == []
        journal = db.session.scalar(select(Post).where(Post.book_id.is_(None)))
        assert (journal.title, journal.kind, journal.body) == (
            "My reading year",
            "journal",
            "# 2024\n\n- one\n- two",
        )


def test_a_loan_beyond_the_copies_is_left_out_with_a_warning(make_app, tmp_path) -> None:
    source = desktop_library(make_app, tmp_path, "first")
    build_library(source)
    path = export(source, tmp_path / "one.zip")
    with zipfile.ZipFile(path) as archive:
        library = json.loads(archive.read("library.json"))
    library["books"][0]["copies"] = 0
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(edited, "w") as archive:
        archive.writestr("library.json", json.dumps(library))
        archive.writestr("covers/1.png", png())
    second = desktop_library(make_app, tmp_path, "second")
    report = json.loads(cli(second, "import", str(edited), "--json").output)
    assert report["created"]["loans"] == 1  # the returned one is history; the open one needs a copy
    assert any("loan to Sam was left out" in warning["message"] for warning in report["warnings"])
