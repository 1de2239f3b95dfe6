"""Where to go after signing in: the page that asked, if it is one of ours."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for
from werkzeug.routing import BuildError


def is_local_path(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no protocol-relative ``//evil``,
    no backslash tricks that some browsers read as a slash."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def home_after_sign_in() -> str:
    for endpoint in ("journal.dashboard", "main.index"):
        try:
            return url_for(endpoint)
        except BuildError:
            continue
    return "/"


def next_or_home(target: str | None) -> str:
    return target if is_local_path(target) else home_after_sign_in()
