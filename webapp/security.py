"""Who may come in (SECURITY.md): host allowlist, the desktop launch gate, origin
checks on state changes, and the security headers on every response.

Order matters and is fixed here: the Host is checked before routing (DNS rebinding),
then an API key if one is sent, then the launch gate (desktop mode), then the Origin
of unsafe requests. Flask-WTF's
CSRF check runs after these, and its failures are answered as 403.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, HTTPException, Unauthorized

from webapp.database import SAFE_METHODS

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
GATE_KEY = "shelfmark_launch_gate"
#: Endpoints that answer without a launch session: health checks and the gate itself.
OPEN_ENDPOINTS = frozenset({"main.healthz", "auth.launch"})
API_PREFIX = "/api/v1"


@dataclass
class LaunchGate:
    """The per-launch secret that turns the window's first request into a session.

    The secret is compared in constant time, is good exactly once, and is forgotten as
    soon as it is used. ``launch_id`` marks sessions made by this launch, so a cookie
    from an earlier launch (same secret key on disk) gets nowhere."""

    port: int
    secret: str | None = field(default_factory=lambda: secrets.token_urlsafe(32))
    launch_id: str = field(default_factory=lambda: secrets.token_hex(16))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{host}" for host in self.allowed_hosts)

    def bootstrap_path(self) -> str:
        if self.secret is None:
            raise RuntimeError("The launch secret was already used.")
        return f"/auth/launch?token={self.secret}"

    def redeem(self, offered: str) -> bool:
        with self._lock:
            if self.secret is None:
                return False
            if not hmac.compare_digest(offered.encode(), self.secret.encode()):
                return False
            self.secret = None
            return True


def open_gate(app: Flask, port: int) -> LaunchGate:
    """Desktop mode: allow only this port's loopback hosts; returns the gate."""
    gate = LaunchGate(port=port)
    app.extensions[GATE_KEY] = gate
    return gate


def launch_gate(app: Flask | None = None) -> LaunchGate | None:
    return (app or current_app).extensions.get(GATE_KEY)


def is_desktop(app: Flask | None = None) -> bool:
    return (app or current_app).config["MODE"] == "desktop"


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def _check_host() -> None:
    if not is_desktop():
        return  # server mode: Flask's TRUSTED_HOSTS (settings) and the proxy decide
    gate = launch_gate()
    if gate is None or request.host not in gate.allowed_hosts:
        raise Forbidden("This address is not Shelfmark's.")


def _is_api_path() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _check_api_key() -> None:
    """On every /api/v1 path (the index and the OpenAPI document too), a key that is sent
    must be valid: 401 otherwise, in both modes. Without a key the API decides (its
    index and document are public in server mode; the desktop gate closes everything)."""
    if not _is_api_path():
        return
    from webapp.api.auth import authenticate, presented_key

    if presented_key() is not None:
        authenticate()  # raises the API's 401 problem for a wrong, revoked or empty key


def _carries_valid_api_key() -> bool:
    """Only after :func:`_check_api_key`, which refused a key that is not valid."""
    from webapp.api.auth import presented_key

    return _is_api_path() and presented_key() is not None


def holds_this_launch(data: Mapping[str, Any]) -> bool:
    """Desktop mode: does this session carry the mark of the current launch (set by
    :func:`webapp.auth.routes.launch` when the window redeemed the launch secret)?"""
    gate = launch_gate()
    return gate is not None and hmac.compare_digest(str(data.get("launch", "")), gate.launch_id)


def _check_launch_session() -> None:
    if not is_desktop() or request.endpoint in OPEN_ENDPOINTS:
        return
    if _carries_valid_api_key():
        return  # a valid key is as strong as the launch secret
    if not holds_this_launch(session):
        raise Unauthorized("Open Shelfmark from its own window.")


def _expected_origins() -> set[str]:
    gate = launch_gate()
    if is_desktop() and gate is not None:
        return set(gate.origins)
    return {request.host_url.rstrip("/")}


def _check_origin() -> None:
    """Browsers send Origin on cross-site and most same-site unsafe requests; when it is
    there it must be ours. ``Origin: null`` (sandboxed frames, file: pages) is refused."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site in ("cross-site", "same-site"):
        raise Forbidden("This request came from another site.")
    if origin is None or origin in _expected_origins():
        return
    # "null" is what a browser sends for a page whose referrer policy is no-referrer;
    # it is acceptable only when the browser itself vouches the request is same-origin
    # (Sec-Fetch-* cannot be set by scripts). A bare "Origin: null" is refused.
    if origin == "null" and fetch_site == "same-origin":
        return
    raise Forbidden("This request came from another site.")


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if not is_desktop() and request.is_secure:
        headers["Strict-Transport-Security"] = f"max-age={current_app.config['HSTS_MAX_AGE']}"
    if getattr(g, "no_store", False) or request.path.startswith("/auth/"):
        headers["Cache-Control"] = "no-store"
    return response


def _csrf_failure(error: CSRFError) -> HTTPException:
    """A missing or stale CSRF token is a refusal (403), not a malformed request."""
    forbidden = Forbidden(
        "This form has expired or came from elsewhere. Reload the page and try again; nothing was saved."
    )
    forbidden.__cause__ = error
    return forbidden


def init_app(app: Flask) -> None:
    @app.before_request
    def _guard() -> None:
        _check_host()
        _check_api_key()
        _check_launch_session()
        _check_origin()

    # Must run before Flask-WTF's own before_request hook: register it first.
    app.before_request_funcs.setdefault(None, []).insert(0, app.before_request_funcs[None].pop())

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return app.handle_http_exception(_csrf_failure(error))

    app.after_request(_security_headers)
