"""A fresh server's first administrator is claimed only with the one-time set-up link
printed on the server's terminal (or the CLI), and a server answers only to its own names."""

from __future__ import annotations

import logging
import re
import stat
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from webapp.auth.setup_token import SETUP_CLAIM, SETUP_CLAIM_LIFETIME, setup_path, token_file
from webapp.extensions import db
from webapp.models import User

PASSWORD = "quiet library evenings"
ADMIN = {"username": "mallory", "display_name": "M", "password": PASSWORD, "confirm": PASSWORD}


def users(app) -> list[tuple[str, bool]]:
    with app.app_context():
        return [(u.username, u.is_admin) for u in db.session.scalars(select(User))]


def token_of(path: str) -> str:
    return path.split("token=", 1)[1]


def fill_in_setup(client, **headers) -> object:
    page = client.get("/auth/setup", headers=headers).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    return client.post("/auth/setup", data={**ADMIN, "csrf_token": match.group(1)}, headers=headers)


# Nobody but the holder of the link -------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"Host": "evil.example:8080", "Origin": "http://evil.example:8080"},
        {"Host": "127.0.0.1.nip.io"},
        {"Origin": "http://evil.example"},
        {},
    ],
)
def test_a_fresh_server_cannot_be_claimed_without_the_link(make_app, headers) -> None:
    app = make_app(SERVER_HOST="0.0.0.0")
    visitor = app.test_client()
    page = visitor.get("/auth/setup", headers=headers)
    assert page.status_code in (200, 403)
    assert '<form method="post"' not in page.get_data(as_text=True)
    token = csrf_token(app.test_client(), "/auth/setup")
    for data in ({**ADMIN, "csrf_token": token}, ADMIN):
        assert visitor.post("/auth/setup", data=data, headers=headers).status_code == 403
    assert fill_in_setup(visitor, **headers).status_code == 403
    assert users(app) == []


def test_without_the_link_the_page_says_where_to_find_it(app, client) -> None:
    response = client.get("/auth/setup")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "python main.py serve" in page and "setup_token" in page and "users create" in page
    assert token_of(setup_path(app)) not in page
    assert "<form" not in page.split("</header>", 1)[1]


def test_the_printed_link_works_once(any_db_app) -> None:
    app = any_db_app
    link = setup_path(app)
    owner = app.test_client()
    redeemed = owner.get(link)
    assert redeemed.status_code == 302
    assert redeemed.headers["Location"].endswith("/auth/setup")  # the token leaves the address bar
    assert redeemed.headers["Referrer-Policy"] == "no-referrer"
    assert not token_file(app).exists()

    replay = app.test_client()
    assert replay.get(link).status_code == 403
    assert fill_in_setup(replay).status_code == 403

    assert fill_in_setup(owner).status_code == 302
    assert users(app) == [("mallory", True)]
    assert owner.get("/").status_code == 200  # signed in
    assert app.test_client().get(link).status_code == 404  # set-up is over
    assert owner.get("/auth/setup").status_code == 404


@pytest.mark.parametrize("wrong", ["", "guess", "x" * 43, "%00", "ä" * 43])
def test_a_wrong_token_is_refused_and_the_right_one_still_works(app, wrong) -> None:
    link = setup_path(app)
    stranger = app.test_client()
    assert stranger.get(f"/auth/setup?token={wrong}").status_code == 403
    assert fill_in_setup(stranger).status_code == 403
    right = token_of(link)
    assert (
        stranger.get(f"/auth/setup?token={right[:-1]}{'A' if right[-1] != 'A' else 'B'}").status_code == 403
    )
    assert stranger.post(link, data={}).status_code == 403  # redeemed by GET only
    owner = app.test_client()
    assert owner.get(link).status_code == 302
    assert fill_in_setup(owner).status_code == 302


def test_the_token_is_256_bits_in_a_file_only_its_owner_reads(app) -> None:
    token = token_of(setup_path(app))
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert stat.S_IMODE(token_file(app).stat().st_mode) == 0o600
    assert token_file(app).read_text() == token
    assert token_of(setup_path(app)) == token  # one token until it is used (every worker sees it)


def test_the_token_never_reaches_the_log(app, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    link = setup_path(app)
    owner = app.test_client()
    owner.get("/auth/setup?token=wrong")
    owner.get(link)
    fill_in_setup(owner)
    assert users(app) == [("mallory", True)]
    assert token_of(link) not in caplog.text


def test_a_claim_expires(app) -> None:
    owner = app.test_client()
    assert owner.get(setup_path(app)).status_code == 302
    with owner.session_transaction() as session:
        session[SETUP_CLAIM] = int(time.time()) - SETUP_CLAIM_LIFETIME - 1
    assert fill_in_setup(owner).status_code == 403
    assert users(app) == []


def test_the_command_line_still_makes_the_first_administrator(any_db_app) -> None:
    app = any_db_app
    link = setup_path(app)
    result = app.test_cli_runner().invoke(
        args=["users", "create", "ada", "--admin", "--password", PASSWORD], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert users(app) == [("ada", True)]
    assert not token_file(app).exists()
    assert app.test_client().get(link).status_code == 404
    assert setup_path(app) is None


def test_accounts_made_any_other_way_end_set_up(app) -> None:
    link = setup_path(app)
    with app.app_context():
        db.session.add(User(username="ada", display_name="Ada", is_admin=True))
        db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert not token_file(app).exists()


# The names a server answers to ---------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "served", "refused"),
    [
        (
            {},
            ["localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"],
            ["evil.example", "127.0.0.1.nip.io", "localhost.evil.example", "192.168.1.5:8080", ""],
        ),
        (
            {"SERVER_HOST": "192.168.1.5"},
            ["192.168.1.5:8080", "192.168.1.5", "localhost:8080"],
            ["evil.example", "192.168.1.6:8080", "192.168.1.5.nip.io"],
        ),
        ({"SERVER_HOST": "::"}, ["[::1]:8080", "localhost"], ["evil.example", "[::]:8080"]),
        ({"SERVER_HOST": "fd00::5"}, ["[fd00::5]:8080"], ["evil.example", "[fd00::6]:8080"]),
        (
            {"TRUSTED_HOSTS": ["books.example.org", ".club.example"]},
            ["books.example.org", "books.example.org:443", "club.example", "a.club.example", "localhost"],
            ["evil.example", "books.example.org.evil.example", "xclub.example", "example.org"],
        ),
        ({"TRUSTED_HOSTS": "books.example.org, shelf.example"}, ["shelf.example"], ["evil.example"]),
    ],
)
def test_a_server_answers_only_to_its_own_names(make_app, user_admin, config, served, refused) -> None:
    app = make_app(**config)
    user_admin(app)
    client = app.test_client()
    for host in served:
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    for host in refused:
        for path in (
            "/healthz",
            "/auth/login",
            "/auth/setup",
            "/api/v1/",
            "/static/css/shelfmark.css",
            "/nope",
        ):
            response = client.get(path, headers={"Host": host})
            assert response.status_code == 403, (host, path, response.status_code)
        assert "trusted_hosts" in response.get_data(as_text=True)


def test_trusted_hosts_from_the_environment(make_app, user_admin, monkeypatch) -> None:
    monkeypatch.setenv("SHELFMARK_TRUSTED_HOSTS", '["books.example.org"]')
    app = make_app()
    user_admin(app)
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "books.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 403


@pytest.fixture
def user_admin():
    def make(app) -> None:
        with app.app_context():
            if not db.session.scalar(select(func.count(User.id))):
                db.session.add(User(username="ada", display_name="Ada", is_admin=True))
                db.session.commit()

    return make
