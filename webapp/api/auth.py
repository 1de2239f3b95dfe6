"""Who is calling the API, and may they do this?

A request is authenticated by an API key (``X-API-Key`` or ``Authorization: Bearer``)
or, for the app's own pages, by the web session. A key in the request always wins: a
bad key is a 401 even when a session cookie came along, so a script never silently acts
as whoever is signed in. Session calls that change state must carry the CSRF token
(``X-CSRFToken``); key calls need none, since a key is not something a browser attaches
on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from apiflask import HTTPError
from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import update

from webapp.api.errors import abort
from webapp.api.keys import find_active_key
from webapp.database import SAFE_METHODS, writable
from webapp.extensions import csrf, db
from webapp.models import ApiKey, ApiScope, User
from webapp.models.common import utcnow

#: Last-used times are kept to the minute: reads stay reads, except once a minute per key.
LAST_USED_RESOLUTION = timedelta(minutes=1)
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="Shelfmark API"'}


@dataclass(frozen=True)
class Caller:
    user_id: int
    scopes: frozenset[str]
    #: "key" or "session"
    via: str
    key_id: str | None = None

    @property
    def user(self) -> User:
        user = db.session.get(User, self.user_id)
        assert user is not None  # the key or session was checked this request
        return user

    @property
    def rate_limit_key(self) -> str:
        return f"key:{self.key_id}" if self.key_id else f"user:{self.user_id}"


def presented_key() -> str | None:
    if "X-API-Key" in request.headers:
        return request.headers["X-API-Key"]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return token
    return None


def _touch(key: ApiKey) -> None:
    """Record use, at most once a minute, in its own short write transaction."""
    now = utcnow()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    key_pk = key.id
    db.session.commit()  # end the read transaction a GET runs in
    with writable():
        db.session.execute(update(ApiKey).where(ApiKey.id == key_pk).values(last_used_at=now))
        db.session.commit()


def _authenticate() -> Caller:
    presented = presented_key()
    if presented is not None:
        key = find_active_key(presented)
        if key is None:
            abort(401, "The API key is not valid or was revoked.", UNAUTHORIZED_HEADERS)
        caller = Caller(user_id=key.user_id, scopes=key.scope_set, via="key", key_id=key.key_id)
        _touch(key)
        return caller
    if current_user.is_authenticated:
        return Caller(
            user_id=current_user.id, scopes=frozenset({ApiScope.READ, ApiScope.WRITE}), via="session"
        )
    abort(401, "Send an API key in X-API-Key or Authorization: Bearer.", UNAUTHORIZED_HEADERS)


def authenticate() -> Caller:
    """The caller of this request (computed once; the rate limiter asks first)."""
    if "api_caller" not in g:
        g.api_caller = _authenticate()
    return g.api_caller


def caller() -> Caller:
    return authenticate()


def require_access() -> None:
    """The API blueprint's gate: who calls, may they write, and the CSRF check for sessions."""
    who = authenticate()
    if request.method in SAFE_METHODS:
        return
    if ApiScope.WRITE not in who.scopes:
        abort(403, "This API key may only read; create a key with the write scope.")
    if who.via == "session":
        try:
            csrf.protect()
        except CSRFError as error:
            abort(403, f"{error.description} Send the page's token in X-CSRFToken.")


def rate_limit_key() -> str:
    """Limits are per key (or per signed-in user); unauthenticated calls count per address."""
    try:
        return authenticate().rate_limit_key
    except HTTPError:  # the gate answers 401 right after
        g.pop("api_caller", None)
        return f"ip:{request.remote_addr}"
