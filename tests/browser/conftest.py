"""Real Chromium (Debian's, through Playwright) against the app on a real waitress."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from desktop.server import LocalServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def serve() -> Iterator[object]:
    """Start an app (or any WSGI callable) on 127.0.0.1:0; stopped after the test."""
    servers: list[LocalServer] = []

    def start(app: object) -> LocalServer:
        server = LocalServer(app, threads=4)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
