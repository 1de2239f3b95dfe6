"""Where to go after signing in: the page that asked, if it is one of ours.

:func:`is_local_path` is the one check of a return address (``next=``); every route
that honours one asks it.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import url_for
from werkzeug.routing import BuildError


def is_local_path(target: str | None) -> bool:
    """Only paths on this site, and nothing a browser could read as another site.

    Browsers read a backslash as a slash and drop tabs and newlines inside a URL, so
    ``/\\evil`` and ``/<tab>/evil`` both become the protocol-relative ``//evil``. Control
    characters are refused outright (a newline would also split the Location header),
    and the path is checked once more percent-decoded, so that nothing which decodes
    it on the way (a proxy) can turn ``/%2F/evil`` into ``//evil``."""
    if not target or not target.startswith("/"):
        return False
    parts = urlsplit(target)
    path = unquote(parts.path)
    return not (
        parts.scheme
        or parts.netloc
        or target.startswith("//")
        or path.startswith("//")
        or "\\" in target
        or "\\" in path
        or any(unicodedata.category(char) == "Cc" for char in target + path)
    )


def home_after_sign_in() -> str:
    for endpoint in ("journal.dashboard", "main.index"):
        try:
            return url_for(endpoint)
        except BuildError:
            continue
    return "/"


def next_or_home(target: str | None) -> str:
    return target if is_local_path(target) else home_after_sign_in()
