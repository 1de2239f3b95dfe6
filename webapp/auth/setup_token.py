"""Who may claim a fresh server: the person who started it.

A server with no accounts makes its first administrator only for someone who holds the
setup token, as Jupyter prints its token: ``serve`` prints a one-time link
(``/auth/setup?token=...``) on its terminal. The token lives in ``setup_token`` in the
data folder (mode 0600, beside ``secret_key``, which is as sensitive), so that every
worker of another WSGI server (gunicorn) sees the same token and an operator who never
saw our terminal can read it there; ``flask --app webapp users create NAME --admin`` is
the other way in. The token is 256 bits, compared in constant time, good once (the file
is removed by whoever redeems it first, across threads and processes), never logged,
and thrown away as soon as any account exists.

Redeeming the link only marks the browser's session (for ``SETUP_CLAIM_LIFETIME``) and
redirects to the bare ``/auth/setup``, so the token does not stay in the address bar or
history; that session may then fill in the administrator's form.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from pathlib import Path

from flask import Flask, session

SETUP_TOKEN_FILE = "setup_token"  # noqa: S105 - a file name, not a secret
SETUP_CLAIM = "setup_claimed_at"
#: How long a redeemed link lets its browser fill in the administrator's form.
SETUP_CLAIM_LIFETIME = 60 * 60
#: 32 random bytes: 256 bits, as the desktop launch secret.
TOKEN_BYTES = 32


def token_file(app: Flask) -> Path:
    return Path(app.config["DATA_DIR"]) / SETUP_TOKEN_FILE


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip() or None
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def ensure_setup_token(app: Flask) -> str:
    """The current token, made if there is none (``O_EXCL``: two workers that start at
    once end up with the same one)."""
    path = token_file(app)
    existing = _read(path)
    if existing is not None:
        return existing
    path.unlink(missing_ok=True)  # an empty or unreadable leftover
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path) or token
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token)
    return token


def redeem_setup_token(app: Flask, offered: str) -> bool:
    """True once for the right token; the file's removal decides who was first."""
    path = token_file(app)
    stored = _read(path)
    if stored is None or not hmac.compare_digest(offered.encode(), stored.encode()):
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False  # another request redeemed it a moment ago
    return True


def discard_setup_token(app: Flask) -> None:
    """An account exists (made by set-up or the CLI): no one needs the token any more."""
    token_file(app).unlink(missing_ok=True)


def claim_setup() -> None:
    session[SETUP_CLAIM] = int(time.time())


def holds_setup_claim() -> bool:
    claimed_at = session.get(SETUP_CLAIM)
    return isinstance(claimed_at, int) and 0 <= time.time() - claimed_at <= SETUP_CLAIM_LIFETIME


def setup_path(app: Flask) -> str | None:
    """The one-time set-up link's path for a server without accounts, else None (and the
    token, if one was left, is thrown away)."""
    from webapp.auth.accounts import user_count
    from webapp.extensions import db

    with app.app_context():
        try:
            if user_count() > 0:
                discard_setup_token(app)
                return None
        finally:
            db.session.remove()
    return f"/auth/setup?token={ensure_setup_token(app)}"
