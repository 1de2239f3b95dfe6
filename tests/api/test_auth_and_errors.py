"""Who may call the API, and how every error looks: RFC 9457 problem+json."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.api.conftest import KeyClient, make_key
from tests.conftest import csrf_token
from webapp.extensions import db
from webapp.models import ApiKey
from webapp.models.common import utcnow

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    return body


# --- keys -----------------------------------------------------------------


def test_no_key_is_401_with_a_bearer_challenge(client) -> None:
    body = assert_problem(client.get("/api/v1/books"), 401)
    assert "X-API-Key" in body["detail"]
    assert client.get("/api/v1/books").headers["WWW-Authenticate"].startswith("Bearer")


def test_key_in_x_api_key_or_bearer_header_is_accepted(client, write_key) -> None:
    assert client.get("/api/v1/me", headers={"X-API-Key": write_key}).status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {write_key}"}).get_json()
    assert me["username"] == "reader"
    assert me["authenticated_by"] == "key"
    assert me["scopes"] == ["read", "write"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # wrong secret
        lambda key: "shm_00000000_" + key.split("_", 2)[2],  # unknown id
        lambda key: "not-a-key",
        lambda key: "",
    ],
)
def test_wrong_or_malformed_key_is_401(client, write_key, mangle) -> None:
    assert_problem(client.get("/api/v1/books", headers={"X-API-Key": mangle(write_key)}), 401)


def test_revoked_key_is_401_at_once(app, api) -> None:
    assert api.get("/api/v1/books").status_code == 200
    with app.app_context():
        db.session.execute(update(ApiKey).values(revoked_at=utcnow()))
        db.session.commit()
    assert_problem(api.get("/api/v1/books"), 401)


def test_read_only_key_reads_but_may_not_write(app, client, user) -> None:
    reader = KeyClient(client, make_key(app, user, scopes=("read",)))
    assert reader.get("/api/v1/books").status_code == 200
    body = assert_problem(reader.post("/api/v1/books", json={"title": "Dune"}), 403)
    assert "write" in body["detail"]
    assert_problem(reader.delete("/api/v1/books/1"), 403)


def test_a_bad_key_is_401_even_with_a_signed_in_session(signed_in) -> None:
    assert signed_in.get("/api/v1/me").status_code == 200
    assert_problem(signed_in.get("/api/v1/me", headers={"X-API-Key": "shm_nope"}), 401)


def test_the_key_is_stored_only_as_a_hash(app, write_key) -> None:
    with app.app_context():
        stored = db.session.scalar(select(ApiKey))
        assert write_key.startswith(stored.prefix)
        assert write_key.split("_", 2)[2] not in (stored.secret_hash, stored.key_id)
        assert len(stored.secret_hash) == 64


def test_last_used_is_recorded_on_a_get_and_then_at_most_once_a_minute(app, api) -> None:
    def last_used():
        with app.app_context():
            return db.session.scalar(select(ApiKey.last_used_at))

    assert last_used() is None
    api.get("/api/v1/books")
    first = last_used()
    assert first is not None
    api.get("/api/v1/books")
    assert last_used() == first  # within the minute: reads stay reads
    with app.app_context():
        db.session.execute(update(ApiKey).values(last_used_at=first - timedelta(minutes=5)))
        db.session.commit()
    api.get("/api/v1/books")
    assert last_used() > first - timedelta(minutes=5)


# --- the web session --------------------------------------------------------


def test_session_reads_without_a_token_but_writes_need_the_csrf_token(signed_in) -> None:
    assert signed_in.get("/api/v1/books").status_code == 200
    assert signed_in.get("/api/v1/me").get_json()["authenticated_by"] == "session"
    body = assert_problem(signed_in.post("/api/v1/books", json={"title": "Dune"}), 403)
    assert "X-CSRFToken" in body["detail"]
    token = csrf_token(signed_in)
    created = signed_in.post("/api/v1/books", json={"title": "Dune"}, headers={"X-CSRFToken": token})
    assert created.status_code == 201


def test_a_key_needs_no_csrf_token(api) -> None:
    assert api.post("/api/v1/books", json={"title": "Dune"}).status_code == 201


# --- every error as a problem ------------------------------------------------


def test_unknown_route_under_the_api_is_a_404_problem(api) -> None:
    assert_problem(api.get("/api/v1/no-such-thing"), 404)
    assert_problem(api.post("/api/v1/no/such/thing", json={}), 404)


def test_unknown_record_is_a_404_problem_that_names_it(api) -> None:
    assert "book with id 999" in assert_problem(api.get("/api/v1/books/999"), 404)["detail"]
    assert_problem(api.get(f"/api/v1/books/{2**70}"), 404)


def test_wrong_method_is_a_405_problem_with_allow(api) -> None:
    response = api.open("PUT", "/api/v1/books", json={})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_problem(api.delete("/api/v1/books"), 405)


def test_malformed_json_is_400(api) -> None:
    body = assert_problem(
        api.post("/api/v1/books", data='{"title": ', headers={"Content-Type": "application/json"}), 400
    )
    assert "Invalid JSON" in body["detail"]


def test_bad_utf8_is_400(api) -> None:
    response = api.post(
        "/api/v1/books", data=b'{"title": "\xff\xfe"}', headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


def test_wrong_content_type_is_415(api) -> None:
    assert_problem(api.post("/api/v1/books", data="title=Dune"), 415)
    assert_problem(api.post("/api/v1/books", data='{"title": "Dune"}', content_type="text/plain"), 415)


def test_body_too_large_is_413(make_app, user) -> None:
    app = make_app(MAX_CONTENT_LENGTH=1024)
    from tests.conftest import make_user

    api = KeyClient(app.test_client(), make_key(app, make_user(app, "big")))
    response = api.post("/api/v1/books", json={"title": "x" * 4000})
    assert_problem(response, 413)


def test_validation_errors_are_422_with_the_fields(api) -> None:
    body = assert_problem(
        api.post("/api/v1/books", json={"title": "", "isbn13": "9780441172710", "year": 20000, "colour": 1}),
        422,
    )
    fields = body["errors"]["json"]
    assert set(fields) == {"title", "isbn13", "year", "colour"}
    assert "check digit" in fields["isbn13"][0]


def test_query_errors_are_422_too(api) -> None:
    body = assert_problem(api.get("/api/v1/books?per_page=101&page=0"), 422)
    assert set(body["errors"]["query"]) == {"per_page", "page"}


def test_duplicate_isbn_is_409(api) -> None:
    assert api.post("/api/v1/books", json={"title": "Dune", "isbn13": "978-0-441-17271-9"}).status_code == 201
    body = assert_problem(api.post("/api/v1/books", json={"title": "Dune 2", "isbn13": "9780441172719"}), 409)
    assert "isbn13" in body["detail"]


def test_rate_limit_is_a_429_problem_per_key(make_app) -> None:
    from tests.conftest import make_user

    app = make_app(API_RATE_LIMIT="3 per minute")
    first = KeyClient(app.test_client(), make_key(app, make_user(app, "one")))
    second = KeyClient(app.test_client(), make_key(app, make_user(app, "two")))
    assert [first.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    response = first.get("/api/v1/me")
    assert_problem(response, 429)
    assert "Retry-After" in response.headers
    assert second.get("/api/v1/me").status_code == 200  # another key has its own budget


def test_server_error_is_a_500_problem_that_hides_the_cause(make_app, user) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def explode():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    body = assert_problem(app.test_client().get("/api/v1/explode"), 500)
    assert "secret" not in body["detail"]


def test_pages_outside_the_api_keep_html_errors(client, user) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
