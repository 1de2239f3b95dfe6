"""Accounts: creating, authenticating, signing in and out, deleting.

Routes, the CLI and the launcher all go through these functions, so the rules (unique
names, the password policy, session renewal) hold whichever door is used.
"""

from __future__ import annotations

import re
import time

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import func, select

from webapp.auth.passwords import hash_password, needs_rehash, verify_password
from webapp.extensions import db
from webapp.models import User
from webapp.models.user import desktop_owner
from webapp.security import launch_gate

#: A constant hash to verify against when the username is unknown, so an attacker
#: cannot tell "no such user" from "wrong password" by the time it takes.
_DUMMY_HASH: dict[str, str] = {}


class AccountError(ValueError):
    """A rule was broken; the message is for the person at the form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def username_taken(username: str, except_user: User | None = None) -> bool:
    found = find_user(username)
    return found is not None and found is not except_user


def email_taken(email: str, except_user: User | None = None) -> bool:
    found = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    return found is not None and found is not except_user


def create_account(
    username: str,
    password: str | None,
    display_name: str = "",
    email: str | None = None,
    is_admin: bool = False,
) -> User:
    username = username.strip()
    if username_taken(username):
        raise AccountError("This username is taken.", "username")
    if email and email_taken(email):
        raise AccountError("An account with this email exists.", "email")
    user = User(
        username=username,
        display_name=(display_name or "").strip(),
        email=(email or "").strip().lower() or None,
        password_hash=hash_password(password) if password else None,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str | None) -> None:
    """A new password, or none (a desktop profile without a lock), whoever sets it: the
    person, an administrator, the command line. Every session of the account ends, so
    whoever knew or used the old password is signed out everywhere."""
    user.password_hash = hash_password(password) if password else None
    user.end_all_sessions()


def authenticate(username: str, password: str) -> User | None:
    """The user if the password is right; upgrades an old hash while we have the password."""
    user = find_user(username)
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _dummy_hash() -> str:
    if "hash" not in _DUMMY_HASH:
        _DUMMY_HASH["hash"] = hash_password("not a real password, only for timing")
    return _DUMMY_HASH["hash"]


def start_session(user: User) -> None:
    """A new session for a new sign-in: nothing from before survives but the launch mark
    (desktop), so a planted cookie gains nothing (session fixation)."""
    launch = session.get("launch")
    session.clear()
    if launch is not None:
        session["launch"] = launch
    session.permanent = True
    session["signed_in_at"] = int(time.time())
    login_user(user)


def end_session(user: User | None) -> None:
    """Sign out: this cookie, and every other copy of this user's cookies, stop working."""
    if user is not None and user.is_authenticated:
        user.end_all_sessions()
    logout_user()
    launch = session.get("launch")
    session.clear()
    if launch is not None and launch_gate() is not None:
        session["launch"] = launch


def session_expired() -> bool:
    signed_in_at = session.get("signed_in_at")
    if signed_in_at is None:
        return True
    return time.time() - int(signed_in_at) > current_app.config["SESSION_ABSOLUTE_LIFETIME"]


def username_from_os(login_name: str) -> str:
    """The OS user name, made into a valid Shelfmark username."""
    cleaned = re.sub(r"[^\w.\-]+", "", login_name.strip()) or "reader"
    return cleaned[:64] if len(cleaned) >= 2 else f"{cleaned}-reader"


find_owner = desktop_owner  # the name the launcher and the sign-in code use


def ensure_owner(login_name: str) -> User:
    """Desktop first run: the owner profile, made from the OS user name, asking nothing."""
    owner = find_owner()
    if owner is None:
        owner = create_account(username_from_os(login_name), None, display_name=login_name, is_admin=True)
        db.session.commit()
    return owner


def delete_account(user: User) -> None:
    """Deletes the account with its posts, readings and shelves (the database cascades)."""
    if user.is_admin:
        admins = db.session.scalar(select(func.count(User.id)).where(User.is_admin.is_(True)))
        if admins <= 1 and user_count() > 1:
            raise AccountError("Make another account an administrator before deleting this one.")
    db.session.delete(user)
    db.session.commit()
