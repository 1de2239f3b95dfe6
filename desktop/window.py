"""The pywebview window: the only way a person sees the desktop app.

GTK with the system's WebKitGTK is the Linux default (native, small bundle); Qt is a
choice (``--gui qt`` or ``SHELFMARK_GUI=qt``). File URLs are off, external links go to
the system browser, and no JavaScript API is exposed to the page (SECURITY.md, 7).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Any

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


def _icon() -> str | None:
    """Found through ``resource_path`` so a bundle and a checkout agree on where it is."""
    from desktop.paths import resource_path

    icon = resource_path(*ICON)
    return str(icon) if icon.is_file() else None


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


def run_window(
    url: str, gui: str = "gtk", stop: threading.Event | None = None, size: tuple[int, int] = DEFAULT_SIZE
) -> None:
    """Open the window on ``url`` and block until it is closed or ``stop`` is set by a
    SIGTERM/SIGINT (the handlers are ours while the window is up)."""
    stop = stop or threading.Event()
    _check_display(gui)
    webview = _import_webview()
    _configure(webview)
    window = webview.create_window(
        TITLE,
        url,
        width=size[0],
        height=size[1],
        min_size=MIN_SIZE,
        text_select=True,
        background_color="#FAF7F0",
    )
    if window is None:
        raise GuiUnavailable("pywebview returned no window")
    window.events.loaded += lambda: log.info("Window loaded a page")
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
        webview.start(gui=gui, private_mode=True, menu=_menus(webview, window), icon=_icon())
    except GuiUnavailable:
        raise
    except Exception as error:
        raise GuiUnavailable(f"the {gui} window toolkit could not start: {error}") from error
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
