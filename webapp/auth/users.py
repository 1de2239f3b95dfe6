"""Who is signed in: Flask-Login's user loader and its settings."""

from __future__ import annotations

from flask import Flask

from webapp.extensions import db, login_manager
from webapp.models import User


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = "strong"
