"""Server mode: the API's index and OpenAPI document are public (they describe the API,
hold no library data, and the docs page needs them before anyone has a key), but a key
that is sent must be valid on every /api/v1 path, those two included."""

from __future__ import annotations

import pytest

from tests.api.conftest import KeyClient, make_key
from tests.conftest import make_user
from webapp.api.errors import PROBLEM_MIMETYPE


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/openapi.json"])
def test_the_index_and_document_are_public_in_server_mode(client, user, path) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/openapi.json", "/api/v1/me", "/api/v1"])
@pytest.mark.parametrize("headers", [{"X-API-Key": "shm_00000000_guess"}, {"Authorization": "Bearer x"}])
def test_a_bogus_key_is_refused_even_where_no_key_is_needed(client, user, path, headers) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_valid_key_reads_the_document(app, client, user) -> None:
    key = make_key(app, user, scopes=("read",))
    assert "paths" in client.get("/api/v1/openapi.json", headers={"X-API-Key": key}).get_json()


def test_checking_a_key_before_routing_takes_no_write_lock_on_a_read(make_app) -> None:
    """The gate checks a sent key before anything else runs; on a GET that lookup must
    still be a read transaction, whatever the thread's previous request was."""
    import sqlite3

    app = make_app(SQLITE_BUSY_TIMEOUT_MS=100)
    script = KeyClient(app.test_client(), make_key(app, make_user(app, "one")))
    assert script.get("/api/v1/me").status_code == 200  # records last use (a write), once a minute
    assert script.post("/api/v1/books", json={}).status_code == 422  # the thread's last request wrote
    writer = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    writer.isolation_level = None
    writer.execute("BEGIN IMMEDIATE")  # someone else is writing
    try:
        assert script.get("/api/v1/me").status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()
