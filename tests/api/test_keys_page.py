"""Settings → API keys: create (shown once), list, revoke with confirmation."""

from __future__ import annotations

import re

from tests.conftest import csrf_token

KEY = re.compile(r"shm_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def create(client, name: str = "backup script", scopes: str = "read") -> str:
    token = csrf_token(client, "/settings/api-keys/")
    page = client.post("/settings/api-keys/", data={"csrf_token": token, "name": name, "scopes": scopes})
    assert page.status_code == 201
    assert page.headers["Cache-Control"] == "no-store"
    found = KEY.findall(page.get_data(as_text=True))
    assert len(found) == 1
    return found[0]


def test_signed_out_visitors_are_sent_to_sign_in(client, user) -> None:
    response = client.get("/settings/api-keys/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_new_key_is_shown_once_and_works(signed_in, client) -> None:
    key = create(signed_in, scopes="write")
    listing = signed_in.get("/settings/api-keys/").get_data(as_text=True)
    assert key not in listing  # never again
    assert key[:13] in listing  # the prefix, e.g. shm_1a2b3c4d_
    assert "backup script" in listing and "read and write" in listing and "never" in listing
    fresh = client.application.test_client()
    assert fresh.get("/api/v1/me", headers={"X-API-Key": key}).get_json()["scopes"] == ["read", "write"]
    assert "never" not in signed_in.get("/settings/api-keys/").get_data(as_text=True)


def test_create_needs_the_csrf_token_and_a_name(signed_in) -> None:
    assert signed_in.post("/settings/api-keys/", data={"name": "x", "scopes": "read"}).status_code == 403
    token = csrf_token(signed_in, "/settings/api-keys/")
    page = signed_in.post("/settings/api-keys/", data={"csrf_token": token, "name": "", "scopes": "read"})
    assert page.status_code == 422
    assert not KEY.search(page.get_data(as_text=True))


def test_revoke_asks_first_then_the_key_stops_working(signed_in, client) -> None:
    key = create(signed_in)
    listing = signed_in.get("/settings/api-keys/").get_data(as_text=True)
    confirm_url = re.search(r'href="(/settings/api-keys/\d+/revoke)"', listing).group(1)
    confirm = signed_in.get(confirm_url)
    assert confirm.status_code == 200 and "401" in confirm.get_data(as_text=True)
    api = client.application.test_client()
    assert api.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 200
    token = csrf_token(signed_in, confirm_url)
    assert signed_in.post(confirm_url, data={"csrf_token": token}).status_code == 302
    assert api.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 401
    assert "revoked" in signed_in.get("/settings/api-keys/").get_data(as_text=True)


def test_someone_elses_key_cannot_be_revoked(app, signed_in) -> None:
    from tests.api.conftest import make_key
    from tests.conftest import make_user

    make_key(app, make_user(app, "other"))
    assert signed_in.get("/settings/api-keys/1/revoke").status_code == 404
