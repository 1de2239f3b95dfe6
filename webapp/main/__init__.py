"""The home page, the About page and the health check."""

from flask import Blueprint, Flask

bp = Blueprint("main", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


from webapp.main import routes  # noqa: E402, F401
