"""Settings: a person's profile and password, and (administrators) the accounts."""

from flask import Blueprint, Flask

bp = Blueprint("settings", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/settings")


from webapp.settings import routes  # noqa: E402, F401
