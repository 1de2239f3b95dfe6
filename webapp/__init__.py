"""Shelfmark's web application. It knows nothing of windows or launchers.

Importing the package is cheap on purpose: the web stack (Flask, SQLAlchemy, APIFlask,
about half a second of imports) loads in :func:`create_app`, so ``--version`` answers at
once and the launcher can put its window on screen while the app is still loading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from webapp.version import __version__

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides every other source (tests, the launcher)."""
    from apiflask import APIFlask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from webapp import security
    from webapp.config import build_config, resolve_data_dir
    from webapp.database import install_sqlite_policy, read_only_requests
    from webapp.extensions import csrf, db, limiter, login_manager
    from webapp.migration_commands import init_app as init_migration_commands
    from webapp.request_json import init_app as init_request_json
    from webapp.routing import RowIdConverter

    data_dir = resolve_data_dir(config)
    data_dir.mkdir(parents=True, exist_ok=True)
    # APIFlask is Flask plus the OpenAPI document of the API blueprint (see webapp.api);
    # its JSON errors are off: the API makes its own, the pages keep theirs.
    app = APIFlask(
        __name__,
        instance_path=str(data_dir),
        title="Shelfmark API",
        version=__version__,
        spec_path="/api/v1/openapi.json",
        docs_path=None,
        json_errors=False,
    )
    app.config.update(build_config(data_dir, config))
    # Before any route exists: <int:...> in every URL is a row id, so one too big for
    # any row matches no route (404) instead of overflowing the database driver (500).
    app.url_map.converters["int"] = RowIdConverter

    install_sqlite_policy(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    db.init_app(app)
    init_migration_commands(app)
    read_only_requests(app)
    if app.config["PROXY_COUNT"]:
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    init_request_json(app)

    from webapp import models  # noqa: F401  (registers the tables for Alembic)
    from webapp.api import init_app as init_api
    from webapp.api_keys import bp as api_keys_bp
    from webapp.auth import bp as auth_bp
    from webapp.auth.cli import init_app as init_user_cli
    from webapp.auth.sessions import init_app as init_sessions
    from webapp.auth.users import init_app as init_users
    from webapp.errors import init_app as init_errors
    from webapp.journal import init_app as init_journal
    from webapp.library import bp as library_bp
    from webapp.main import bp as main_bp
    from webapp.search import init_app as init_search
    from webapp.settings import bp as settings_bp
    from webapp.templating import init_app as init_templating

    app.register_blueprint(main_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(settings_bp, url_prefix="/settings")
    app.register_blueprint(api_keys_bp, url_prefix="/settings/api-keys")
    init_api(app)
    init_users(app)
    init_sessions(app)
    init_user_cli(app)
    init_journal(app)
    init_search(app)
    init_templating(app)
    for blueprint in app.blueprints.values():
        # APIFlask documents only APIBlueprints, but reads this flag on every blueprint.
        if not hasattr(blueprint, "enable_openapi"):
            blueprint.enable_openapi = False
    init_errors(app)
    return app
