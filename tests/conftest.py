"""Fixtures shared by every layer: a fresh app on a real SQLite file per test."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.today import TODAY
from webapp import clock, create_app
from webapp.extensions import db, login_manager
from webapp.models import User
from webapp.schema_upgrade import upgrade_with_backup
from webapp.security import launch_gate, open_gate

ROOT = Path(__file__).resolve().parent.parent
#: The PostgreSQL server scripts/test.sh starts; tests that need it skip without it.
POSTGRES_SERVER_URL = os.environ.get("SHELFMARK_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def one_calendar_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the app's "today" as tests.today.TODAY, midnight or not."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on ``tmp_path`` (migrated to head unless ``migrate=False``)."""
    apps: list[Flask] = []

    def factory(migrate: bool = True, **config: Any) -> Flask:
        # Server mode by default: everyone signs in, no launch gate. Desktop-mode tests
        # use the desktop_app / window fixtures below.
        settings = {"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "MODE": "server", **config}
        app = create_app(settings)
        if migrate:
            upgrade_with_backup(app)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped after it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not POSTGRES_SERVER_URL:
        pytest.skip("SHELFMARK_TEST_POSTGRES_URL is not set (scripts/test.sh starts PostgreSQL)")
    name = f"shelfmark_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _drop_database(admin, name)
    finally:
        admin.dispose()


def _drop_database(admin: Any, name: str, attempts: int = 100) -> None:
    """DROP ... WITH (FORCE) ends our own connections, but not an autovacuum worker that a
    busy test woke in the database ("must be a member of the role whose process is being
    terminated"); that worker finishes within moments, so try again."""
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError as error:
            if "must be a member of the role" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_app(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> Flask:
    """A migrated server-mode app on SQLite, then on PostgreSQL: for rules that the
    database helps keep, which must hold on both."""
    if request.param == "sqlite":
        return make_app()
    app = make_app(SQLALCHEMY_DATABASE_URI=request.getfixturevalue("postgres_url"))

    def close_connections() -> None:
        # Before postgres_url drops the database WITH (FORCE): make_app's own teardown
        # comes after that, and a pooled connection the server has killed by then can be
        # left to the garbage collector (an unraisable ResourceWarning in a later test).
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    request.addfinalizer(close_connections)
    return app


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def make_user(app: Flask, username: str = "reader", **fields: Any) -> User:
    with app.app_context():
        user = User(username=username, display_name=fields.pop("display_name", username.title()), **fields)
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def sign_in(client: FlaskClient, user: User, user_agent: str | None = None) -> None:
    """Put ``user`` in the client's session as Flask-Login would after signing in.

    The session also carries Flask-Login's identifier of the client (address and
    User-Agent), as a real sign-in would; give ``user_agent`` when the session will be
    used by another client (a browser)."""
    environ = dict(client.environ_base)
    if user_agent:
        environ["HTTP_USER_AGENT"] = user_agent
    with client.application.test_request_context(environ_base=environ):
        identifier = login_manager._session_identifier_generator()
    gate = launch_gate(client.application)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["signed_in_at"] = int(time.time())
        if gate is not None:
            session["launch"] = gate.launch_id
        session["_id"] = identifier


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The token every page carries in ``<meta name="csrf-token">``."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


DESKTOP_PORT = 48123


class HostClient(FlaskClient):
    """A test client that sends every request to ``host`` (the Host header matters in
    desktop mode: only the gate's loopback hosts are served)."""

    host = f"127.0.0.1:{DESKTOP_PORT}"

    def open(self, *args: Any, **kwargs: Any):
        if not (args and not isinstance(args[0], str)):
            kwargs.setdefault("base_url", f"http://{self.host}")
        return super().open(*args, **kwargs)


def client_on(app: Flask, host: str = f"127.0.0.1:{DESKTOP_PORT}") -> HostClient:
    app.test_client_class = HostClient
    client = app.test_client()
    client.host = host
    return client


@pytest.fixture
def desktop_app(make_app: Callable[..., Flask]) -> Flask:
    """Desktop mode with its launch gate open as if the server listened on DESKTOP_PORT."""
    app = make_app(MODE="desktop")
    open_gate(app, DESKTOP_PORT)
    return app


@pytest.fixture
def window(desktop_app: Flask) -> FlaskClient:
    """The app's own window: a client on the gate's host that has used the launch URL."""
    client = client_on(desktop_app)
    gate = launch_gate(desktop_app)
    assert gate is not None
    with desktop_app.app_context():
        from webapp.auth.accounts import ensure_owner

        ensure_owner("tester")
        db.session.remove()
    response = client.get(gate.bootstrap_path())
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def user(app: Flask) -> User:
    return make_user(app)


@pytest.fixture
def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    """A client whose session belongs to ``user``."""
    sign_in(client, user)
    return client
