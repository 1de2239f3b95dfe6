"""A Shelfmark zip is someone's file: path-traversal names, members that inflate past
what we allow, a newer format, no JSON. Each is refused in one line (exit 2) or read
without writing a byte outside the library, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from tests.integration.transfer_library import png
from webapp.extensions import db
from webapp.models import Book, ImportJob
from webapp.transfer.sources import shelfmark

BOOK = {"ref": 1, "title": "Gideon the Ninth", "authors": ["Tamsyn Muir"], "readings": [], "loans": []}


def library(**changes) -> dict:
    return {"format": "shelfmark", "format_version": 1, "exported_by": "reader", "books": [BOOK]} | changes


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def run_import(app, path: Path, *extra: str):
    return app.test_cli_runner().invoke(args=["import", str(path), "--user", "reader", *extra])


@pytest.fixture
def reader_app(app):
    make_user(app, "reader")
    return app


def books(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Book))


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def test_member_names_that_climb_out_are_never_used_as_paths(reader_app, tmp_path) -> None:
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    evil = {**BOOK, "cover": "../../escaped.png"}
    path = write_zip(
        work / "export.zip",
        {
            "library.json": json.dumps(library(books=[evil])),
            "../../escaped.png": png(),
            "/tmp/absolute-escape.png": png(),
        },
    )
    before = files_under(tmp_path)
    result = run_import(reader_app, path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"]["books"] == 1
    assert not (tmp_path / "escaped.png").exists()
    assert not Path("/tmp/absolute-escape.png").exists()
    new_files = files_under(tmp_path) - before
    assert all("data" in path.relative_to(tmp_path).parts for path in new_files), new_files


def test_a_library_json_that_inflates_past_the_limit_is_refused(reader_app, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(shelfmark, "JSON_MAX_BYTES", 10_000)
    padded = json.dumps(library()) + " " * 50_000  # a few hundred bytes once deflated
    path = write_zip(tmp_path / "bomb.zip", {"library.json": padded})
    assert path.stat().st_size < 10_000
    result = run_import(reader_app, path, "--format", "shelfmark")
    assert result.exit_code == 2
    assert "library.json is larger than" in result.output
    assert books(reader_app) == 0


def test_a_member_whose_header_understates_its_size_is_still_bounded(
    reader_app, tmp_path, monkeypatch
) -> None:
    """The bound is on what inflates, not on what the header declares."""
    monkeypatch.setattr(shelfmark, "JSON_MAX_BYTES", 10_000)
    path = write_zip(tmp_path / "liar.zip", {"library.json": json.dumps(library()) + " " * 50_000})
    data = bytearray(path.read_bytes())
    # Rewrite the declared uncompressed size (local header and central directory) to 100.
    real_size = (len(json.dumps(library())) + 50_000).to_bytes(4, "little")
    assert data.count(real_size) == 2
    path.write_bytes(bytes(data).replace(real_size, (100).to_bytes(4, "little")))
    result = run_import(reader_app, path, "--format", "shelfmark")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert books(reader_app) == 0


def test_a_cover_larger_than_allowed_is_left_out_with_a_warning(reader_app, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(shelfmark, "COVER_MAX_BYTES", 1_000)
    path = write_zip(
        tmp_path / "export.zip",
        {
            "library.json": json.dumps(library(books=[{**BOOK, "cover": "covers/1.png"}])),
            "covers/1.png": b"\0" * 50_000,
        },
    )
    report = json.loads(run_import(reader_app, path, "--json").output)
    assert report["created"]["books"] == 1
    assert any("cover is larger than" in warning["message"] for warning in report["warnings"])


def test_a_newer_format_version_is_refused_in_one_line(reader_app, tmp_path) -> None:
    path = write_zip(tmp_path / "future.zip", {"library.json": json.dumps(library(format_version=2))})
    result = run_import(reader_app, path)
    assert result.exit_code == 2
    assert "written by a newer Shelfmark (export format 2); this one reads format 1" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert books(reader_app) == 0
    with reader_app.app_context():
        assert db.session.scalar(select(ImportJob.status)) == "failed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format_version": 1, "books": [', "library.json is not valid JSON (line 1"),
        ("[1, 2, 3]", "has no format_version"),
        ('{"format_version": "one"}', "is not a version number"),
        (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
        ('{"format_version": 1, "books": {"not": "a list"}}', "books is not a list"),
    ],
)
def test_a_library_json_that_is_not_ours_is_refused_in_one_line(
    reader_app, tmp_path, content, message
) -> None:
    path = write_zip(tmp_path / "broken.zip", {"library.json": content})
    result = run_import(reader_app, path, "--format", "shelfmark")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_zip_without_library_json_is_not_taken_for_a_shelfmark_export(reader_app, tmp_path) -> None:
    path = write_zip(tmp_path / "photos.zip", {"holiday.jpg": b"\xff\xd8\xff"})
    assert run_import(reader_app, path).exit_code == 2
    result = run_import(reader_app, path, "--format", "shelfmark")
    assert result.exit_code == 2
    assert "it has no library.json" in result.output


def test_a_broken_book_entry_is_skipped_with_its_reason_and_the_rest_imported(reader_app, tmp_path) -> None:
    entries = [
        {**BOOK, "year": "nineteen"},
        {"ref": 2, "title": "", "authors": []},
        {
            "ref": 3,
            "title": "Fine",
            "authors": ["A. Writer"],
            "readings": [{"user": "reader", "status": "lost"}],
        },
        "not an object",
        {"ref": 5, "title": "Harrow the Ninth", "authors": ["Tamsyn Muir"]},
    ]
    path = write_zip(tmp_path / "export.zip", {"library.json": json.dumps(library(books=entries))})
    result = run_import(reader_app, path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["created"]["books"] == 1
    reasons = [entry["reason"] for entry in report["skipped"]]
    assert reasons[0] == "Book 1 of library.json: year 'nineteen' is not a whole number"
    assert reasons[1] == "Book 2 of library.json: title is missing"
    assert reasons[2].startswith("Book 3 of library.json: ") and "lost" in reasons[2]
    assert reasons[3] == "Book 4 of library.json: it is not an object"


def test_a_cover_reaches_the_engine_as_a_temporary_file_that_goes_afterwards(tmp_path) -> None:
    image = png()
    path = write_zip(
        tmp_path / "export.zip",
        {
            "library.json": json.dumps(library(books=[{**BOOK, "cover": "covers/1.png"}])),
            "covers/1.png": image,
        },
    )
    assert shelfmark.SOURCE.sniff(path)
    records = shelfmark.SOURCE.read(path)
    record = next(records)
    cover = record.book.cover
    assert cover is not None and cover.read_bytes() == image
    assert cover.name == "cover-1" and tmp_path not in cover.parents
    records.close()
    assert not cover.exists()
