"""Requests the gate does not let in never set or replace a cookie (a foreign page that
sends the browser to the app's address must not sign the window out)."""

from __future__ import annotations

import pytest

from tests.conftest import DESKTOP_PORT, client_on

COOKIE = "shelfmark_session"


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize(
    "path", ["/", "/settings/", "/auth/login", "/no-such-page", "/static/css/shelfmark.css", "/api/v1/me"]
)
def test_a_request_without_the_session_gets_401_and_no_cookie(window, desktop_app, path) -> None:
    stranger = client_on(desktop_app)
    response = stranger.get(path)
    assert response.status_code == 401
    assert set_cookies(response) == []
    response.close()
    assert window.get("/").status_code == 200


@pytest.mark.parametrize("forged", ["forged", "eyJsYXVuY2giOiJ4In0.Z.bad", ""])
def test_a_forged_cookie_gets_no_replacement(window, desktop_app, forged) -> None:
    stranger = client_on(desktop_app)
    stranger.set_cookie(COOKIE, forged, domain="127.0.0.1")
    response = stranger.get("/")
    assert response.status_code == 401
    assert set_cookies(response) == []
    assert window.get("/").status_code == 200


def test_a_cookie_from_an_earlier_launch_is_not_replaced(window, desktop_app) -> None:
    from webapp.security import open_gate

    earlier = window.get_cookie(COOKIE, domain="127.0.0.1").value
    open_gate(desktop_app, DESKTOP_PORT)  # a new launch of the same library
    response = window.get("/")
    assert response.status_code == 401
    assert set_cookies(response) == []
    assert window.get_cookie(COOKIE, domain="127.0.0.1").value == earlier


def test_refused_and_unroutable_requests_set_no_cookie(window, desktop_app) -> None:
    foreign = client_on(desktop_app, "evil.example")
    assert set_cookies(foreign.get("/")) == []
    stranger = client_on(desktop_app)
    for method, path in [("POST", "/"), ("DELETE", "/auth/logout"), ("OPTIONS", "/"), ("HEAD", "/")]:
        response = stranger.open(path, method=method)
        assert response.status_code in (401, 403), (method, path)
        assert set_cookies(response) == [], (method, path)
    assert window.get("/").status_code == 200


def test_the_window_keeps_its_cookie_on_its_own_errors(window) -> None:
    before = window.get_cookie(COOKIE, domain="127.0.0.1").value
    for path in ("/no-such-page", "/books/999999"):
        assert window.get(path).status_code == 404
    assert window.get("/auth/logout").status_code == 405
    assert window.get("/").status_code == 200
    assert window.get_cookie(COOKIE, domain="127.0.0.1").value  # still signed in
    assert before


def test_server_mode_anonymous_error_pages_set_no_cookie(client, user) -> None:
    for path, status in [
        ("/no-such-page", 404),
        ("/auth/logout", 405),
        ("/healthz", 200),
        ("/static/css/shelfmark.css", 200),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert set_cookies(response) == [], path
        response.close()
