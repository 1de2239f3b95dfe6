"""CORS: closed unless the user lists origins (CORS_ORIGINS in settings).

Only the API opens, only to the listed origins, and never with credentials: a page on
another origin may call the API with a key it holds, but never ride the user's session.
"""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS


def init_app(app: Flask) -> None:
    origins = list(app.config.get("CORS_ORIGINS") or [])
    if not origins:
        return
    CORS(
        app,
        resources={r"/api/v1/*": {"origins": origins}},
        supports_credentials=False,
        allow_headers=["Content-Type", "X-API-Key", "Authorization"],
        expose_headers=["Link", "Location", "Retry-After"],
        methods=["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"],
        max_age=600,
    )
