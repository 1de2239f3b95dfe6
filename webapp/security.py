"""Who may come in (docs/security.md): host allowlist, the desktop launch gate, origin
checks on state changes, and the security headers on every response.

Order matters and is fixed here: the Host is checked before routing (DNS rebinding),
then an API key if one is sent, then the launch gate (desktop mode), then the Origin
of unsafe requests. Flask-WTF's
CSRF check runs after these, and its failures are answered as 403.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, HTTPException, Unauthorized

from webapp.database import SAFE_METHODS, read_only, writable

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
GATE_KEY = "shelfmark_launch_gate"
SERVER_HOSTS_KEY = "shelfmark_server_hosts"
#: Served in server mode whatever TRUSTED_HOSTS says (no DNS-rebinding risk).
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - names, not a bind
_HOST_RE = re.compile(
    r"(?P<name>\.?[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{1,5}))?",
    re.ASCII | re.IGNORECASE,
)
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


def host_name(value: str) -> str | None:
    """The name in a ``Host`` value or URL authority, lowercased (an IPv6 address keeps
    its brackets, a trusted-hosts entry its leading dot); None if it is not one."""
    match = _HOST_RE.fullmatch(value.strip())
    if match is None or (match["port"] is not None and not 0 < int(match["port"]) < 65536):
        return None
    return match["name"].lower()


def bound_host_name(address: str | None) -> str | None:
    """The name a Host header has for the address ``serve --host`` bound to; None for a
    wildcard (0.0.0.0, ::), which no browser sends as a Host."""
    if not address or address.strip("[]") in WILDCARD_ADDRESSES:
        return None
    address = address.strip("[]")
    return host_name(f"[{address}]" if ":" in address else address)


def server_hosts(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The names server mode answers to: loopback, the bound address, TRUSTED_HOSTS.

    Loopback names and the bound address are no DNS-rebinding risk (rebinding needs a
    name the attacker controls); any other name must be listed. A string is a comma-separated
    list (``SHELFMARK_TRUSTED_HOSTS=books.example.org``)."""
    trusted = config.get("TRUSTED_HOSTS") or []
    if isinstance(trusted, str):
        trusted = trusted.split(",")
    names = [*LOOPBACK_NAMES, bound_host_name(config.get("SERVER_HOST")), *map(host_name, map(str, trusted))]
    return tuple(dict.fromkeys(name for name in names if name))


def _name_is_listed(name: str, listed: tuple[str, ...]) -> bool:
    """Flask's notation: ``.example.org`` is example.org and every name under it."""
    return any(
        name == ref or (ref.startswith(".") and (name.endswith(ref) or name == ref[1:])) for ref in listed
    )


def is_our_host(host: str) -> bool:
    """Desktop: exactly the gate's loopback host and port. Server: a listed name, any port."""
    if is_desktop():
        gate = launch_gate()
        return gate is not None and host.strip().lower() in gate.allowed_hosts
    name = host_name(host)
    return name is not None and _name_is_listed(name, current_app.extensions[SERVER_HOSTS_KEY])


def absolute_form_authority(environ: Mapping[str, Any]) -> str | None:
    """The authority of an absolute-form request target (``GET http://host/ HTTP/1.1``),
    which HTTP/1.1 says wins over Host; None for the usual origin-form (``/path``).

    Servers keep the raw target: waitress and Werkzeug in ``REQUEST_URI``, gunicorn in
    ``RAW_URI``; both give PATH_INFO without the authority and leave Host as sent."""
    target = str(environ.get("REQUEST_URI") or environ.get("RAW_URI") or "/")
    if target.startswith("/") or target == "*":
        return None
    return urlsplit(target).netloc  # "" (refused) for a target that is neither form


def _check_host() -> None:
    """Before routing, in both modes: a Host (or absolute-form target) that is not ours is
    refused, so a page on a rebound name never reaches the app (DNS rebinding)."""
    if not is_our_host(request.host):
        raise Forbidden(_not_ours())
    authority = absolute_form_authority(request.environ)
    if authority is not None and not is_our_host(authority):
        raise Forbidden(_not_ours())


def _not_ours() -> str:
    if is_desktop():
        return "This address is not Shelfmark's."
    return (
        "This server does not answer to this address. "
        "Its administrator can add the name to trusted_hosts in settings.toml."
    )


def _is_api_path() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _check_api_key() -> None:
    """On every /api/v1 path (the index and the OpenAPI document too), a key that is sent
    must be valid: 401 otherwise, in both modes. Without a key the API decides (its
    index and document are public in server mode; the desktop gate closes everything)."""
    if not _is_api_path():
        return
    from webapp.api.auth import authenticate, presented_key

    if presented_key() is None:
        return
    # This runs before read_only_requests marks the request: say here whether the
    # lookup's transaction may write (a GET's must not take SQLite's write lock).
    with read_only() if request.method in SAFE_METHODS else writable():
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
    # A view may widen the policy for its own response alone (the API docs' data: icons)
    # by naming the directives in g.csp_additions; it never replaces the policy.
    additions = getattr(g, "csp_additions", None)
    policy = f"{CONTENT_SECURITY_POLICY}; {additions}" if additions else CONTENT_SECURITY_POLICY
    headers.setdefault("Content-Security-Policy", policy)
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
    """Called first by ``create_app``, so this guard is the first before_request hook:
    nothing else (CSRF, sessions, routes) runs for a request it turns away."""
    # Server mode's host allowlist is checked in _check_host, as a 403 before routing.
    # Flask's own TRUSTED_HOSTS check would answer 400 from inside the request context's
    # set-up, leaving no URL adapter for the error page (a 500): it is turned off.
    app.extensions[SERVER_HOSTS_KEY] = server_hosts(app.config)
    app.config["TRUSTED_HOSTS"] = None

    @app.before_request
    def _guard() -> None:
        _check_host()
        _check_api_key()
        _check_launch_session()
        _check_origin()

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return app.handle_http_exception(_csrf_failure(error))

    app.after_request(_security_headers)
