"""Behind a reverse proxy (server mode): which X-Forwarded-* headers to believe.

Only as many hops as ``PROXY_COUNT`` says are trusted (Werkzeug's ProxyFix); with the
default 0 the headers are ignored, so nobody can claim another address or scheme by
sending them (waitress also drops them: ``clear_untrusted_proxy_headers``)."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = int(app.config["PROXY_COUNT"] or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
