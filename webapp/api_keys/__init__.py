"""Settings → API keys: where a user makes, sees and revokes the keys their scripts use."""

from flask import Blueprint

bp = Blueprint("api_keys", __name__)

from webapp.api_keys import routes  # noqa: E402, F401
