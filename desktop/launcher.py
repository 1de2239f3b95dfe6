"""One launch, start to finish: lock, log, migrate, serve, show, shut down.

Every resource taken here is released here, in reverse order, on every path out:
the window closing, SIGTERM/SIGINT, or an error the user must be told about.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.instance_lock import AlreadyRunning, InstanceLock
from desktop.logs import configure_logging
from desktop.server import LocalServer

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_SCHEMA = 2
EXIT_ALREADY_RUNNING = 3


def say(message: str) -> None:
    """One line for the person at the terminal (stdout may be None when windowed)."""
    if sys.stdout is not None:
        print(message, flush=True)


def complain(message: str) -> None:
    """One line on stderr, which a windowed build has none of (PyInstaller sets it to None)."""
    if sys.stderr is not None:
        print(message, file=sys.stderr, flush=True)


def entry_url(app: Flask, server: LocalServer) -> str:
    """The one URL the window (and the frozen self-test) opens first: the launch gate's
    one-time bootstrap URL with this launch's secret. Never logged (SECURITY.md)."""
    from webapp.launch import open_desktop_gate

    return server.url + open_desktop_gate(app, server.port)


@contextmanager
def stop_signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """Route SIGTERM and SIGINT (and SIGHUP where it exists) to ``on_stop``."""
    wanted = [signal.SIGTERM, signal.SIGINT] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.getsignal(sig) for sig in wanted}
    for sig in wanted:
        signal.signal(sig, lambda _signum, _frame: on_stop())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def wait_until(stop: threading.Event) -> None:
    while not stop.wait(0.5):
        pass


def run_desktop(args: argparse.Namespace) -> int:
    from webapp.launch import data_dir_for, data_dir_was_chosen, demo_data_dir, launcher_setting, log_dir_for

    demo = bool(getattr(args, "demo", False))
    data_dir = demo_data_dir() if demo and not args.data_dir else data_dir_for(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as running:
        complain(str(running))
        return EXIT_ALREADY_RUNNING
    try:
        chosen = demo or data_dir_was_chosen(args.data_dir)
        log_file = configure_logging(log_dir_for(data_dir, chosen), args.verbose)
        log.info("Shelfmark starting with data in %s (log %s)", data_dir, log_file)
        gui = args.gui or launcher_setting("GUI") or "gtk"
        return _serve_local(data_dir, lock, headless=args.headless, gui=str(gui), demo=demo)
    finally:
        lock.release()


def _serve_local(data_dir: Path, lock: InstanceLock, headless: bool, gui: str, demo: bool = False) -> int:
    from webapp import create_app
    from webapp.launch import (
        SchemaError,
        ensure_owner,
        fill_demo_library,
        shutdown,
        upgrade_with_backup,
    )

    app = create_app({"DATA_DIR": str(data_dir), "MODE": "desktop"})
    try:
        upgrade_with_backup(app)
    except SchemaError as problem:
        log.error("%s", problem)
        complain(str(problem))
        return EXIT_SCHEMA
    if demo and fill_demo_library(app):
        log.info("Filled the demo library in %s", data_dir)
    ensure_owner(app, getpass.getuser())

    stop = threading.Event()
    server = LocalServer(app)
    server.start()
    try:
        with stop_signals(stop.set):
            lock.publish(url=server.url)
            url = entry_url(app, server)
            if headless:
                say(url)
                wait_until(stop)
            else:
                _show_window_or_browser(url, gui, stop)
    finally:
        server.stop()
        shutdown(app)
        log.info("Shelfmark stopped")
    return EXIT_OK


def _show_window_or_browser(url: str, gui: str, stop: threading.Event) -> None:
    from desktop.window import GuiUnavailable, run_window

    try:
        run_window(url, gui=gui, stop=stop)
    except GuiUnavailable as reason:
        log.info("No window: %s", reason)
        say(f"Shelfmark could not open its window ({reason}); opening it in your browser instead:")
        say(url)
        webbrowser.open(url)
        wait_until(stop)


def run_server(args: argparse.Namespace) -> int:
    from webapp import create_app
    from webapp.launch import (
        SchemaError,
        data_dir_for,
        data_dir_was_chosen,
        log_dir_for,
        shutdown,
        upgrade_with_backup,
    )

    chosen = args.serve_data_dir or args.data_dir
    data_dir = data_dir_for(chosen)
    data_dir.mkdir(parents=True, exist_ok=True)
    configure_logging(log_dir_for(data_dir, data_dir_was_chosen(chosen)), args.verbose)
    app = create_app({"DATA_DIR": str(data_dir), "MODE": "server"})
    try:
        upgrade_with_backup(app)
    except SchemaError as problem:
        complain(str(problem))
        return EXIT_SCHEMA
    server = LocalServer(app, host=args.host, port=args.port, threads=args.threads)
    try:
        server.start()
    except OSError as error:
        complain(f"Cannot listen on {args.host}:{args.port}: {error.strerror or error}")
        return EXIT_ERROR
    stop = threading.Event()
    try:
        with stop_signals(stop.set):
            version = app.config["VERSION"]
            say(f"Shelfmark {version} serving on {server.url}/ (data in {data_dir}); Ctrl+C stops.")
            wait_until(stop)
    finally:
        server.stop()
        shutdown(app)
    return EXIT_OK
