"""The small API the desktop launcher uses; the launcher touches the web app only here
and through :func:`webapp.create_app`.

Importing this module loads no web stack (Flask, SQLAlchemy): the launcher reads its
paths and settings here before it opens a window, and the window should not wait for
the app's imports. Functions that take an app import what they need when called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from webapp.config import LaunchSettings, resolve_launch
from webapp.instance_lock import AlreadyRunning, InstanceLock
from webapp.library_faults import LibraryUnavailable, explain
from webapp.schema_errors import DatabaseTooNew, SchemaError, UpgradeFailed

if TYPE_CHECKING:
    from flask import Flask

    from webapp.schema_upgrade import UpgradeResult

__all__ = [
    "AlreadyRunning",
    "DatabaseTooNew",
    "InstanceLock",
    "LaunchSettings",
    "LibraryUnavailable",
    "ProfileNotFound",
    "SchemaError",
    "UpgradeFailed",
    "ensure_owner",
    "explain_fault",
    "fill_demo_library",
    "open_desktop_gate",
    "remove_profile_password",
    "resolve_launch",
    "server_notes",
    "shutdown",
    "upgrade_with_backup",
]


def explain_fault(error: BaseException, data_dir: Path) -> LibraryUnavailable | None:
    """The person's sentence for a start-up fault (damaged library, read-only folder,
    full disk...), or None for anything else (see :mod:`webapp.library_faults`)."""
    return explain(error, data_dir)


def upgrade_with_backup(app: Flask) -> UpgradeResult | None:
    """Bring the library to the newest schema (see :mod:`webapp.schema_upgrade`)."""
    from webapp.schema_upgrade import upgrade_with_backup as upgrade

    return upgrade(app)


def fill_demo_library(app: Flask) -> bool:
    """Fill an empty library with the deterministic demo data; True if it did."""
    from sqlalchemy import select

    from webapp.demo import generate_library
    from webapp.extensions import db
    from webapp.models import User

    with app.app_context():
        if db.session.scalar(select(User.id).limit(1)) is not None:
            return False
        generate_library(db.session, size=int(app.config["DEMO_LIBRARY_SIZE"]))
        db.session.remove()
    return True


def open_desktop_gate(app: Flask, port: int) -> str:
    """Allow only this port's loopback hosts and return the one-time bootstrap path
    (with the launch secret) for the window, and nothing else, to open."""
    from webapp.security import open_gate

    return open_gate(app, port).bootstrap_path()


def server_notes(app: Flask, port: int) -> list[str]:
    """What ``serve`` prints after its address, for the person at the terminal only (never
    logged): the one-time set-up link while the server has no account, and the host names
    it answers to, with how to add one."""
    from webapp.auth.setup_token import setup_path
    from webapp.security import SERVER_HOSTS_KEY, bound_host_name

    notes = []
    path = setup_path(app)
    if path is not None:
        bound = bound_host_name(app.config.get("SERVER_HOST"))
        where = "" if bound else " (from this computer)"
        notes.append(f"No administrator yet. Open this one-time link to create one{where}:")
        notes.append(f"http://{bound or '127.0.0.1'}:{port}{path}")
    hosts = ", ".join(app.extensions[SERVER_HOSTS_KEY])
    settings = Path(app.config["DATA_DIR"]) / "settings.toml"
    notes.append(
        f"Answering to the host names {hosts} (other names get 403). To add one, set "
        f'trusted_hosts = ["books.example.org"] in {settings} or '
        f"SHELFMARK_TRUSTED_HOSTS='[\"books.example.org\"]'."
    )
    return notes


def ensure_owner(app: Flask, login_name: str) -> None:
    """Desktop first run: make the owner profile from the OS user name, asking nothing."""
    from webapp.auth.accounts import ensure_owner as make_owner
    from webapp.extensions import db

    with app.app_context():
        make_owner(login_name)
        db.session.remove()


class ProfileNotFound(LookupError):
    """No such profile; ``profiles`` names the ones there are."""

    def __init__(self, name: str, profiles: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.profiles = profiles


def remove_profile_password(app: Flask, name: str | None) -> tuple[str, bool]:
    """The way back in for a desktop profile whose password is forgotten: remove it.
    ``name`` None means the owner. Returns the username and whether it had a password.

    This gives nothing away: the password locks the window, not the file, and whoever
    can run this command can read the database file already."""
    from sqlalchemy import select

    from webapp.auth.accounts import find_owner, find_user, set_password
    from webapp.extensions import db
    from webapp.models import User

    with app.app_context():
        try:
            user = find_user(name) if name else find_owner()
            if user is None:
                profiles = list(db.session.scalars(select(User.username).order_by(User.username)))
                raise ProfileNotFound(name or "", profiles)
            had_password = user.has_password
            if had_password:
                set_password(user, None)
                db.session.commit()
            return user.username, had_password
        finally:
            db.session.remove()


def shutdown(app: Flask) -> None:
    """Close every pooled connection; the last SQLite close checkpoints the WAL."""
    from webapp.extensions import db

    with app.app_context():
        db.engine.dispose()
