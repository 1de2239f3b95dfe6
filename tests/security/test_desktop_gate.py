"""docs/security.md, rows 2 and 3: the Host allowlist and the one-time launch secret."""

import pytest

from tests.conftest import DESKTOP_PORT, client_on
from webapp.auth.accounts import ensure_owner
from webapp.auth.passwords import hash_password
from webapp.extensions import db
from webapp.security import launch_gate


@pytest.mark.parametrize(
    "host",
    ["evil.example", "127.0.0.1.nip.io", f"127.0.0.1.nip.io:{DESKTOP_PORT}", "127.0.0.1:1", "[::1]:80", ""],
)
def test_foreign_hosts_are_refused_before_routing(window, host) -> None:
    window.host = host
    for path in ("/", "/healthz", "/no-such-page", "/static/css/shelfmark.css"):
        assert window.get(path).status_code == 403, (host, path)


@pytest.mark.parametrize("host", [f"127.0.0.1:{DESKTOP_PORT}", f"localhost:{DESKTOP_PORT}"])
def test_the_apps_own_hosts_are_served(desktop_app, host) -> None:
    with desktop_app.app_context():
        ensure_owner("tester")
    browser = client_on(desktop_app, host)
    assert browser.get("/healthz").status_code == 200
    assert browser.get("/").status_code == 401  # past the host check, stopped by the gate
    assert browser.get(launch_gate(desktop_app).bootstrap_path()).status_code == 302
    assert browser.get("/").status_code == 200


def test_without_the_launch_session_nothing_but_healthz_answers(desktop_app) -> None:
    stranger = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    assert stranger.get("/healthz").status_code == 200
    for path in ("/", "/settings/", "/api/v1/", "/static/css/shelfmark.css", "/auth/login"):
        assert stranger.get(path).status_code == 401, path
    assert stranger.post("/auth/logout").status_code == 401


def test_a_wrong_secret_is_refused_and_the_right_one_still_works(desktop_app) -> None:
    gate = launch_gate(desktop_app)
    right = gate.bootstrap_path()
    stranger = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    assert stranger.get("/auth/launch?token=guess").status_code == 403
    assert stranger.get("/auth/launch").status_code == 403
    assert stranger.get(right[:-1] + ("A" if right[-1] != "A" else "B")).status_code == 403
    assert stranger.get("/").status_code == 401
    owner_window = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    assert owner_window.get(right).status_code == 302


def test_the_launch_secret_works_once(window, desktop_app) -> None:
    replay = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    used = "/auth/launch?token=" + "x" * 43
    assert replay.get(used).status_code == 403
    assert window.get("/").status_code == 200


def test_replaying_the_bootstrap_url_after_use_is_refused(desktop_app) -> None:
    gate = launch_gate(desktop_app)
    url = gate.bootstrap_path()
    first = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    assert first.get(url).status_code == 302
    second = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    assert second.get(url).status_code == 403
    assert second.get("/").status_code == 401


def test_launch_cookie_is_httponly_and_strict_and_the_secret_never_shows(desktop_app) -> None:
    gate = launch_gate(desktop_app)
    url = gate.bootstrap_path()
    secret = url.split("token=")[1]
    browser = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    response = browser.get(url)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert secret not in response.headers["Location"]
    assert response.headers["Cache-Control"] == "no-store"
    page = browser.get("/", follow_redirects=True).get_data(as_text=True)
    assert secret not in page


def test_a_cookie_from_an_earlier_launch_gets_nowhere(desktop_app, window) -> None:
    cookie = window.get_cookie("shelfmark_session", domain="127.0.0.1")
    assert cookie is not None
    from webapp.security import open_gate

    open_gate(desktop_app, DESKTOP_PORT)  # a new launch of the same library
    later = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    later.set_cookie("shelfmark_session", cookie.value, domain=cookie.domain)
    assert later.get("/").status_code == 401


def test_first_launch_signs_in_the_owner_made_from_the_os_user(window) -> None:
    page = window.get("/").get_data(as_text=True)
    assert "tester" in page
    assert "Switch profile" in page


def test_a_profile_with_a_password_is_asked_for_it_at_launch(desktop_app) -> None:

    with desktop_app.app_context():
        owner = ensure_owner("tester")
        owner.password_hash = hash_password("a long household passphrase")
        db.session.commit()
    gate = launch_gate(desktop_app)
    browser = client_on(desktop_app, f"127.0.0.1:{DESKTOP_PORT}")
    response = browser.get(gate.bootstrap_path())
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    assert browser.get("/").status_code == 302  # not signed in yet: to the sign-in page
    token = _csrf(browser, "/auth/login")
    wrong = browser.post("/auth/login", data={"username": "tester", "password": "nope", "csrf_token": token})
    assert "do not match" in wrong.get_data(as_text=True)
    right = browser.post(
        "/auth/login",
        data={"username": "tester", "password": "a long household passphrase", "csrf_token": token},
    )
    assert right.status_code == 302
    assert browser.get("/").status_code == 200


def _csrf(client, path: str) -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def owners_read_key(desktop_app) -> str:
    """A read-only API key of the desktop owner, as a script would be given."""
    from tests.api.conftest import make_key

    with desktop_app.app_context():
        owner = ensure_owner("tester")
        db.session.refresh(owner)
        db.session.expunge(owner)
    return make_key(desktop_app, owner, scopes=("read",))


def test_scripts_with_an_api_key_pass_the_gate_but_nothing_else_does(desktop_app, owners_read_key) -> None:
    key = owners_read_key
    script = client_on(desktop_app)
    assert script.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 200
    assert script.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    refused = script.get("/api/v1/me", headers={"X-API-Key": "shm_00000000_guess"})
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert script.get("/", headers={"X-API-Key": key}).status_code == 401  # pages stay closed
    assert script.get("/api/search?q=x", headers={"X-API-Key": key}).status_code == 401
    script.host = "evil.example"
    assert script.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 403


def every_api_path(app) -> list[tuple[str, str]]:
    """(method, path) for every /api/v1 rule, with ids filled in, plus the index and document."""
    import re

    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)))
    return sorted(found)


BOGUS_CREDENTIALS = [
    {"X-API-Key": "shm_00000000_guess"},
    {"x-api-key": "bogus"},
    {"Authorization": "Bearer x"},
    {"Authorization": "bearer x"},
    {"Authorization": "Bearer "},
    {"X-API-Key": ""},
    {"X-API-Key": " "},
]


@pytest.mark.parametrize("headers", BOGUS_CREDENTIALS)
def test_a_bogus_key_opens_no_api_path_not_even_the_index_or_the_document(desktop_app, headers) -> None:
    with desktop_app.app_context():
        ensure_owner("tester")
    script = client_on(desktop_app)
    paths = every_api_path(desktop_app)
    assert ("GET", "/api/v1/") in paths and ("GET", "/api/v1/openapi.json") in paths
    for method, path in [*paths, ("GET", "/api/v1"), ("GET", "/api/v1//books"), ("GET", "/api/v1/../")]:
        response = script.open(path, method=method, headers=headers, json={} if method != "GET" else None)
        assert response.status_code == 401, (headers, method, path, response.status_code)
        assert "paths" not in (response.get_json(silent=True) or {})


def test_a_valid_key_opens_the_index_and_the_document(desktop_app, owners_read_key) -> None:
    key = owners_read_key
    script = client_on(desktop_app)
    for path in ("/api/v1/", "/api/v1/openapi.json", "/api/v1/me", "/api/v1/books"):
        assert script.get(path, headers={"X-API-Key": key}).status_code == 200, path
        assert script.get(path, headers={"Authorization": f"bearer {key}"}).status_code == 200, path
    assert script.head("/api/v1/openapi.json", headers={"X-API-Key": key}).status_code == 200


def test_the_window_reads_the_api_index_and_document_with_its_session(window) -> None:
    assert window.get("/api/v1/").status_code == 200
    assert "paths" in window.get("/api/v1/openapi.json").get_json()
