"""Settings → API keys: where a user makes, sees and revokes the keys their scripts use."""

from flask import Blueprint, Flask

bp = Blueprint("api_keys", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp, url_prefix="/settings/api-keys")


from webapp.api_keys import routes  # noqa: E402, F401
