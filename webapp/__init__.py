"""Shelfmark's web application. It knows nothing of windows or launchers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from webapp.config import build_config, resolve_data_dir
from webapp.database import install_sqlite_policy, read_only_requests
from webapp.extensions import csrf, db, limiter, login_manager, migrate
from webapp.version import __version__

__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides every other source (tests, the launcher)."""
    data_dir = resolve_data_dir(config)
    data_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(data_dir))
    app.config.update(build_config(data_dir, config))

    install_sqlite_policy(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    db.init_app(app)
    migrate.init_app(
        app, db, directory=app.config["MIGRATIONS_DIRECTORY"], render_as_batch=True, compare_type=True
    )
    read_only_requests(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from webapp import models  # noqa: F401  (registers the tables for Alembic)
    from webapp.api import bp as api_bp
    from webapp.auth import bp as auth_bp
    from webapp.auth.users import init_app as init_users
    from webapp.errors import init_app as init_errors
    from webapp.library import bp as library_bp
    from webapp.main import bp as main_bp
    from webapp.templating import init_app as init_templating

    app.register_blueprint(main_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    init_users(app)
    init_templating(app)
    init_errors(app)
    return app
