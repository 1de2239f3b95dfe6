"""Settings → Import from upload to undo, through the pages, with the real background
thread: preview before anything is written, confirm, report, skipped rows file, undo,
and the refusals (a file that is no export, someone else's import, a stale job)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, make_user, sign_in
from webapp.extensions import db
from webapp.models import Book, ImportItem, ImportJob, ImportStatus, Post, Reading, Shelf
from webapp.models.common import utcnow
from webapp.transfer import jobs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
GOODREADS = FIXTURES / "goodreads" / "goodreads_library_export.csv"
WAIT = 60


def books(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Book))


def upload(client, path: Path, **fields):
    token = csrf_token(client, "/settings/import")
    data = {"csrf_token": token, "format": "auto", **fields}
    data["file"] = (io.BytesIO(path.read_bytes()), path.name)
    return client.post("/settings/import", data=data, content_type="multipart/form-data")


def job_id_of(response) -> int:
    match = re.search(r"/settings/import/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def settled(app, job_id: int) -> ImportJob:
    assert jobs.wait(job_id, WAIT), "the import thread did not finish"
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        db.session.expunge(job)
        return job


@pytest.fixture
def reader(app, client):
    user = make_user(app, "reader")
    sign_in(client, user)
    return user


def test_an_upload_is_previewed_and_nothing_is_written_until_confirmed(app, client, reader) -> None:
    response = upload(client, GOODREADS)
    assert response.status_code == 302
    job_id = job_id_of(response)
    job = settled(app, job_id)
    assert job.status == ImportStatus.READY and job.rows_total == 5
    assert books(app) == 0
    page = client.get(f"/settings/import/{job_id}").get_data(as_text=True)
    assert "What this import will do" in page
    assert "<strong>4</strong> books" in page
    assert "The row has no title." in page


def test_confirming_imports_in_the_background_and_reports_it(app, client, reader) -> None:
    job_id = job_id_of(upload(client, GOODREADS))
    settled(app, job_id)
    token = csrf_token(client, f"/settings/import/{job_id}")
    assert client.post(f"/settings/import/{job_id}/confirm", data={"csrf_token": token}).status_code == 302
    job = settled(app, job_id)
    assert job.status == ImportStatus.FINISHED and job.rows_done == 5
    assert books(app) == 4
    page = client.get(f"/settings/import/{job_id}").get_data(as_text=True)
    assert "What the import did" in page and "Undo this import" in page
    assert client.get(f"/settings/import/{job_id}/progress").get_json()["status"] == "finished"
    # The stored upload is gone once nothing needs it.
    assert not (Path(app.config["DATA_DIR"]) / "imports" / str(job_id)).exists()


def test_the_skipped_rows_download_is_the_source_format_with_its_header(app, client, reader) -> None:
    job_id = job_id_of(upload(client, GOODREADS))
    settled(app, job_id)
    response = client.get(f"/settings/import/{job_id}/skipped")
    assert response.status_code == 200
    assert "goodreads_library_export-skipped-rows.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    with GOODREADS.open(encoding="utf-8") as original:
        header = next(csv.reader(original))
    assert rows[0] == header
    assert len(rows) == 2 and rows[1][header.index("Title")] == ""


def test_undo_removes_what_the_import_made_and_keeps_what_was_edited_since(app, client, reader) -> None:
    job_id = job_id_of(upload(client, GOODREADS))
    settled(app, job_id)
    client.post(f"/settings/import/{job_id}/confirm", data={"csrf_token": csrf_token(client)})
    settled(app, job_id)
    with app.app_context():
        kept = db.session.scalar(select(Book).where(Book.isbn13 == "9781250313195"))
        kept.publisher = "Edited after the import"
        kept.updated_at = utcnow() + timedelta(seconds=5)
        db.session.commit()
    response = client.post(
        f"/settings/import/{job_id}/undo", data={"csrf_token": csrf_token(client)}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Kept 1 books edited since the import." in page
    with app.app_context():
        assert [book.publisher for book in db.session.scalars(select(Book))] == ["Edited after the import"]
        assert db.session.scalar(select(func.count()).select_from(Shelf)) == 0
        assert db.session.get(ImportJob, job_id).status == ImportStatus.UNDONE
        # Its own reading and posts went: the kept book has only what was made on it since.
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0
        assert db.session.scalar(select(func.count()).select_from(Reading)) == 0


def test_a_file_that_is_no_export_is_refused_on_the_form_with_one_line(app, client, reader, tmp_path) -> None:
    not_an_export = tmp_path / "shopping.csv"
    not_an_export.write_text("milk,eggs\nbread,butter\n")
    response = upload(client, not_an_export)
    assert response.status_code == 422
    assert "not an export Shelfmark knows" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
    assert list((Path(app.config["DATA_DIR"]) / "imports").iterdir()) == []


def test_an_upload_without_a_file_re_renders_the_form_with_a_field_message(app, client, reader) -> None:
    token = csrf_token(client, "/settings/import")
    response = client.post("/settings/import", data={"csrf_token": token, "format": "auto"})
    assert response.status_code == 422
    assert "Choose the file your other app exported." in response.get_data(as_text=True)


def test_someone_elses_import_is_not_found(app, client, reader) -> None:
    job_id = job_id_of(upload(client, GOODREADS))
    settled(app, job_id)
    other = make_user(app, "other")
    sign_in(client, other)
    assert client.get(f"/settings/import/{job_id}").status_code == 404
    assert client.get(f"/settings/import/{job_id}/skipped").status_code == 404
    token = csrf_token(client)
    assert client.post(f"/settings/import/{job_id}/confirm", data={"csrf_token": token}).status_code == 404


def test_a_job_whose_worker_stopped_is_marked_failed_and_stays_undoable(app, client, reader) -> None:
    with app.app_context():
        job = ImportJob(user_id=reader.id, format="goodreads", file_name="x.csv", status=ImportStatus.RUNNING)
        job.rows_done = 200
        job.updated_at = utcnow() - jobs.STALE_AFTER - timedelta(seconds=1)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page = client.get(f"/settings/import/{job_id}").get_data(as_text=True)
    assert "Shelfmark stopped before this import finished." in page
    assert "Undo what was imported" in page
    with app.app_context():
        assert db.session.get(ImportJob, job_id).status == ImportStatus.FAILED


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone_in_server_mode(app, client, reader) -> None:
    with app.app_context():
        job = ImportJob(user_id=reader.id, format="goodreads", file_name="x.csv", status=ImportStatus.RUNNING)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    assert client.get(f"/settings/import/{job_id}/progress").get_json()["active"] is True


def test_cancel_stops_the_import_after_its_first_batch(app, client, reader, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(jobs, "BACKGROUND_BATCH", 2)
    job_id = job_id_of(upload(client, GOODREADS))
    settled(app, job_id)
    with app.app_context():
        db.session.get(ImportJob, job_id).cancel_requested = True
        db.session.commit()
    client.post(f"/settings/import/{job_id}/confirm", data={"csrf_token": csrf_token(client)})
    job = settled(app, job_id)
    assert job.status == ImportStatus.CANCELLED and job.rows_done == 2
    assert books(app) == 2
    with app.app_context():
        assert db.session.scalar(
            select(func.count()).select_from(ImportItem).where(ImportItem.job_id == job_id)
        )


def test_the_export_page_downloads_each_format_as_an_attachment(app, client, reader) -> None:
    assert "Download Shelfmark export" in client.get("/settings/export").get_data(as_text=True)
    for format_name, media in (
        ("shelfmark", "application/zip"),
        ("goodreads", "text/csv"),
        ("csv", "text/csv"),
    ):
        response = client.get(f"/settings/export/{format_name}")
        assert response.status_code == 200, format_name
        assert response.mimetype == media
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert client.get("/settings/export/pdf").status_code == 404


def test_a_member_asking_for_everyones_export_gets_only_their_own(app, client, reader) -> None:
    other = make_user(app, "other")
    with app.app_context():
        db.session.add(Post(author_id=other.id, title="Other's diary", body="secret"))
        db.session.commit()
    body = client.get("/settings/export/shelfmark?everyone=1").get_data()
    import zipfile

    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert b"Other's diary" not in archive.read("library.json")
