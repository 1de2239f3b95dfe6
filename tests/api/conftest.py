"""Fixtures for the API: keys made the way the settings page makes them, and a client
that sends one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_user
from webapp.api.keys import create_api_key
from webapp.extensions import db
from webapp.models import User


def make_key(
    app: Flask, user: User, scopes: tuple[str, ...] = ("read", "write"), name: str = "script"
) -> str:
    with app.app_context():
        _row, plaintext = create_api_key(db.session.get(User, user.id), name, scopes)
        db.session.commit()
        return plaintext


class KeyClient:
    """A test client that sends ``X-API-Key`` with every request."""

    def __init__(self, client: FlaskClient, key: str) -> None:
        self.client = client
        self.key = key

    def open(self, method: str, path: str, **kwargs: Any):
        headers = {"X-API-Key": self.key, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self.open("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):
        return self.open("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.open("DELETE", path, **kwargs)


@pytest.fixture
def write_key(app: Flask, user: User) -> str:
    return make_key(app, user)


@pytest.fixture
def api(app: Flask, write_key: str) -> KeyClient:
    """The ``user``'s script, with a read-and-write key."""
    return KeyClient(app.test_client(), write_key)


@pytest.fixture
def other_api(app: Flask) -> KeyClient:
    """Another user of the same library, with their own key."""
    return KeyClient(app.test_client(), make_key(app, make_user(app, "other")))


@pytest.fixture
def make_book(api: KeyClient) -> Callable[..., dict]:
    def factory(**fields: Any) -> dict:
        response = api.post("/api/v1/books", json={"title": "Dune", **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return factory
