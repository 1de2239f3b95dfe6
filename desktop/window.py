"""The pywebview window: the only way a person sees the desktop app.

GTK with the system's WebKitGTK is the Linux default (native, small bundle); Qt is a
choice (``--gui qt`` or ``SHELFMARK_GUI=qt``). File URLs are off, external links go to
the system browser, and no JavaScript API is exposed to the page (docs/security.md, "The desktop").
"""

from __future__ import annotations

import html
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.logs import FILE_ONLY
from desktop.window_state import load_window_size, save_window_size

log = logging.getLogger(__name__)

TITLE = "Shelfmark"
#: The window icon; GTK scales the SVG itself, so one file serves every size.
ICON = ("webapp", "static", "img", "shelfmark.svg")
DEFAULT_SIZE = (1200, 800)
MIN_SIZE = (720, 480)


class GuiUnavailable(Exception):
    """No window toolkit could start; the message says which and why, in one line."""


def _import_webview() -> Any:
    try:
        import webview
    except Exception as error:  # ImportError, or a backend failing while importing
        raise GuiUnavailable(f"pywebview is not installed: {error}") from error
    return webview


def _configure(webview: Any) -> None:
    webview.settings["ALLOW_FILE_URLS"] = False
    webview.settings["OPEN_EXTERNAL_LINKS_IN_BROWSER"] = True
    webview.settings["ALLOW_DOWNLOADS"] = False
    webview.settings["SHOW_DEFAULT_MENUS"] = False
    webview.settings["OPEN_DEVTOOLS_IN_DEBUG"] = False


def _menus(webview: Any, window: Any) -> list[Any]:
    from webview.menu import Menu, MenuAction, MenuSeparator

    base = window.get_current_url

    def go(path: str) -> Any:
        def navigate() -> None:
            current = base() or ""
            origin = "/".join(current.split("/")[:3])
            if origin.startswith("http://127.0.0.1:"):
                window.load_url(origin + path)

        return navigate

    return [
        Menu(
            "Shelfmark",
            [
                MenuAction("Home", go("/")),
                MenuSeparator(),
                MenuAction("Quit", window.destroy),
            ],
        ),
        Menu("Help", [MenuAction("About Shelfmark", go("/about"))]),
    ]


def _icon(gui: str) -> str | None:
    """Found through ``resource_path`` so a bundle and a checkout agree on where it is.

    GTK reads the SVG through gdk-pixbuf's SVG loader (librsvg), which distributions
    only recommend; without it pywebview's ``set_icon_from_file`` fails and the window
    never starts. So a window without its icon beats no window: ask first."""
    from desktop.paths import resource_path

    icon = resource_path(*ICON)
    if not icon.is_file():
        return None
    if gui == "gtk" and not _gtk_reads_image(icon):
        log.warning(
            "GTK cannot read the window icon %s (is gdk-pixbuf's SVG loader, librsvg2-common, "
            "installed?); the window opens without it",
            icon,
        )
        return None
    return str(icon)


def _gtk_reads_image(path: Path) -> bool:
    try:
        import gi

        gi.require_version("GdkPixbuf", "2.0")
        from gi.repository import GdkPixbuf, GLib
    except (ImportError, ValueError):
        return False
    try:
        GdkPixbuf.Pixbuf.new_from_file(str(path))
    except GLib.Error:
        return False
    return True


def _check_display(gui: str) -> None:
    """GTK and Qt end the whole process when they cannot reach a display; ask first."""
    if sys.platform != "linux":
        return
    if gui == "gtk":
        try:
            import gi

            gi.require_version("Gtk", "3.0")
            from gi.repository import Gtk
        except (ImportError, ValueError) as error:
            raise GuiUnavailable(f"GTK is not available: {error}") from error
        if not Gtk.init_check()[0]:
            raise GuiUnavailable("GTK cannot open the display")
    elif not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise GuiUnavailable("there is no display to open a window on")
    if gui == "qt" and hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root; only then do we turn it off.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


#: Shown the moment the window appears, while the library opens behind it. Not served
#: by our server (no CSP applies); nothing in it runs.
OPENING_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Shelfmark</title></head>
<body style="margin:0;height:100vh;display:flex;align-items:center;justify-content:center;
background:#faf7f0;color:#5c6661;font:16px system-ui,sans-serif">Opening your library…</body></html>"""

ERROR_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Shelfmark</title></head>
<body style="margin:0;padding:3rem;background:#faf7f0;color:#1f2421;font:16px/1.5 system-ui,sans-serif">
<h1 style="font-size:1.4rem">Shelfmark could not open your library</h1><p>{message}</p>
<p style="color:#5c6661">Close this window to quit.</p></body></html>"""


def run_window(
    prepare: Callable[[], str],
    gui: str = "gtk",
    stop: threading.Event | None = None,
    size_file: Path | None = None,
) -> None:
    """Open the window at once, and load the app when ``prepare()`` returns its URL.

    ``prepare`` (create the app, migrate, start the server) runs in pywebview's worker
    thread while the toolkit and the web engine start in this one: the two halves of
    start-up overlap instead of queueing. If it raises, the window says why and stays
    until it is closed; the exception is re-raised here afterwards. Blocks until the
    window is closed or ``stop`` is set by SIGTERM/SIGINT (the handlers are ours while
    the window is up). With ``size_file`` the window opens at the size it last closed at."""
    stop = stop or threading.Event()
    size = load_window_size(size_file, DEFAULT_SIZE, MIN_SIZE) if size_file else DEFAULT_SIZE
    _check_display(gui)
    webview = _import_webview()
    _configure(webview)
    window = webview.create_window(
        TITLE,
        html=OPENING_PAGE,
        width=size[0],
        height=size[1],
        min_size=MIN_SIZE,
        text_select=True,
        background_color="#FAF7F0",
    )
    if window is None:
        raise GuiUnavailable("pywebview returned no window")
    app_url: list[str] = []
    failure: list[BaseException] = []

    def loaded() -> None:
        if app_url:  # not the opening page
            log.info("Window loaded a page")
        elif failure:
            log.info("Window shows why the library could not open")
        else:
            log.info("Window on screen")

    def load_the_app() -> None:
        try:
            url = prepare()
        except BaseException as problem:  # shown in the window, re-raised after it closes
            failure.append(problem)
            log.error("Start-up failed: %s", problem, extra=FILE_ONLY)
            window.events.loaded.wait(15)  # as below: never navigate mid-load
            window.load_html(ERROR_PAGE.format(message=html.escape(str(problem))))
            return
        # Navigate only once the opening page has finished loading: pywebview injects
        # its bridge on every load, and a navigation in the middle of that leaves its
        # evaluation waiting for an answer forever (a thread that then blocks exit).
        window.events.loaded.wait(15)
        app_url.append(url)
        if not stop.is_set():
            window.load_url(url)

    last_size = [size]

    def resized(width: int, height: int) -> None:
        last_size[0] = (width, height)

    window.events.loaded += loaded
    window.events.resized += resized
    window.events.closed += lambda: log.info("Window closed")

    closing = threading.Event()

    def close_window(_signum: int = 0, _frame: Any = None) -> None:
        stop.set()
        if not closing.is_set():
            closing.set()
            log.info("Closing the window on a stop signal")
            # destroy() waits for the window to be shown; never block the GUI thread on it.
            threading.Thread(target=window.destroy, daemon=True).start()

    # Plain handlers in the main thread before start(): PyGObject wakes its loop for
    # Python signals, so they run at once, even before the window is on screen.
    previous = {sig: signal.signal(sig, close_window) for sig in (signal.SIGTERM, signal.SIGINT)}
    if stop.is_set():
        close_window()
    try:
        webview.start(load_the_app, gui=gui, private_mode=True, menu=_menus(webview, window), icon=_icon(gui))
    except GuiUnavailable:
        raise
    except Exception as error:
        raise GuiUnavailable(f"the {gui} window toolkit could not start: {error}") from error
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if size_file is not None and last_size[0] != size:
        save_window_size(size_file, last_size[0])
    if failure:
        raise failure[0]
