"""One launch, start to finish: lock, log, migrate, serve, show, shut down.

Every resource taken here is released here, in reverse order, on every path out:
the window closing, SIGTERM/SIGINT, or an error the user must be told about.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from desktop import startup_gc
from desktop.instance_lock import AlreadyRunning, InstanceLock
from desktop.logs import configure_logging
from desktop.server import LocalServer

if TYPE_CHECKING:
    from flask import Flask

    from webapp.launch import LaunchSettings

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
    from webapp.launch import resolve_launch

    demo = bool(getattr(args, "demo", False))
    settings = resolve_launch(args.data_dir, demo=demo, gui=args.gui)
    data_dir = settings.make_data_dir()
    lock = InstanceLock(data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as running:
        complain(str(running))
        return EXIT_ALREADY_RUNNING
    try:
        log_file = configure_logging(settings.log_dir, args.verbose)
        log.info("Shelfmark starting with data in %s (log %s)", data_dir, log_file)
        return _serve_local(settings, lock, headless=args.headless, demo=demo)
    finally:
        lock.release()


class LocalLaunch:
    """The app and its server for one desktop launch, made once (``prepare``, which may
    run on the window's worker thread) and closed once (``close``, on the main thread)."""

    def __init__(self, settings: LaunchSettings, lock: InstanceLock, demo: bool) -> None:
        self.settings = settings
        self.data_dir = settings.data_dir
        self.lock = lock
        self.demo = demo
        self.app: Flask | None = None
        self.server: LocalServer | None = None
        self.url: str | None = None
        self._lock = threading.Lock()

    def prepare(self) -> str:
        """Create and migrate the app, start the server; the URL for the window.
        Raises the launch API's SchemaError for a library that cannot be opened."""
        with self._lock:
            if self.url is not None:
                return self.url
            try:
                return self._prepare()
            finally:
                startup_gc.resume()

    def _prepare(self) -> str:
        from webapp import create_app
        from webapp.launch import ensure_owner, fill_demo_library, upgrade_with_backup

        self.app = create_app({"MODE": "desktop"}, launch=self.settings)
        upgrade_with_backup(self.app)
        if self.demo and fill_demo_library(self.app):
            log.info("Filled the demo library in %s", self.data_dir)
        ensure_owner(self.app, getpass.getuser())
        self.server = LocalServer(self.app)
        self.server.start()
        self.lock.publish(url=self.server.url)
        self.url = entry_url(self.app, self.server)
        return self.url

    def close(self) -> None:
        with self._lock:  # waits for a prepare() still running on another thread
            if self.server is not None:
                self.server.stop()
            if self.app is not None:
                from webapp.launch import shutdown

                shutdown(self.app)
        log.info("Shelfmark stopped")


def exit_despite_stuck_threads(status: int, grace: float = 5.0) -> None:
    """Everything is closed and the lock released by now. If a toolkit thread is still
    waiting on a web view that no longer exists, Python would wait for it forever and
    the program would linger with no window; give such threads a moment, then leave."""
    lingering = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    deadline = time.monotonic() + grace
    for thread in lingering:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in lingering if t.is_alive()]
    if not stuck:
        return
    log.warning("Leaving although these threads did not finish: %s", ", ".join(stuck))
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(status)


def _serve_local(settings: LaunchSettings, lock: InstanceLock, headless: bool, demo: bool = False) -> int:
    from webapp.launch import SchemaError

    launch = LocalLaunch(settings, lock, demo)
    stop = threading.Event()
    try:
        with stop_signals(stop.set):
            if headless:
                say(launch.prepare())
                wait_until(stop)
            else:
                _show_window_or_browser(launch, stop)
    except SchemaError as problem:
        log.error("%s", problem)
        complain(str(problem))
        return EXIT_SCHEMA
    finally:
        launch.close()
    return EXIT_OK


def _show_window_or_browser(launch: LocalLaunch, stop: threading.Event) -> None:
    from desktop.window import GuiUnavailable, run_window
    from desktop.window_state import STATE_FILE

    try:
        size_file = launch.settings.settings_dir / STATE_FILE
        run_window(launch.prepare, gui=launch.settings.gui, stop=stop, size_file=size_file)
    except GuiUnavailable as reason:
        log.info("No window: %s", reason)
        url = launch.prepare()
        say(f"Shelfmark could not open its window ({reason}); opening it in your browser instead:")
        say(url)
        webbrowser.open(url)
        wait_until(stop)


def run_server(args: argparse.Namespace) -> int:
    from webapp import create_app
    from webapp.launch import SchemaError, resolve_launch, server_notes, shutdown, upgrade_with_backup

    settings = resolve_launch(args.data_dir)
    data_dir = settings.make_data_dir()
    configure_logging(settings.log_dir, args.verbose)
    app = create_app({"MODE": "server", "SERVER_HOST": args.host}, launch=settings)
    try:
        upgrade_with_backup(app)
    except SchemaError as problem:
        complain(str(problem))
        return EXIT_SCHEMA
    finally:
        startup_gc.resume()
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
            for line in server_notes(app, server.port):  # the set-up link: terminal only
                say(line)
            wait_until(stop)
    finally:
        server.stop()
        shutdown(app)
    return EXIT_OK
