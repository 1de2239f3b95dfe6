"""Shelfmark's web application. It knows nothing of windows or launchers.

Importing the package is cheap on purpose: the web stack (Flask, SQLAlchemy, APIFlask,
about half a second of imports) loads in :func:`create_app`, so ``--version`` answers at
once and the launcher can put its window on screen while the app is still loading.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from webapp.version import __version__

if TYPE_CHECKING:
    from flask import Flask

    from webapp.config import LaunchSettings

__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None, launch: LaunchSettings | None = None) -> Flask:
    """Build the app. ``config`` overrides every other source (tests, the launcher).

    ``launch`` is the launcher's one resolution of folders and environment (it has made
    the data folder and writes its log in ``launch.log_dir``); without it (gunicorn,
    ``flask --app webapp``, tests) the app resolves them itself from ``DATA_DIR`` and the
    environment."""
    from apiflask import APIFlask

    from webapp.config import build_config, resolve_launch
    from webapp.routing import RowIdConverter

    from_launcher = launch is not None
    if launch is None:
        launch = resolve_launch((config or {}).get("DATA_DIR"))
        launch.make_data_dir()
    data_dir = launch.data_dir
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
    app.config.update(build_config(launch, config, logs_to_folder=from_launcher))
    # Before any route exists: <int:...> in every URL is a row id, so one too big for
    # any row matches no route (404) instead of overflowing the database driver (500).
    app.url_map.converters["int"] = RowIdConverter
    for init_feature in _features():
        init_feature(app)
    for blueprint in app.blueprints.values():
        # APIFlask documents only APIBlueprints, but reads this flag on every blueprint.
        if not hasattr(blueprint, "enable_openapi"):
            blueprint.enable_openapi = False
    return app


def _features() -> list[Callable[[Flask], None]]:
    """Every part of the app, wired by its own ``init_app``, in the one order that matters.

    Flask runs ``before_request`` hooks in the order they were registered, so the order
    here is the order each request meets them: security first (Host, the launch gate,
    Origin: a request that may not come in touches nothing else), then the database's
    read-only marking, then the request-size limit (an import's file may be larger than
    a form), then CSRF and rate limits (their hooks are registered by their
    ``init_app``), then the bounds on JSON bodies, then sign-in and session rules, then
    the pages. Error handlers last, once every blueprint exists.
    """
    from webapp import (
        api,
        api_keys,
        auth,
        database,
        errors,
        journal,
        library,
        main,
        migration_commands,
        models,  # noqa: F401  (registers the tables for Alembic)
        proxies,
        request_json,
        search,
        security,
        settings,
        templating,
    )
    from webapp.auth import cli as user_cli
    from webapp.auth import sessions, users
    from webapp.extensions import csrf, limiter, login_manager
    from webapp.transfer import cli as import_cli
    from webapp.transfer import pages as transfer_pages
    from webapp.transfer import upload_limit

    return [
        security.init_app,
        proxies.init_app,
        database.init_app,
        migration_commands.init_app,
        upload_limit.init_app,
        csrf.init_app,
        limiter.init_app,
        login_manager.init_app,
        request_json.init_app,
        users.init_app,
        sessions.init_app,
        user_cli.init_app,
        import_cli.init_app,
        main.init_app,
        library.init_app,
        auth.init_app,
        settings.init_app,
        transfer_pages.init_app,
        api_keys.init_app,
        api.init_app,
        journal.init_app,
        search.init_app,
        templating.init_app,
        errors.init_app,
    ]
