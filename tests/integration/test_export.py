"""``flask export`` in each format from a real SQLite library: what a member's and an
administrator's exports hold, that no CSV cell can run in a spreadsheet, and that the
Goodreads-compatible file is read back by our own Goodreads importer."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tests.integration.transfer_library import build_library, library_json
from webapp.extensions import db
from webapp.isbn import isbn10_to_isbn13
from webapp.models import Book, User
from webapp.transfer.csv_safety import FORMULA_STARTS
from webapp.transfer.export import (
    EXPORT_FORMATS,
    GOODREADS_HEADER,
    export_file_name,
    media_type,
    write_export,
)

#: The one deliberate formula: an ISBN wrapped for Excel, digits (and X) only.
EXCEL_ISBN = re.compile(r'^="[0-9X]*"$')


def cli(app, *arguments: str):
    return app.test_cli_runner().invoke(args=list(arguments), catch_exceptions=False)


@pytest.fixture
def household(app):
    """Server mode: max (a member) owns the library's readings; ada (an administrator)
    has a reading, a private note, a shelf, a goal and a loan of her own."""
    make_user(app, "max")
    make_user(app, "ada", is_admin=True)
    build_library(app, "max", other="ada")
    return app


def export(app, tmp_path: Path, format_name: str, user: str) -> Path:
    out = tmp_path / f"{format_name}-{user}.out"
    result = cli(app, "export", "--format", format_name, str(out), "--user", user)
    assert result.exit_code == 0, result.output
    return out


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_a_members_export_holds_the_catalogue_and_only_their_own_things(household, tmp_path) -> None:
    library = library_json(export(household, tmp_path, "shelfmark", "max"))
    assert library["everything"] is False and library["exported_by"] == "max"
    assert [user["username"] for user in library["users"]] == ["max"]
    assert len(library["books"]) == 5
    readers = {reading["user"] for book in library["books"] for reading in book["readings"]}
    assert readers == {"max"}
    assert {post["user"] for post in library["posts"]} == {"max"}
    assert "Their secret note" not in json.dumps(library)
    assert [shelf["name"] for shelf in library["shelves"]] == ["favourites", "to-buy"]
    assert [goal["user"] for goal in library["goals"]] == ["max", "max"]
    borrowers = [loan["borrower"] for book in library["books"] for loan in book["loans"]]
    assert sorted(borrowers) == ["Ann", "Sam"]  # Kim's loan was recorded by ada


def test_an_administrators_export_holds_everyones(household, tmp_path) -> None:
    library = library_json(export(household, tmp_path, "shelfmark", "ada"))
    assert library["everything"] is True
    assert [user["username"] for user in library["users"]] == ["ada", "max"]
    omens = library["books"][1]
    assert [reading["user"] for reading in omens["readings"]] == ["ada", "max"]
    assert "Their secret note" in [post["title"] for post in library["posts"]]
    assert sorted(shelf["name"] for shelf in library["shelves"]) == ["favourites", "their shelf", "to-buy"]
    assert len(library["goals"]) == 3
    assert sorted(loan["borrower"] for book in library["books"] for loan in book["loans"]) == [
        "Ann",
        "Kim",
        "Sam",
    ]


def test_importing_an_administrators_export_takes_only_its_makers_things(
    household, make_app, tmp_path
) -> None:
    path = export(household, tmp_path, "shelfmark", "ada")
    other = make_app(DATA_DIR=str(tmp_path / "other"))
    make_user(other, "zed")
    report = json.loads(cli(other, "import", str(path), "--user", "zed", "--json").output)
    assert report["created"]["books"] == 5
    assert report["created"]["readings"] == 1  # ada's, now zed's
    assert report["created"]["posts"] == 1
    assert report["created"]["goals"] == 1
    assert report["created"]["loans"] == 3  # the household's
    assert any("of other people in this export were left out" in w["message"] for w in report["warnings"])
    with other.app_context():
        zed = db.session.scalar(select(User).where(User.username == "zed"))
        assert [reading.book.title for reading in zed.readings] == ["Good Omens"]
        assert zed.readings[0].rating == 5


@pytest.mark.parametrize("format_name", ["goodreads", "csv"])
def test_no_csv_cell_starts_with_a_formula_character_unguarded(household, tmp_path, format_name) -> None:
    table = rows(export(household, tmp_path, format_name, "max"))
    cells = [cell for row in table for cell in row]
    assert any(cell == "'=Equals" or cell.startswith("'=Equals") for cell in cells)
    assert "'@handle" in cells and "'-ology Press" in cells
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            assert EXCEL_ISBN.match(cell), f"unguarded formula cell {cell!r}"


def test_the_goodreads_file_has_goodreads_header_isbns_dates_and_shelves(household, tmp_path) -> None:
    path = export(household, tmp_path, "goodreads", "max")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")  # as Goodreads' own: no BOM
    header, *table = rows(path)
    assert tuple(header) == GOODREADS_HEADER
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in table}
    gideon = by_title["Gideon the Ninth (The Locked Tomb, #1)"]
    assert gideon["ISBN13"] == '="9781250313195"' and gideon["ISBN"] == '="1250313198"'
    assert (gideon["My Rating"], gideon["Read Count"], gideon["Date Read"]) == ("4.5", "3", "2021/03")
    assert (gideon["Exclusive Shelf"], gideon["Bookshelves"], gideon["Owned Copies"]) == (
        "read",
        "favourites",
        "2",
    )
    assert "<strong>Loved</strong>" in gideon["My Review"]
    assert gideon["Author l-f"] == "Muir, Tamsyn" and gideon["Binding"] == "Hardcover"
    omens = by_title["Good Omens"]
    assert (omens["Exclusive Shelf"], omens["Date Read"]) == ("did-not-finish", "2020/05/01")
    assert omens["Additional Authors"] == "Neil Gaiman" and omens["ISBN13"] == '="9780552137034"'
    assert omens["Private Notes"] == "'+ too many footnotes"
    assert by_title["'=Equals"]["Exclusive Shelf"] == "currently-reading"
    assert "Anonymous pamphlet" not in by_title  # on none of max's shelves


def test_the_goodreads_export_imports_back_as_the_same_books_reads_and_ratings(
    household, make_app, tmp_path
) -> None:
    """What a Goodreads file can hold: the last finished date (not earlier ones, nor starts)."""
    path = export(household, tmp_path, "goodreads", "max")
    with household.app_context():
        before = shelf_state(db.session.scalar(select(User).where(User.username == "max")))
    other = make_app(DATA_DIR=str(tmp_path / "other"))
    make_user(other, "max")
    result = cli(other, "import", str(path), "--user", "max", "--format", "goodreads", "--json")
    report = json.loads(result.output)
    assert report["skipped"] == [] and report["created"]["books"] == 4
    with other.app_context():
        after = shelf_state(db.session.scalar(select(User).where(User.username == "max")))
    assert after == before, json.dumps([after, before], default=str)


def shelf_state(user: User) -> dict:
    state = {}
    for reading in user.readings:
        book = reading.book
        last = reading.history[-1] if reading.reads else None
        state[book.title] = {
            "authors": book.author_names,
            "isbn13": book.isbn13 or (book.isbn10 and isbn10_to_isbn13(book.isbn10)),
            "series": [link.label for link in book.series_links if link.position],
            "status": reading.status,
            "rating": reading.rating,
            "times read": reading.times_read,
            "last": (last.outcome, last.ended.iso() if last.ended else None) if last else None,
            "shelves": sorted(shelf.name for shelf in book.shelves if shelf.owner_id == user.id),
            "copies": book.copies,
        }
    return state


def test_the_plain_csv_has_one_row_per_book_with_the_readers_status(household, tmp_path) -> None:
    path = export(household, tmp_path, "csv", "max")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    header, *table = rows(path)
    assert len(table) == 5
    gideon = dict(zip(header, table[0], strict=True))
    assert gideon["Title"] == "Gideon the Ninth"
    assert gideon["Series"] == "Hugo nominees; The Locked Tomb #1"
    assert (gideon["Status"], gideon["Rating"], gideon["Times read"], gideon["Last finished"]) == (
        "Read",
        "4.5",
        "3",
        "2021-03",
    )
    assert (gideon["Price"], gideon["Currency"], gideon["ISBN-13"]) == ("25.99", "EUR", '="9781250313195"')
    assert dict(zip(header, table[4], strict=True))["Status"] == ""


def test_write_export_streams_into_any_binary_stream(household) -> None:
    with household.app_context():
        user = db.session.scalar(select(User).where(User.username == "max"))
        out = io.BytesIO()
        write_export("shelfmark", out, user, everything=False, data_dir=Path(household.config["DATA_DIR"]))
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert json.loads(archive.read("library.json"))["format_version"] == 1


def test_each_format_has_a_file_name_and_a_media_type() -> None:
    assert [media_type(name) for name in EXPORT_FORMATS] == ["application/zip", "text/csv", "text/csv"]
    from datetime import date

    assert export_file_name("shelfmark", date(2026, 12, 4)) == "shelfmark-export-2026-12-04.zip"
    assert export_file_name("goodreads", date(2026, 12, 4)).endswith(".csv")


def test_many_books_export_in_chunks(app, tmp_path) -> None:
    make_user(app, "max")
    with app.app_context():
        db.session.add_all(Book(title=f"Book {number}") for number in range(1234))
        db.session.commit()
    library = library_json(export(app, tmp_path, "shelfmark", "max"))
    assert [book["ref"] for book in library["books"]] == list(range(1, 1235))
    assert len(rows(export(app, tmp_path, "csv", "max"))) == 1235


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "max", "/nonexistent-folder/out.zip"], "cannot be written"),
        (["--user", "nobody", "out.zip"], "There is no user nobody"),
        (["out.zip"], "--user NAME"),
    ],
)
def test_a_refused_export_says_why_in_one_line_with_exit_2(household, arguments, message) -> None:
    result = household.test_cli_runner().invoke(args=["export", "--format", "shelfmark", *arguments])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_directory_as_out_is_refused_and_nothing_is_left_behind(household, tmp_path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = household.test_cli_runner().invoke(
        args=["export", "--format", "csv", str(folder), "--user", "max"]
    )
    assert result.exit_code == 2
    assert list(tmp_path.glob(".*part")) == []
