from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import utcnow

if TYPE_CHECKING:
    from webapp.models.post import Post
    from webapp.models.reading import Reading
    from webapp.models.shelf import Shelf


class User(UserMixin, db.Model):
    """A person: the desktop's owner profile, a household profile, or a server account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Optional in desktop mode; unique when given (SQLite and PostgreSQL allow many NULLs).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    #: None until the profile sets a password (desktop profiles need none).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Part of the identity stored in the session cookie. Replacing it (sign-out,
    #: password change) makes every earlier cookie of this user worthless at once.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))

    readings: Mapped[list[Reading]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    posts: Mapped[list[Post]] = relationship(
        back_populates="author", cascade="all, delete-orphan", passive_deletes=True
    )
    shelves: Mapped[list[Shelf]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def get_id(self) -> str:
        """Flask-Login's "alternative token": id plus the revocable session token."""
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        self.session_token = secrets.token_hex(16)

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"
