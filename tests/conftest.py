"""Fixtures shared by every layer: a fresh app on a real SQLite file per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.extensions import db
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
