"""``/api/v1/imports``: a script imports a file (202 + Location), follows it to the
report, undoes it; and the refusals: JSON instead of a file, a file that is no export,
someone else's import, undoing twice, a read-only key."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from tests.api.conftest import KeyClient, make_key
from tests.conftest import make_user
from webapp.extensions import db
from webapp.models import Book
from webapp.transfer import jobs

GOODREADS = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "imports"
    / "goodreads"
    / "goodreads_library_export.csv"
)


def books(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Book))


def send(api: KeyClient, path: Path = GOODREADS, **fields):
    data = {"file": (io.BytesIO(path.read_bytes()), path.name), **fields}
    return api.post("/api/v1/imports", data=data, content_type="multipart/form-data")


def finished(api: KeyClient, response) -> dict:
    job_id = response.get_json()["id"]
    assert jobs.wait(job_id, 60)
    return api.get(response.headers["Location"]).get_json()


def test_a_posted_file_is_accepted_then_imported_in_the_background(app, api) -> None:
    response = send(api)
    assert response.status_code == 202
    assert response.headers["Location"].endswith(f"/api/v1/imports/{response.get_json()['id']}")
    job = finished(api, response)
    assert job["status"] == "finished" and job["format"] == "goodreads"
    assert job["report"]["created"]["books"] == 4
    assert job["report"]["skipped"] == [{"row": 5, "reason": "The row has no title."}]
    assert job["progress"]["done"] == 5
    assert books(app) == 4
    listed = api.get("/api/v1/imports").get_json()
    assert [item["id"] for item in listed["items"]] == [job["id"]]


def test_a_dry_run_reports_and_writes_nothing(app, api) -> None:
    job = finished(api, send(api, dry_run="true"))
    assert job["status"] == "finished" and job["dry_run"] is True
    assert job["report"]["created"]["books"] == 4
    assert books(app) == 0
    assert api.delete(f"/api/v1/imports/{job['id']}").status_code == 409


def test_delete_undoes_a_finished_import_once(app, api) -> None:
    job = finished(api, send(api))
    undone = api.delete(f"/api/v1/imports/{job['id']}")
    assert undone.status_code == 200
    assert undone.get_json()["removed"]["books"] == 4
    assert books(app) == 0
    again = api.delete(f"/api/v1/imports/{job['id']}")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"


def test_a_file_that_is_no_export_is_a_422_naming_the_file(app, api) -> None:
    response = api.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\nrest"), "cover.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "PNG" in response.get_json()["errors"]["files"]["file"][0]


def test_json_instead_of_a_file_is_a_415(app, api) -> None:
    response = api.post("/api/v1/imports", json={"file": "goodreads.csv"})
    assert response.status_code == 415


def test_a_missing_file_is_a_422(app, api) -> None:
    response = api.post("/api/v1/imports", data={"format": "goodreads"}, content_type="multipart/form-data")
    assert response.status_code == 422


def test_a_read_only_key_may_not_import_or_export(app, user) -> None:
    reader = KeyClient(app.test_client(), make_key(app, user, scopes=("read",)))
    assert send(reader).status_code == 403
    assert reader.get("/api/v1/exports/csv").status_code == 403


def test_someone_elses_import_is_a_404(app, api) -> None:
    job = finished(api, send(api))
    other = KeyClient(app.test_client(), make_key(app, make_user(app, "other")))
    assert other.get(f"/api/v1/imports/{job['id']}").status_code == 404
    assert other.delete(f"/api/v1/imports/{job['id']}").status_code == 404
    assert other.get("/api/v1/imports").get_json()["items"] == []


def test_an_upload_over_the_import_limit_is_a_413(make_app, tmp_path) -> None:
    app = make_app(IMPORT_MAX_BYTES=1000)
    user = make_user(app, "reader")
    api = KeyClient(app.test_client(), make_key(app, user))
    big = tmp_path / "big.csv"
    big.write_bytes(GOODREADS.read_bytes() + b"x" * 2000)
    response = send(api, big)
    assert response.status_code == 413
