"""A write on a full disk (issue 11, item 11) says so and loses nothing: 507 with a page
in the app's look or a problem document, the transaction rolled back, no half-written
cover left behind, and every earlier row as it was.

The disk is really full: the library lives on a tmpfs of 24 MB, filled up with a file
before the write, so SQLite's WAL append and the cover's write meet ENOSPC from the
kernel. Mounting needs root (as on the CI machine); without it these tests skip.
``PRAGMA max_page_count`` was tried as the fallback and is not honest here: a new row
fits into a table page that has room, so nothing fails."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from tests.api.conftest import KeyClient, make_key
from tests.conftest import csrf_token, make_user, sign_in
from webapp.extensions import db
from webapp.models import Book


class FullDisk:
    """A library on a filesystem that can be filled up and emptied again."""

    def __init__(self, app: Flask, folder: Path) -> None:
        self.app, self.folder = app, folder

    def fill(self, reopen: bool = False) -> None:
        """``reopen``: the app's connections are closed first, so the next request opens
        the library anew on the full disk (SQLite then fails to make its -shm file)."""
        with self.app.app_context():
            # New WAL frames need new blocks: start the log afresh, on the app's own
            # pooled connection (as a running app has it; outside any transaction).
            connection = db.engine.raw_connection()
            try:
                connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()
            if reopen:
                db.engine.dispose()
        with open(self.folder / "filler", "wb", buffering=0) as filler:
            for size in (1 << 20, 4096, 512):  # the last few bytes too
                try:
                    while True:
                        filler.write(b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC

    def empty(self) -> None:
        (self.folder / "filler").unlink()
        with self.app.app_context():
            db.engine.dispose()


def _mount(folder: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    folder.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=False)
    return result.returncode == 0


@pytest.fixture
def full_disk(make_app, tmp_path: Path) -> Iterator[FullDisk]:
    folder = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    if not _mount(folder, "24m"):
        pytest.skip("filling a disk for real needs a tmpfs, and mounting one needs root")
    app = make_app(DATA_DIR=str(folder / "data"), PROPAGATE_EXCEPTIONS=False)
    disk = FullDisk(app, folder)
    yield disk
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    subprocess.run(["umount", "-l", str(folder)], check=False)


def books(app: Flask) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.execute(select(Book.id, Book.title).order_by(Book.id)).all()
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        db.session.remove()
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("reopen", [False, True], ids=["open library", "library opened on the full disk"])
def test_an_api_write_on_a_full_disk_is_a_507_problem_and_loses_nothing(full_disk: FullDisk, reopen) -> None:
    app = full_disk.app
    owner = make_user(app, "owner")
    api = KeyClient(app.test_client(), make_key(app, owner))
    for title in ("Dune", "Emma"):
        assert api.post("/api/v1/books", json={"title": title}).status_code == 201
    before = books(app)
    full_disk.fill(reopen)
    response = api.post("/api/v1/books", json={"title": "Middlemarch", "subtitle": "x" * 400})
    assert response.status_code == 507
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["title"] == "Insufficient Storage"
    assert "disk" in problem["detail"] and "Nothing was lost" in problem["detail"]
    full_disk.empty()
    assert books(app) == before
    assert api.post("/api/v1/books", json={"title": "Middlemarch"}).status_code == 201


def test_a_form_write_on_a_full_disk_is_a_507_page_and_loses_nothing(full_disk: FullDisk) -> None:
    app = full_disk.app
    owner = make_user(app, "owner")
    client = app.test_client()
    sign_in(client, owner)
    token = csrf_token(client, "/books/new")
    assert client.post("/books/new", data={"title": "Dune", "csrf_token": token}).status_code == 302
    before = books(app)
    full_disk.fill()
    response = client.post("/books/new", data={"title": "Emma", "subtitle": "x" * 400, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 507
    assert "The disk is full" in page and "Nothing was lost" in page
    assert 'class="site-header' in page or "<nav" in page  # the app's own page, not a bare error
    full_disk.empty()
    assert books(app) == before


def test_a_cover_that_does_not_fit_on_the_disk_leaves_no_partial_file(full_disk: FullDisk) -> None:
    app = full_disk.app
    owner = make_user(app, "owner")
    client = app.test_client()
    sign_in(client, owner)
    token = csrf_token(client, "/books/new")
    # Noise does not compress: ~270 kB as PNG (under the 500 kB above which Werkzeug's
    # test client leaves a temporary file open).
    noise = Image.merge("RGB", [Image.effect_noise((380, 380), 128)] * 3)
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert 200_000 < len(buffer.getvalue()) < 500_000
    full_disk.fill()
    with open(full_disk.folder / "filler", "wb") as filler:  # room for the database, not the cover
        free = os.statvfs(full_disk.folder).f_bavail * os.statvfs(full_disk.folder).f_frsize
        filler.write(b"\0" * max(0, free - 64 * 1024))
    response = client.post(
        "/books/new",
        data={"title": "Covered", "csrf_token": token, "cover": (io.BytesIO(buffer.getvalue()), "c.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 507
    covers = Path(app.config["DATA_DIR"]) / "covers"
    assert list(covers.iterdir()) == []
    full_disk.empty()
    with app.app_context():
        assert db.session.scalar(select(func.count(Book.id))) == 0


def test_postgresql_disk_full_is_recognised_and_other_errors_are_not() -> None:
    """PostgreSQL's disk cannot be filled from a test; its error class (53100) is
    recognised as psycopg raises it, wrapped by SQLAlchemy."""
    import psycopg.errors

    from webapp.library_faults import is_disk_full

    assert is_disk_full(OperationalError("INSERT", {}, psycopg.errors.DiskFull("could not extend file")))
    assert not is_disk_full(OperationalError("INSERT", {}, psycopg.errors.QueryCanceled("timeout")))
    assert is_disk_full(OSError(28, "No space left on device"))
    assert not is_disk_full(OSError(13, "Permission denied"))
