"""Who is signed in: Flask-Login's user loader and its settings."""

from __future__ import annotations

import hmac

from flask import Flask

from webapp.extensions import db, login_manager
from webapp.models import User


def load_user(identity: str) -> User | None:
    """``identity`` is ``User.get_id()``: id and session token; a stale token is nobody."""
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    # "basic": a cookie used from another address is marked not fresh. "strong" would
    # sign people out whenever their address changes; revocable session tokens
    # (User.get_id) are our defence against stolen cookies instead.
    login_manager.session_protection = "basic"
