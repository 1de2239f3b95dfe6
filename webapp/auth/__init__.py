"""Signing in and out, the desktop launch gate's bootstrap URL, set-up and registration."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/auth")


from webapp.auth import routes  # noqa: E402, F401
