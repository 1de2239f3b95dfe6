"""``shelfmark --self-test``: prove a build works on the machine it was built for.

A frozen bundle can import fine and still be broken: a template, a static file or a
migration script left out only shows when a page is asked for. So the self-test does
what a launch does, end to end, on a throwaway library: migrate, start the local
server, enter through the same URL the window is given (the launch gate's entry), and
fetch each page in :data:`PAGES` with the cookies that entry set. Exit 0 only if every
step succeeded.
"""

from __future__ import annotations

import logging
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

from desktop.launcher import EXIT_ERROR, EXIT_OK, complain, entry_url, say
from desktop.logs import FILE_ONLY, configure_logging
from desktop.server import LocalServer
from webapp.launch import AlreadyRunning, InstanceLock

if TYPE_CHECKING:
    from webapp.launch import LaunchSettings

log = logging.getLogger(__name__)

#: What a working build must serve after entering: a rendered template, the health
#: check, the API, and a static file. Add pages here as the app grows.
PAGES: tuple[str, ...] = (
    "/",
    "/healthz",
    "/library",
    "/shelves",
    "/journal",
    "/dashboard",
    "/search?q=self+test",
    "/settings/",
    "/about",
    "/api/v1/me",
    "/api/v1/books?per_page=5",
    "/api/v1/openapi.json",
    "/api/docs/",
    "/static/css/shelfmark.css",
)

REQUEST_TIMEOUT = 10.0


class CheckFailed(Exception):
    """One step of the self-test went wrong; the message says which and how."""


@contextmanager
def _library(data_dir: str | None) -> Iterator[Path]:
    """The library to test on: the one asked for (kept, for inspecting its log) or a
    temporary one that is removed afterwards."""
    if data_dir:
        path = Path(data_dir).expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="shelfmark-self-test-") as scratch:
        path = Path(scratch) / "library"
        path.mkdir()
        yield path


def fetch(opener: urllib.request.OpenerDirector, url: str, shown: str | None = None) -> tuple[int, int]:
    """GET ``url`` following redirects; the final status and body size, or CheckFailed
    whose message names the URL as ``shown`` (the entry URL's secret must not reach the
    report or the log)."""
    shown = shown or url
    try:
        with opener.open(url, timeout=REQUEST_TIMEOUT) as response:
            body = response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise CheckFailed(f"GET {shown} answered {error.code} {error.reason}") from error
    except OSError as error:
        raise CheckFailed(f"GET {shown} failed: {error}") from error
    if not 200 <= status < 300:
        raise CheckFailed(f"GET {shown} answered {status}")
    return status, len(body)


def check_covers() -> str:
    """Every cover format we accept still decodes: a bundle that left out a codec's
    library (they are trimmed in app.spec) would otherwise refuse uploads only."""
    import io

    from PIL import Image

    from webapp.covers import ALLOWED_FORMATS, InvalidCover, read_cover

    for kind, extension in ALLOWED_FORMATS.items():
        sample = io.BytesIO()
        try:
            Image.new("RGB", (16, 24), (46, 94, 78)).save(sample, kind)
            sample.seek(0)
            _, found = read_cover(sample, max_bytes=1024 * 1024)
        except (OSError, KeyError, InvalidCover) as problem:
            raise CheckFailed(f"covers: {kind} does not work in this build ({problem})") from problem
        if found != extension:
            raise CheckFailed(f"covers: a {kind} image was read as {found}")
    return f"ok   covers: {', '.join(ALLOWED_FORMATS)} decode"


def check_server(app: Flask, server: LocalServer, pages: tuple[str, ...] = PAGES) -> list[str]:
    """Enter like the window does, then fetch every page in the same cookie session."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    report = []
    entry = entry_url(app, server)
    steps = [("enter", entry)] + [("page ", server.url + page) for page in pages]
    for what, url in steps:
        shown = "/auth/launch?token=…" if url == entry else url.removeprefix(server.url)
        status, size = fetch(opener, url, shown)
        report.append(f"ok   {what} GET {shown} -> {status} ({size} bytes)")
    return report


def run_self_test(data_dir: str | None = None, verbose: bool = False) -> int:
    """Run every check on ``data_dir`` (default: a temporary library); 0 if all passed."""
    started = time.perf_counter()
    with _library(data_dir) as library:
        lock = InstanceLock(library)
        try:
            lock.acquire()
        except AlreadyRunning as running:
            complain(f"self-test FAILED: {running}")
            return EXIT_ERROR
        try:
            from webapp.launch import resolve_launch

            settings = resolve_launch(library)
            configure_logging(settings.log_dir, verbose)
            check_library(settings)
        except CheckFailed as problem:
            log.error("Self-test failed: %s", problem, extra=FILE_ONLY)
            complain(f"self-test FAILED: {problem}")
            return EXIT_ERROR
        finally:
            lock.release()
    say(f"self-test passed in {time.perf_counter() - started:.2f} s")
    return EXIT_OK


def check_library(settings: LaunchSettings) -> None:
    """Migrate a library, serve it, and check the pages; raises CheckFailed."""
    from webapp import create_app
    from webapp.launch import SchemaError, ensure_owner, shutdown, upgrade_with_backup

    library = settings.data_dir
    app = create_app({"MODE": "desktop"}, launch=settings)
    try:
        try:
            upgrade_with_backup(app)
        except SchemaError as problem:
            raise CheckFailed(f"migrations: {problem}") from problem
        database = library / "shelfmark.db"
        if not database.is_file():
            raise CheckFailed(f"the migrations did not create {database}")
        say(f"ok   migrations applied to {database}")
        say(check_covers())
        ensure_owner(app, "self-test")
        server = LocalServer(app)
        server.start()
        try:
            for line in check_server(app, server):
                say(line)
        finally:
            server.stop()
    finally:
        shutdown(app)
