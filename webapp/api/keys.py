"""API keys as a domain: make one, find one from what a client sent, revoke one.

Format: ``shm_<key_id>_<secret>``. ``shm_`` makes a leaked key recognisable to people and
secret scanners; ``key_id`` (8 hex characters, public) finds the row with one indexed
lookup; ``secret`` is 256 random bits, stored only as its SHA-256 and compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ApiKey, ApiScope, User
from webapp.models.common import utcnow

KEY_PATTERN = re.compile(r"shm_(?P<key_id>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def scopes_value(scopes: Iterable[str]) -> str:
    """Write implies read: a key can always read what it may change."""
    chosen = {ApiScope(scope) for scope in scopes} | {ApiScope.READ}
    return "read write" if ApiScope.WRITE in chosen else "read"


def create_api_key(user: User, name: str, scopes: Iterable[str]) -> tuple[ApiKey, str]:
    """Add a key for ``user``; returns the row and the full key, which is never seen again."""
    while True:
        key_id = secrets.token_hex(4)
        if db.session.scalar(select(ApiKey.id).where(ApiKey.key_id == key_id)) is None:
            break
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        user_id=user.id,
        key_id=key_id,
        secret_hash=hash_secret(secret),
        name=name.strip(),
        scopes=scopes_value(scopes),
    )
    db.session.add(key)
    return key, f"shm_{key_id}_{secret}"


def find_active_key(presented: str) -> ApiKey | None:
    """The active key ``presented`` stands for, or None (malformed, unknown, wrong or revoked)."""
    match = KEY_PATTERN.fullmatch(presented.strip())
    if not match:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_id == match["key_id"]))
    if key is None:
        hmac.compare_digest(hash_secret(match["secret"]), "0" * 64)  # same work either way
        return None
    if not hmac.compare_digest(hash_secret(match["secret"]), key.secret_hash):
        return None
    return key if key.is_active else None


def keys_of(user: User) -> list[ApiKey]:
    return list(
        db.session.scalars(select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at.desc()))
    )


def revoke(key: ApiKey) -> None:
    """Revoked at once: the next request with it gets 401. The row stays, for the record."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
