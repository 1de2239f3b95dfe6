"""Fixtures shared by every layer: a fresh app on a real SQLite file per test."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.extensions import db, login_manager
from webapp.models import User
from webapp.schema_upgrade import upgrade_with_backup

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on ``tmp_path`` (migrated to head unless ``migrate=False``)."""
    apps: list[Flask] = []

    def factory(migrate: bool = True, **config: Any) -> Flask:
        settings = {"DATA_DIR": str(tmp_path / "data"), "TESTING": True, **config}
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


def sign_in(client: FlaskClient, user: User) -> None:
    """Put ``user`` in the client's session as Flask-Login would after signing in,
    including the ``_id`` that "strong" session protection compares on every request."""
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session["_id"] = identifier


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The token every page carries in ``<meta name="csrf-token">``."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def user(app: Flask) -> User:
    return make_user(app)


@pytest.fixture
def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    """A client whose session belongs to ``user``."""
    sign_in(client, user)
    return client
