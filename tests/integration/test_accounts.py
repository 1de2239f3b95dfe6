"""Account flows, each with its bad inputs: the form comes back with a message and
nothing is saved."""

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from webapp.auth.navigation import is_local_path
from webapp.auth.passwords import hash_password, verify_password
from webapp.auth.setup_token import setup_path
from webapp.extensions import db
from webapp.models import Book, Post, Reading, User
from webapp.models.site_setting import set_site_setting

PASSWORD = "quiet library evenings"


def add_user(app, username="reader", password=PASSWORD, **fields) -> int:
    with app.app_context():
        user = User(username=username, password_hash=hash_password(password) if password else None, **fields)
        db.session.add(user)
        db.session.commit()
        return user.id


def post_form(client, path, data, token_path=None):
    token = csrf_token(client, token_path or path)
    return client.post(path, data={**data, "csrf_token": token})


def login(client, username="reader", password=PASSWORD, next_url=""):
    return post_form(client, "/auth/login", {"username": username, "password": password, "next": next_url})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def user_row(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            db.session.expunge(user)
        return user


# Server set-up ------------------------------------------------------------------------


def open_setup_link(app, client) -> None:
    """What the person who started the server does first: open the printed link."""
    assert client.get(setup_path(app)).status_code == 302


def test_first_visit_to_a_new_server_asks_for_the_administrator(app, client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/setup")
    open_setup_link(app, client)
    response = post_form(
        client,
        "/auth/setup",
        {"username": "admin", "display_name": "Ada", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302
    assert user_row(app, "admin").is_admin
    assert client.get("/").status_code == 200  # signed in straight away
    assert client.get("/auth/setup").status_code == 404  # only once


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": ""}, "This field is required."),
        ({"username": "a" * 65}, "between 2 and 64"),
        ({"username": "has space"}, "letters, digits"),
        ({"password": "short", "confirm": "short"}, "at least 8"),
        ({"password": "x" * 129, "confirm": "x" * 129}, "at most 128"),
        ({"password": "password123", "confirm": "password123"}, "most common passwords"),
        (
            {"password": "admin-admin", "confirm": "admin-admin", "username": "admin-admin"},
            "cannot be your username",
        ),
        ({"confirm": "something else entirely"}, "The passwords differ."),
        ({"email": "not an email"}, "Invalid email"),
    ],
)
def test_setup_bad_inputs_keep_the_form_and_say_why(app, client, fields, message) -> None:
    data = {"username": "admin", "display_name": "Ada", "password": PASSWORD, "confirm": PASSWORD, **fields}
    open_setup_link(app, client)
    response = post_form(client, "/auth/setup", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "nothing was saved" in page
    assert count(app, User) == 0


def test_unicode_names_are_welcome(app, client) -> None:
    open_setup_link(app, client)
    response = post_form(
        client,
        "/auth/setup",
        {
            "username": "zoë_brontë",
            "display_name": "Zoë Brontë 📚",
            "password": "Ünïcödé pässwörd",
            "confirm": "Ünïcödé pässwörd",
        },
    )
    assert response.status_code == 302
    assert user_row(app, "zoë_brontë").display_name == "Zoë Brontë 📚"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/settings/")})
    assert login(client, "zoë_brontë", "Ünïcödé pässwörd").status_code == 302


# Sign-in -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password"), [("reader", "wrong password"), ("nobody", PASSWORD), ("", ""), ("reader", "")]
)
def test_wrong_credentials_get_one_generic_message_and_the_form_back(app, client, username, password) -> None:
    add_user(app)
    response = login(client, username, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ("do not match" in page) or ("This field is required." in page)
    assert "nobody" not in page.replace('value="nobody"', "")  # no hint that the user is unknown
    assert client.get("/settings/").status_code == 302


def test_sign_in_goes_to_the_page_that_asked_if_it_is_ours(app, client) -> None:
    add_user(app)
    asked = client.get("/settings/password")
    assert "/auth/login?next=" in asked.headers["Location"]
    response = login(client, next_url="/settings/password")
    assert response.headers["Location"] == "/settings/password"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http:/x"],
)
def test_sign_in_never_redirects_off_site(app, client, target) -> None:
    add_user(app)
    response = login(client, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "/dashboard")


@pytest.mark.parametrize("target", ["/", "/settings/?tab=1", "/books/12"])
def test_local_paths_are_recognised(target) -> None:
    assert is_local_path(target)


# Password ---------------------------------------------------------------------------


def test_change_password_needs_the_current_one(app, client) -> None:
    add_user(app)
    login(client)
    response = post_form(
        client,
        "/settings/password",
        {"current_password": "nope", "password": "a brand new phrase", "confirm": "a brand new phrase"},
    )
    assert "That is not your current password." in response.get_data(as_text=True)
    with app.app_context():
        assert verify_password(db.session.scalar(select(User.password_hash)), PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("", "", "This field is required."),
        ("short", "short", "at least 8"),
        ("qwertyuiop", "qwertyuiop", "most common"),
        ("a brand new phrase", "a different phrase", "The passwords differ."),
    ],
)
def test_bad_new_passwords_are_refused(app, client, new, confirm, message) -> None:
    add_user(app)
    login(client)
    response = post_form(
        client, "/settings/password", {"current_password": PASSWORD, "password": new, "confirm": confirm}
    )
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert verify_password(db.session.scalar(select(User.password_hash)), PASSWORD)


def test_changing_the_password_signs_out_other_sessions_but_not_this_one(app, client) -> None:
    add_user(app)
    other_device = app.test_client()
    login(other_device)
    login(client)
    response = post_form(
        client,
        "/settings/password",
        {"current_password": PASSWORD, "password": "a brand new phrase", "confirm": "a brand new phrase"},
    )
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200
    assert other_device.get("/settings/").status_code == 302


# Profile -------------------------------------------------------------------------------


def test_profile_edit_refuses_a_taken_username(app, client) -> None:
    add_user(app)
    add_user(app, "taken", password=None)
    login(client)
    response = post_form(client, "/settings/", {"username": "Taken", "display_name": "x"})
    assert "This username is taken." in response.get_data(as_text=True)
    assert user_row(app, "reader") is not None


def test_profile_edit_saves_unicode_and_rejects_too_long(app, client) -> None:
    add_user(app)
    login(client)
    assert (
        post_form(
            client, "/settings/", {"username": "reader", "display_name": "Søren Kierkegaard"}
        ).status_code
        == 302
    )
    assert user_row(app, "reader").display_name == "Søren Kierkegaard"
    response = post_form(client, "/settings/", {"username": "reader", "display_name": "x" * 129})
    assert "at most 128" in response.get_data(as_text=True) or "longer than 128" in response.get_data(
        as_text=True
    )
    assert user_row(app, "reader").display_name == "Søren Kierkegaard"


# Delete account -------------------------------------------------------------------------


def test_delete_account_needs_confirmation_then_takes_posts_and_readings(app, client) -> None:
    user_id = add_user(app)
    add_user(app, "other", password=None, is_admin=True)
    with app.app_context():
        book = Book(title="Kept")
        db.session.add_all([book, Reading(user_id=user_id, book=book), Post(author_id=user_id, title="Mine")])
        db.session.commit()
    login(client)
    wrong = post_form(
        client, "/settings/delete", {"confirm_username": "someone", "current_password": PASSWORD}
    )
    assert "That is not your username." in wrong.get_data(as_text=True)
    wrong = post_form(client, "/settings/delete", {"confirm_username": "reader", "current_password": "nope"})
    assert "That is not your password." in wrong.get_data(as_text=True)
    assert user_row(app, "reader") is not None

    done = post_form(client, "/settings/delete", {"confirm_username": "reader", "current_password": PASSWORD})
    assert done.status_code == 302
    assert user_row(app, "reader") is None
    assert count(app, Post) == 0 and count(app, Reading) == 0 and count(app, Book) == 1


def test_the_last_administrator_cannot_leave_others_without_one(app, client) -> None:
    add_user(app, is_admin=True)
    add_user(app, "member", password=None)
    login(client)
    response = post_form(
        client, "/settings/delete", {"confirm_username": "reader", "current_password": PASSWORD}
    )
    assert "another account an administrator" in response.get_data(as_text=True)
    assert user_row(app, "reader") is not None


# Registration and admin-made accounts --------------------------------------------------


def test_registration_is_closed_until_an_administrator_opens_it(app, client) -> None:
    add_user(app, "admin", is_admin=True)
    assert client.get("/auth/register").status_code == 404
    login(client, "admin")
    response = client.post(
        "/settings/accounts",
        data={
            "reg-open_registration": "y",
            "reg-submit": "1",
            "reg-csrf_token": csrf_token(client, "/settings/"),
        },
    )
    assert response.status_code == 302
    newcomer = app.test_client()
    assert newcomer.get("/auth/register").status_code == 200
    response = post_form(
        newcomer, "/auth/register", {"username": "newbie", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 302
    duplicate = post_form(
        app.test_client(), "/auth/register", {"username": "NEWBIE", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert "This username is taken." in duplicate.get_data(as_text=True)


def test_only_administrators_manage_accounts(app, client) -> None:
    add_user(app, "admin", is_admin=True)
    add_user(app, "member")
    login(client, "member")
    assert client.get("/settings/accounts").status_code == 404


def test_admin_creates_an_account(app, client) -> None:
    add_user(app, "admin", is_admin=True)
    login(client, "admin")
    token = csrf_token(client, "/settings/")
    response = client.post(
        "/settings/accounts",
        data={
            "new-username": "sam",
            "new-password": PASSWORD,
            "new-confirm": PASSWORD,
            "new-submit": "1",
            "new-csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert user_row(app, "sam") is not None and not user_row(app, "sam").is_admin


def test_users_create_command(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "cli-admin", "--admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert user_row(app, "cli-admin").is_admin
    result = runner.invoke(args=["users", "create", "weak", "--password", "123456"])
    assert result.exit_code != 0 and "most common" in result.output
    result = runner.invoke(args=["users", "create", "cli-admin", "--password", PASSWORD])
    assert result.exit_code != 0 and "taken" in result.output


# Desktop profiles -----------------------------------------------------------------------


def test_household_profiles_switch_with_and_without_passwords(window, desktop_app) -> None:
    response = post_form(
        window, "/settings/profiles", {"username": "kid", "display_name": "Kid", "password": ""}
    )
    assert response.status_code == 302
    response = post_form(window, "/settings/profiles", {"username": "parent", "password": PASSWORD})
    assert response.status_code == 302
    duplicate = post_form(window, "/settings/profiles", {"username": "kid"})
    assert "This username is taken." in duplicate.get_data(as_text=True)

    kid = user_row(desktop_app, "kid")
    token = csrf_token(window, "/settings/profiles")
    assert window.post(f"/settings/profiles/{kid.id}/switch", data={"csrf_token": token}).status_code == 302
    assert "Kid" in window.get("/settings/").get_data(as_text=True)

    parent = user_row(desktop_app, "parent")
    asked = window.post(
        f"/settings/profiles/{parent.id}/switch", data={"csrf_token": csrf_token(window, "/settings/")}
    )
    assert "/auth/login?profile=parent" in asked.headers["Location"]
    assert "Kid" in window.get("/settings/").get_data(
        as_text=True
    )  # still the kid until the password is given
    assert login(window, "parent", "wrong password").status_code == 200
    assert login(window, "parent", PASSWORD).status_code == 302
    assert 'value="parent"' in window.get("/settings/").get_data(as_text=True)


def test_open_registration_setting_is_not_used_on_the_desktop(desktop_app, window) -> None:
    with desktop_app.app_context():
        set_site_setting("open_registration", "1")
        db.session.commit()
    assert window.get("/auth/register").status_code == 404
