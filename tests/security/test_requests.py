"""docs/security.md, rows 4-9: state changes, headers, sessions, password hashes, rate limits."""

import re
import time

import pytest
from argon2 import extract_parameters
from sqlalchemy import select

from tests.conftest import DESKTOP_PORT, csrf_token, make_user
from webapp.auth.passwords import hash_password
from webapp.extensions import db
from webapp.models import User

PASSWORD = "quiet library evenings"


@pytest.fixture
def reader(app):
    with app.app_context():
        user = User(username="reader", display_name="Reader", password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    return user


def login(client, username="reader", password=PASSWORD, **extra):
    token = csrf_token(client, "/auth/login")
    return client.post(
        "/auth/login", data={"username": username, "password": password, "csrf_token": token, **extra}
    )


def display_name(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).display_name


# Row 4: cross-origin and token-less state changes -------------------------------------


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:9", "https://localhost"])
def test_post_from_a_foreign_origin_is_refused_and_changes_nothing(app, client, reader, origin) -> None:
    login(client)
    token = csrf_token(client, "/settings/")
    response = client.post(
        "/settings/",
        data={"username": "reader", "display_name": "Hacked", "csrf_token": token},
        headers={"Origin": origin},
    )
    assert response.status_code == 403
    assert display_name(app, reader.id) == "Reader"


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client, reader) -> None:
    login(client)
    response = client.post("/settings/", data={"username": "reader", "display_name": "Hacked"})
    assert response.status_code == 403
    assert "nothing was saved" in response.get_data(as_text=True)
    assert display_name(app, reader.id) == "Reader"


def test_same_origin_post_with_token_works(app, client, reader) -> None:
    login(client)
    token = csrf_token(client, "/settings/")
    response = client.post(
        "/settings/",
        data={"username": "reader", "display_name": "Robin", "csrf_token": token},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 302
    assert display_name(app, reader.id) == "Robin"


def test_desktop_refuses_a_foreign_origin_even_with_the_launch_cookie(window, desktop_app) -> None:
    token = csrf_token(window, "/settings/")
    refused = window.post(
        "/settings/",
        data={"username": "tester", "display_name": "Hacked", "csrf_token": token},
        headers={"Origin": "http://127.0.0.1:1"},
    )
    assert refused.status_code == 403
    allowed = window.post(
        "/settings/",
        data={"username": "tester", "display_name": "Owner", "csrf_token": token},
        headers={"Origin": f"http://127.0.0.1:{DESKTOP_PORT}"},
    )
    assert allowed.status_code == 302


# Row 5: no state change on GET ---------------------------------------------------------


def state_changing_rules(app):
    """Rules that change state and whose path has no GET rule of its own (a GET rule on
    the same path is a confirmation page, which only reads)."""
    rules = list(app.url_map.iter_rules())
    readable = {rule.rule for rule in rules if "GET" in rule.methods}
    for rule in rules:
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if methods & {"POST", "PUT", "PATCH", "DELETE"} and rule.rule not in readable:
            yield rule


def test_every_state_changing_route_answers_get_with_405(app, client, reader) -> None:
    login(client)
    rules = list(state_changing_rules(app))
    assert len(rules) >= 3  # logout, profile switch, password removal at least
    for rule in rules:
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)
        assert client.get(path).status_code == 405, rule.rule


def test_sign_out_is_a_post(client, reader) -> None:
    login(client)
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/settings/").status_code == 200  # still signed in


# Row 6: headers on every kind of response ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/auth/login", "text/html"),
        ("/healthz", "application/json"),
        ("/no-such-page", "text/html"),
        ("/static/css/shelfmark.css", "text/css"),
        ("/api/v1/", "application/json"),
    ],
)
def test_security_headers_on_every_response(client, reader, path, kind) -> None:
    response = client.get(path)
    assert response.mimetype == kind or response.status_code >= 400
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # plain http
    response.close()


def test_hsts_and_secure_host_cookie_only_behind_tls(client, reader) -> None:
    page = client.get("/auth/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/login",
        data={"username": "reader", "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Origin": "https://localhost"},
    )
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-shelfmark_session=") and "Secure" in cookie and "HttpOnly" in cookie


def test_error_responses_carry_the_headers_too(window) -> None:
    window.host = "evil.example"
    response = window.get("/")
    assert response.status_code == 403
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


# Row 7: session fixation and use after sign-out ----------------------------------------


def test_sign_in_gives_a_new_session_and_sign_out_kills_the_old_one(app, reader) -> None:
    attacker = app.test_client()
    csrf_token(attacker, "/auth/login")
    planted = attacker.get_cookie("shelfmark_session").value

    victim = app.test_client()
    victim.set_cookie("shelfmark_session", planted)
    assert login(victim).status_code == 302
    signed_in = victim.get_cookie("shelfmark_session").value
    assert signed_in != planted
    attacker.set_cookie("shelfmark_session", planted)
    assert attacker.get("/settings/").status_code == 302  # the planted cookie is still nobody

    stolen = app.test_client()
    stolen.set_cookie("shelfmark_session", signed_in)
    assert stolen.get("/settings/").status_code == 200

    token = csrf_token(victim, "/settings/")
    assert victim.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert stolen.get("/settings/").status_code == 302  # the old cookie is rejected
    assert victim.get("/settings/").status_code == 302


def test_a_sign_in_expires_after_the_absolute_lifetime(client, reader) -> None:
    login(client)
    with client.session_transaction() as session:
        session["signed_in_at"] = (
            int(time.time()) - client.application.config["SESSION_ABSOLUTE_LIFETIME"] - 1
        )
    response = client.get("/settings/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# Row 8: stored password hashes ----------------------------------------------------------


def test_stored_hash_is_argon2id_with_strong_parameters(app, client) -> None:
    with app.app_context():
        from webapp.auth.accounts import create_account

        create_account("hashcheck", "an ordinary long passphrase")
        db.session.commit()
        stored = db.session.scalar(select(User.password_hash).where(User.username == "hashcheck"))
    parameters = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.time_cost >= 2
    assert parameters.parallelism == 1


def test_weaker_parameters_are_refused_at_start(make_app) -> None:
    from webapp.auth.passwords import WeakParameters, hasher_for

    with pytest.raises(WeakParameters):
        hasher_for(time_cost=1, memory_kib=19 * 1024, parallelism=1)
    with pytest.raises(WeakParameters):
        hasher_for(time_cost=2, memory_kib=4096, parallelism=1)


def test_an_older_hash_is_upgraded_at_sign_in(app, client) -> None:
    from argon2 import PasswordHasher

    weaker = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(PASSWORD)
    make_user(app, "old", password_hash=weaker)
    assert login(client, "old").status_code == 302
    with app.app_context():
        upgraded = db.session.scalar(select(User.password_hash).where(User.username == "old"))
    assert upgraded != weaker
    assert extract_parameters(upgraded).memory_cost == app.config["ARGON2_MEMORY_KIB"]


# Row 9: ten wrong passwords in a minute ------------------------------------------------


def test_wrong_passwords_are_limited_per_account_with_a_clear_429(app, reader) -> None:
    statuses = []
    for attempt in range(10):
        client = app.test_client()  # a fresh client each time: the limit is not per cookie
        response = login(
            client, password=f"wrong guess {attempt}", environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"}
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 5
    assert int(response.headers["Retry-After"]) <= 60
    # Even the right password waits until the window has passed.
    assert login(app.test_client(), environ_base={"REMOTE_ADDR": "10.0.0.99"}).status_code == 429


def test_wrong_passwords_are_limited_per_address(app, reader) -> None:
    make_user(app, "other")
    client = app.test_client()
    statuses = [login(client, username=f"user{n}", password="wrong guess").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]


def test_successful_sign_ins_do_not_count_against_the_limit(app, reader) -> None:
    client = app.test_client()
    for _ in range(7):
        assert login(client).status_code == 302
