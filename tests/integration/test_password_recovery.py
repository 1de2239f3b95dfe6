"""The ways back in when a password is forgotten: an administrator's new password
(server), ``flask users set-password``, and ``shelfmark unlock`` (desktop)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import csrf_token
from tests.integration.test_accounts import PASSWORD, add_user, login, user_row
from webapp import create_app
from webapp.auth.passwords import hash_password, verify_password
from webapp.extensions import db
from webapp.launch import ensure_owner, shutdown, upgrade_with_backup
from webapp.models import User

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a lantern by the stacks"


def reset_as_admin(client, user_id: int, password: str, confirm: str | None = None):
    path = f"/settings/accounts/{user_id}/password"
    token = csrf_token(client, path)
    return client.post(
        path,
        data={"password": password, "confirm": password if confirm is None else confirm, "csrf_token": token},
    )


def has_password(app, username: str, password: str) -> bool:
    with app.app_context():
        return verify_password(user_row(app, username).password_hash, password)


def test_an_administrator_gives_a_member_a_new_password(app, client) -> None:
    add_user(app, "admin", is_admin=True)
    member_id = add_user(app, "member")
    member_device = app.test_client()
    login(member_device, "member")
    assert member_device.get("/settings/").status_code == 200
    login(client, "admin")
    assert f"/settings/accounts/{member_id}/password" in client.get("/settings/accounts").get_data(
        as_text=True
    )

    response = reset_as_admin(client, member_id, NEW_PASSWORD)

    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/accounts")
    assert "member has a new password" in client.get("/settings/accounts").get_data(as_text=True)
    assert has_password(app, "member", NEW_PASSWORD)
    assert not has_password(app, "member", PASSWORD)
    assert member_device.get("/settings/").status_code == 302  # signed out everywhere
    fresh = app.test_client()
    assert login(fresh, "member", PASSWORD).status_code == 200  # the old one no longer works
    assert login(fresh, "member", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("", "", "This field is required."),
        ("short", "short", "at least"),
        ("password123", "password123", "most common"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The passwords differ."),
        ("x" * 5000, "x" * 5000, "at most"),
    ],
)
def test_a_bad_new_password_is_refused_and_nothing_changes(app, client, password, confirm, message) -> None:
    add_user(app, "admin", is_admin=True)
    member_id = add_user(app, "member")
    before = user_row(app, "member").password_hash
    login(client, "admin")

    response = reset_as_admin(client, member_id, password, confirm)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_row(app, "member").password_hash == before


def test_only_administrators_set_other_peoples_passwords(app, client) -> None:
    admin_id = add_user(app, "admin", is_admin=True)
    member_id = add_user(app, "member")
    login(client, "member")
    assert client.get(f"/settings/accounts/{admin_id}/password").status_code == 404
    token = csrf_token(client, "/settings/")
    response = client.post(
        f"/settings/accounts/{admin_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 404
    assert has_password(app, "admin", PASSWORD)
    assert client.get(f"/settings/accounts/{member_id}/password").status_code == 404


def test_the_admin_page_needs_a_csrf_token_and_a_real_account(app, client) -> None:
    add_user(app, "admin", is_admin=True)
    member_id = add_user(app, "member")
    login(client, "admin")
    response = client.post(
        f"/settings/accounts/{member_id}/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 403
    assert has_password(app, "member", PASSWORD)
    assert client.get("/settings/accounts/9999/password").status_code == 404


def test_an_administrator_changes_their_own_password_the_usual_way(app, client) -> None:
    admin_id = add_user(app, "admin", is_admin=True)
    login(client, "admin")
    response = client.get(f"/settings/accounts/{admin_id}/password")
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/password")


def test_there_is_no_admin_reset_page_on_the_desktop(desktop_app, window) -> None:
    with desktop_app.app_context():
        other = User(username="guest")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert window.get(f"/settings/accounts/{other_id}/password").status_code == 404


def test_users_set_password_command(app) -> None:
    add_user(app, "admin", is_admin=True)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["users", "set-password", "ADMIN", "--password", NEW_PASSWORD])

    assert result.exit_code == 0, result.output
    assert "admin has a new password" in result.output
    assert has_password(app, "admin", NEW_PASSWORD)
    result = runner.invoke(args=["users", "set-password", "nobody", "--password", NEW_PASSWORD])
    assert result.exit_code != 0 and "no account named 'nobody'" in result.output
    result = runner.invoke(args=["users", "set-password", "admin", "--password", "123456"])
    assert result.exit_code != 0 and "most common" in result.output
    assert has_password(app, "admin", NEW_PASSWORD)


# shelfmark unlock (desktop) -------------------------------------------------------------


def desktop_library(data_dir: Path, owner_password: str | None) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "MODE": "desktop"})
    upgrade_with_backup(app)
    ensure_owner(app, "owner")
    with app.app_context():
        owner = db.session.scalar(db.select(User).where(User.username == "owner"))
        owner.password_hash = hash_password(owner_password) if owner_password else None
        db.session.add(User(username="guest", password_hash=hash_password(PASSWORD)))
        db.session.commit()
        db.session.remove()
    shutdown(app)


def unlock(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "unlock", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def password_hashes(data_dir: Path) -> dict[str, str | None]:
    connection = sqlite3.connect(data_dir / "shelfmark.db")
    try:
        return dict(connection.execute("SELECT username, password_hash FROM users"))
    finally:
        connection.close()


def test_unlock_removes_the_owners_forgotten_password(tmp_path) -> None:
    desktop_library(tmp_path, owner_password=PASSWORD)

    done = unlock("--data-dir", str(tmp_path))

    assert done.returncode == 0, done.stderr
    assert "owner no longer asks for a password" in done.stdout
    hashes = password_hashes(tmp_path)
    assert hashes["owner"] is None
    assert hashes["guest"] is not None  # only the one profile
    again = unlock("--data-dir", str(tmp_path))
    assert again.returncode == 0 and "has no password; nothing was changed" in again.stdout


def test_unlock_names_a_profile_and_says_which_exist_when_it_is_wrong(tmp_path) -> None:
    desktop_library(tmp_path, owner_password=None)

    wrong = unlock("ghost", "--data-dir", str(tmp_path))
    assert wrong.returncode == 1
    assert "no profile named 'ghost'" in wrong.stderr and "guest, owner" in wrong.stderr

    done = unlock("Guest", "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert password_hashes(tmp_path)["guest"] is None


def test_unlock_without_a_library_says_so_and_creates_nothing(tmp_path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    result = unlock("--data-dir", str(empty))
    assert result.returncode == 1
    assert "There is no Shelfmark library" in result.stderr
    assert list(empty.iterdir()) == []
