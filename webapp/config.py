"""Configuration: the one place that knows where settings come from.

Order of precedence, lowest first: the defaults below, ``settings.toml`` in the
instance folder (the data directory), ``SHELFMARK_*`` environment variables, and
finally the mapping given to :func:`webapp.create_app` (tests, the launcher).
Nothing else in the code base reads ``os.environ``.

Where a launch keeps its things (data, log and settings folders) and which window
toolkit it uses are decided once, by :func:`resolve_launch`, from the command line and
the environment; the launcher hands that one :class:`LaunchSettings` to ``create_app``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from webapp.version import __version__

APP_NAME = "Shelfmark"
ENV_PREFIX = "SHELFMARK"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
SETTINGS_FILE = "settings.toml"
DATABASE_FILE = "shelfmark.db"


class Defaults:
    """Built-in defaults; every key here may be overridden (see module docstring)."""

    VERSION = __version__
    #: "desktop" (one local user behind the launch gate) or "server" (everyone signs in).
    MODE = "desktop"
    SQLALCHEMY_DATABASE_URI: str | None = None  # derived from DATA_DIR when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    SQLITE_BUSY_TIMEOUT_MS = 30_000
    MIGRATIONS_DIRECTORY = str(Path(__file__).parent / "migrations")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    #: Largest cover image accepted (bytes); bigger uploads get a field message.
    COVER_MAX_BYTES = 5 * 1024 * 1024
    #: Largest export file an import accepts (webapp.transfer.upload_limit); a Goodreads
    #: export of 10,000 books is about 5 MB, a Shelfmark export with covers far more.
    IMPORT_MAX_BYTES = 256 * 1024 * 1024
    #: Currency a price is in when the form leaves it blank.
    DEFAULT_CURRENCY = "EUR"
    #: Books generated into the ``--demo`` library on its first launch.
    DEMO_LIBRARY_SIZE = 600
    BACKUP_KEEP = 10
    SESSION_COOKIE_NAME = "shelfmark_session"
    SESSION_COOKIE_HTTPONLY = True
    #: Strict in desktop mode (only the window uses the app); server mode uses Lax so a
    #: link from elsewhere still lands signed in.
    SESSION_COOKIE_SAMESITE = "Strict"
    #: Idle timeout: the session cookie expires this long after the last request.
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    #: Absolute timeout in seconds: a sign-in is never good for longer than this.
    SESSION_ABSOLUTE_LIFETIME = 60 * 60 * 24 * 30
    #: Server mode behind TLS: Secure cookies with the __Host- prefix, and HSTS.
    #: "auto" decides per request (request.is_secure, after ProxyFix).
    SECURE_COOKIES: bool | str = "auto"
    HSTS_MAX_AGE = 60 * 60 * 24 * 365
    #: How many reverse proxies to trust for X-Forwarded-* (server mode; 0 = none).
    PROXY_COUNT = 0
    #: Argon2id parameters; never below RFC 9106's second recommendation / OWASP's
    #: minimum (m 19 MiB, t 2, p 1), which create_app enforces.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_KIB = 47104
    ARGON2_PARALLELISM = 1
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_MAX_LENGTH = 128
    #: Sign-in attempts allowed per account and per address.
    LOGIN_RATE_LIMIT = "5 per minute"
    #: memory:// for one process; a redis:// URL when several processes serve.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    #: Our Referrer-Policy is no-referrer, so browsers send no Referer for Flask-WTF's
    #: HTTPS check to compare; the Origin check in security.py does that job instead.
    WTF_CSRF_SSL_STRICT = False
    #: Server mode: host names served besides the loopback names (localhost, 127.0.0.1,
    #: [::1]) and the address ``serve --host`` bound to; any other Host gets 403 before
    #: routing (DNS rebinding). Flask's notation: ".example.org" includes its subdomains;
    #: ports are ignored. webapp.security checks it (Flask's own check is turned off).
    TRUSTED_HOSTS: list[str] | None = None
    #: The address ``serve --host`` bound to (set by the launcher; None under gunicorn
    #: and other WSGI servers, where only loopback names and TRUSTED_HOSTS are served).
    SERVER_HOST: str | None = None
    #: Requests per API key (or signed-in user) to /api/v1; Flask-Limiter's notation.
    API_RATE_LIMIT = "300 per minute"
    #: Origins (e.g. "http://localhost:5173") allowed to call /api/v1 from a browser; empty: none.
    CORS_ORIGINS: list[str] = []


def default_data_dir() -> Path:
    """Where a user's library lives unless told otherwise (platformdirs)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_settings_dir() -> Path:
    """Desktop preferences such as the window's size (platformdirs' config folder)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def environment_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``SHELFMARK_*`` variables, parsed as TOML values where they parse (numbers, booleans)."""
    environ = os.environ if environ is None else environ
    prefix = ENV_PREFIX + "_"
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(prefix):
            continue
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        values[key[len(prefix) :]] = value
    if "DATABASE_URL" in environ and "SQLALCHEMY_DATABASE_URI" not in values:
        values["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    return values


@dataclass(frozen=True)
class LaunchSettings:
    """What one launch was told, resolved once: its folders, toolkit and environment.

    ``data_dir_chosen`` is true when ``--data-dir``, ``SHELFMARK_DATA_DIR`` or
    ``--demo`` picked the folder: such a library keeps its logs and window settings
    beside it, so a test or demo never writes into the user's real folders."""

    data_dir: Path
    log_dir: Path
    settings_dir: Path
    data_dir_chosen: bool
    gui: str
    #: The ``SHELFMARK_*`` variables, parsed once (see :func:`environment_overrides`).
    environment: Mapping[str, Any] = field(default_factory=dict)

    def make_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


def resolve_launch(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    demo: bool = False,
    gui: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> LaunchSettings:
    """``--data-dir`` first, then ``SHELFMARK_DATA_DIR``, then the platform's folder
    (for ``--demo``, "Shelfmark Demo" beside the real one). Touches no file."""
    environment = environment_overrides(environ)
    chosen = data_dir or environment.get("DATA_DIR")
    if chosen:
        folder = Path(chosen).expanduser().resolve()
    elif demo:
        folder = Path(platformdirs.user_data_dir(f"{APP_NAME} Demo", appauthor=False))
    else:
        folder = default_data_dir()
    was_chosen = bool(chosen) or demo
    return LaunchSettings(
        data_dir=folder,
        log_dir=folder / "logs" if was_chosen else default_log_dir(),
        settings_dir=folder if was_chosen else default_settings_dir(),
        data_dir_chosen=was_chosen,
        gui=str(gui or environment.get("GUI") or "gtk"),
        environment=environment,
    )


def read_settings_file(data_dir: Path) -> dict[str, Any]:
    """Machine-local settings written by the user or the settings page."""
    path = data_dir / SETTINGS_FILE
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return {key.upper(): value for key, value in tomllib.load(handle).items()}


class SecretKeyDamaged(ValueError):
    """The data directory's secret key file is there but holds no usable key (empty, not
    text, a folder): signing sessions with it would fail or be weak, so we refuse."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


#: The shortest stored key accepted (we write 64 hex digits, 256 bits).
SECRET_KEY_MIN_LENGTH = 32


def load_secret_key(data_dir: Path) -> str:
    """Generated once per data directory and kept there with mode 0600, never in the repo."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        try:
            key = path.read_text(encoding="ascii").strip()
        except (UnicodeDecodeError, IsADirectoryError):
            raise SecretKeyDamaged(path) from None
        if len(key) < SECRET_KEY_MIN_LENGTH:
            raise SecretKeyDamaged(path)
        if os.name == "posix" and path.stat().st_mode & 0o077:
            with contextlib.suppress(OSError):  # e.g. a read-only folder: still usable
                path.chmod(0o600)  # copied or restored with looser permissions
        return key
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def sqlite_uri(path: Path) -> str:
    return f"sqlite:///{path}"


def build_config(
    launch: LaunchSettings, overrides: Mapping[str, Any] | None, logs_to_folder: bool = False
) -> dict[str, Any]:
    """Merge every source into one mapping for ``app.config``. ``logs_to_folder``: the
    launcher writes this launch's log into ``launch.log_dir`` (the About page says where)."""
    config: dict[str, Any] = {key: getattr(Defaults, key) for key in dir(Defaults) if key.isupper()}
    config.update(read_settings_file(launch.data_dir))
    config.update(launch.environment)
    config.update(overrides or {})
    config["DATA_DIR"] = str(launch.data_dir)
    config["LOG_DIR"] = str(launch.log_dir) if logs_to_folder else None
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = sqlite_uri(launch.data_dir / DATABASE_FILE)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_secret_key(launch.data_dir)
    return config
