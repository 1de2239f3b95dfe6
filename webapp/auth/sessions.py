"""Session lifetime and cookie policy.

Flask keeps the session in a signed cookie. We add what a server needs: an absolute
timeout (a sign-in never outlives SESSION_ABSOLUTE_LIFETIME), an idle timeout (the
cookie's own expiry, renewed on each request), revocation through the user's session
token (see User.get_id), and cookies that are Secure with the ``__Host-`` prefix when
the server is reached over TLS.

A response sets or replaces the cookie only for a request that may have a session: in
desktop mode one that carries this launch's mark, so a page elsewhere that sends the
browser to the app's address (401) cannot replace the window's cookie with an empty one
and sign it out; in either mode never an error answer to a request that came without a
session (an error page's CSRF meta tag would otherwise start one).
"""

from __future__ import annotations

from flask import Flask, Request, redirect, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.accounts import end_session, session_expired, user_count
from webapp.extensions import db
from webapp.security import holds_this_launch

SETUP_EXEMPT = frozenset({"auth.setup", "static", "main.healthz"})


class ShelfmarkSession(SecureCookieSession):
    #: Whether the request brought a valid, non-empty session cookie.
    from_cookie = False


class ShelfmarkSessionInterface(SecureCookieSessionInterface):
    """Secure, ``__Host-``-prefixed cookies when served over TLS in server mode, and no
    cookie for requests that may not have a session (see the module docstring)."""

    session_class = ShelfmarkSession

    def open_session(self, app: Flask, request: Request) -> ShelfmarkSession | None:
        session = super().open_session(app, request)
        if session is not None:
            session.from_cookie = bool(session)
        return session

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:
        if app.config["MODE"] == "desktop" and not holds_this_launch(session):
            return
        if response.status_code >= 400 and not getattr(session, "from_cookie", False):
            return
        super().save_session(app, session, response)

    def _secure(self, app: Flask) -> bool:
        if app.config["MODE"] == "desktop":
            return False
        setting = app.config["SECURE_COOKIES"]
        if setting == "auto":
            try:
                return request.is_secure
            except RuntimeError:  # outside a request
                return False
        return bool(setting)

    def get_cookie_secure(self, app: Flask) -> bool:
        return self._secure(app)

    def get_cookie_name(self, app: Flask) -> str:
        name = app.config["SESSION_COOKIE_NAME"]
        return f"__Host-{name}" if self._secure(app) else name


def init_app(app: Flask) -> None:
    app.session_interface = ShelfmarkSessionInterface()
    if app.config["MODE"] != "desktop":
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

    @app.before_request
    def _enforce_session_rules() -> Response | None:
        if current_user.is_authenticated and session_expired():
            end_session(current_user._get_current_object())
            db.session.commit()
            return redirect(
                url_for("auth.login", next=request.full_path if request.method == "GET" else None)
            )
        if (
            app.config["MODE"] != "desktop"
            and request.endpoint not in SETUP_EXEMPT
            and not request.path.startswith("/api/")
            and not _has_accounts()
        ):
            return redirect(url_for("auth.setup"))
        return None

    def _has_accounts() -> bool:
        """Counted once, then remembered: after the first account exists this check
        would otherwise cost a query on every request. (Should the last account be
        deleted, the sign-in page itself sends people to set-up again.)"""
        if not app.extensions.get("shelfmark_has_accounts"):
            app.extensions["shelfmark_has_accounts"] = user_count() > 0
        return app.extensions["shelfmark_has_accounts"]
