from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ColumnElement, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.common import enum_check, enum_column_type, utcnow
from webapp.models.post import Visibility

if TYPE_CHECKING:
    from webapp.models.post import Post
    from webapp.models.reading import Reading
    from webapp.models.shelf import Shelf


class Role(enum.StrEnum):
    """What a person may do to the shared catalogue (webapp/permissions.py).

    Everyone adds books and keeps their own readings, posts and shelves; an editor also
    edits and deletes books other people have readings or posts on; an administrator is
    an editor who also manages accounts and roles."""

    ADMIN = "admin"
    EDITOR = "editor"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return {"admin": "Administrator", "editor": "Editor", "member": "Member"}[self.value]


class User(UserMixin, db.Model):
    """A person: the desktop's owner profile, a household profile, or a server account."""

    __tablename__ = "users"
    __table_args__ = (
        enum_check("role", Role, "role"),
        enum_check("reading_visibility", Visibility, "reading_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Optional in desktop mode; unique when given (SQLite and PostgreSQL allow many NULLs).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    #: None until the profile sets a password (desktop profiles need none).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(enum_column_type(Role), default=Role.MEMBER)
    #: Who sees a new reading of this person's unless they choose otherwise on it. Private,
    #: as a new post is: nothing of anyone's is shown to others until they say so.
    reading_visibility: Mapped[str] = mapped_column(enum_column_type(Visibility), default=Visibility.PRIVATE)
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

    @hybrid_property
    def is_admin(self) -> bool:
        """``role == "admin"``, kept under its old name: accounts, setup and the CLI
        (and SQL such as ``order_by(User.is_admin.desc())``) speak of administrators."""
        return self.role == Role.ADMIN

    @is_admin.inplace.setter
    def _is_admin_setter(self, value: bool) -> None:
        if value:
            self.role = Role.ADMIN
        elif self.role in (None, Role.ADMIN):
            self.role = Role.MEMBER

    @is_admin.inplace.expression
    @classmethod
    def _is_admin_expression(cls) -> ColumnElement[bool]:
        return cls.role == Role.ADMIN

    @property
    def curates(self) -> bool:
        """An editor or administrator: may change and delete any book of the catalogue."""
        return self.role in (Role.ADMIN, Role.EDITOR)

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


def desktop_owner() -> User | None:
    """The desktop library's owner: its first administrator (the first profile made)."""
    from sqlalchemy import select

    return db.session.scalar(select(User).order_by(User.is_admin.desc(), User.id).limit(1))
