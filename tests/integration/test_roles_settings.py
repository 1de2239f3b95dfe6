"""Administrators set roles: Settings → Accounts on a server, Settings → Profiles on the
desktop. Nobody else can, nobody changes their own, and a bad value is a message."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.conftest import csrf_token, make_user, sign_in
from webapp.auth.accounts import create_account
from webapp.extensions import db
from webapp.models import User


def role_of(app: Flask, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).role


def test_a_server_administrator_makes_a_member_an_editor_on_the_accounts_page(any_db_app) -> None:
    app = any_db_app
    admin = make_user(app, "boss", role="admin")
    bo = make_user(app, "bo")
    client = app.test_client()
    sign_in(client, admin)
    page = client.get("/settings/accounts").get_data(as_text=True)
    assert f'action="/settings/roles/{bo.id}"' in page and f'action="/settings/roles/{admin.id}"' not in page
    token = csrf_token(client, "/settings/accounts")
    answer = client.post(f"/settings/roles/{bo.id}", data={"csrf_token": token, "role": "editor"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/settings/accounts")
    assert role_of(app, bo.id) == "editor"
    assert "@bo · Editor" in client.get("/settings/accounts").get_data(as_text=True)


def test_only_an_administrator_sets_roles_and_never_their_own(any_db_app) -> None:
    app = any_db_app
    admin = make_user(app, "boss", role="admin")
    editor = make_user(app, "ed", role="editor")
    bo = make_user(app, "bo")
    for who in (editor, bo):
        client = app.test_client()
        sign_in(client, who)
        token = csrf_token(client)
        refused = client.post(f"/settings/roles/{bo.id}", data={"csrf_token": token, "role": "admin"})
        assert refused.status_code == 403
        assert "Only an administrator sets roles." in refused.get_data(as_text=True)
    assert role_of(app, bo.id) == "member"

    client = app.test_client()
    sign_in(client, admin)
    token = csrf_token(client)
    client.post(f"/settings/roles/{admin.id}", data={"csrf_token": token, "role": "member"})
    assert role_of(app, admin.id) == "admin"  # there is always an administrator
    answer = client.post(f"/settings/roles/{bo.id}", data={"csrf_token": token, "role": "owner"})
    assert answer.status_code == 302
    assert role_of(app, bo.id) == "member"
    assert "Choose administrator, editor or member." in client.get("/settings/accounts").get_data(
        as_text=True
    )
    assert (
        client.post("/settings/roles/999999", data={"csrf_token": token, "role": "editor"}).status_code == 404
    )


def test_on_the_desktop_the_owner_is_administrator_and_household_profiles_are_members(window) -> None:
    app = window.application
    with app.app_context():
        create_account("kid", None, "Kid")
        db.session.commit()
        owner = db.session.scalar(select(User).where(User.role == "admin"))
        kid = db.session.scalar(select(User).where(User.username == "kid"))
        assert owner is not None and kid.role == "member"
        kid_id = kid.id
    page = window.get("/settings/profiles").get_data(as_text=True)
    assert f'action="/settings/roles/{kid_id}"' in page
    token = csrf_token(window, "/settings/profiles")
    answer = window.post(f"/settings/roles/{kid_id}", data={"csrf_token": token, "role": "editor"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/settings/profiles")
    assert role_of(app, kid_id) == "editor"

    switched = window.post(f"/settings/profiles/{kid_id}/switch", data={"csrf_token": token})
    assert switched.status_code == 302
    page = window.get("/settings/profiles").get_data(as_text=True)
    assert "/settings/roles/" not in page  # an editor sees the roles, sets none
    token = csrf_token(window, "/settings/profiles")
    assert (
        window.post(f"/settings/roles/{kid_id}", data={"csrf_token": token, "role": "admin"}).status_code
        == 403
    )
    assert role_of(app, kid_id) == "editor"
