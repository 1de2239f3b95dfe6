"""API keys: how scripts act as a user without a session (docs/security.md, "API keys").

A key reads ``shm_<key_id>_<secret>``. ``key_id`` is public (shown in the settings page,
used to find the row); only a SHA-256 of the 256-bit random secret is stored. A slow
password hash would add nothing for a secret of that entropy and would make every API
call pay for it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import utcnow

if TYPE_CHECKING:
    from webapp.models.user import User


class ApiScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class ApiKey(db.Model):
    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("scopes IN ('read', 'read write')", name="scopes"),
        CheckConstraint("length(secret_hash) = 64", name="secret_hash_length"),
        Index("ix_api_keys_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The public part of the key, also its visible prefix: ``shm_<key_id>_``.
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    #: Hex SHA-256 of the secret part; the key itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    #: Space-separated, always including "read": "read" or "read write".
    scopes: Mapped[str] = mapped_column(String(20), default="read")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def prefix(self) -> str:
        return f"shm_{self.key_id}_"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiKey {self.prefix} {self.name!r}>"
