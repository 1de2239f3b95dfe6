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
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import startup_gc
from desktop.logs import FILE_ONLY, LogStream, configure_logging
from desktop.server import LocalServer
from webapp.launch import AlreadyRunning, InstanceLock
from webapp.schema_errors import SchemaError

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


def show_secret(line: str, terminal_only: bool = False) -> bool:
    """Print a line that carries the launch secret, but only to a real stdout: a
    windowed build's stdout is a LogStream into the log file, and no log may keep the
    secret (docs/security.md). ``terminal_only`` also refuses a pipe or a file (a program
    started from a desktop menu has its stdout in the system journal). True if printed."""
    stream = sys.stdout
    if stream is None or isinstance(stream, LogStream):
        return False
    if terminal_only and not stream.isatty():
        return False
    print(line, file=stream, flush=True)
    return True


@contextmanager
def output_discarded() -> Iterator[None]:
    """While this lasts, file descriptors 1 and 2 (inherited by any program started)
    point at the null device; a browser or xdg-open that fails says so quoting the URL,
    and its stderr may be a log."""
    if os.name != "posix":
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved: dict[int, int | None] = {}
    for fd in (1, 2):
        try:
            saved[fd] = os.dup(fd)
        except OSError:  # closed: leave it closed afterwards
            saved[fd] = None
        os.dup2(devnull, fd)
    try:
        yield
    finally:
        for fd, copy in saved.items():
            if copy is None:
                os.close(fd)
            else:
                os.dup2(copy, fd)
                os.close(copy)
        if devnull not in saved:
            os.close(devnull)


def open_in_browser(url: str) -> bool:
    """The system browser on ``url``, its output sent nowhere; False if there is none."""
    with output_discarded():
        return webbrowser.open(url)


def complain(message: str) -> None:
    """One line on stderr, which a windowed build has none of (PyInstaller sets it to None)."""
    if sys.stderr is not None:
        print(message, file=sys.stderr, flush=True)


def entry_url(app: Flask, server: LocalServer) -> str:
    """The one URL the window (and the frozen self-test) opens first: the launch gate's
    one-time bootstrap URL with this launch's secret. Never logged (docs/security.md)."""
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
    data_dir, gui = settings.data_dir, settings.gui
    lock = InstanceLock(data_dir)
    try:
        settings.make_data_dir()
        lock.acquire()
    except AlreadyRunning as running:
        complain(str(running))
        return EXIT_ALREADY_RUNNING
    except OSError as error:
        return refuse(library_fault(error, data_dir), headless=args.headless, gui=gui)
    try:
        try:
            log_file = configure_logging(settings.log_dir, args.verbose)
        except OSError as error:
            return refuse(library_fault(error, data_dir), headless=args.headless, gui=gui)
        log.info("Shelfmark starting with data in %s (log %s)", data_dir, log_file)
        return _serve_local(settings, lock, headless=args.headless, demo=demo)
    finally:
        lock.release()


def library_fault(error: BaseException, data_dir: Path) -> SchemaError:
    """The person's sentence for a start-up fault, as the SchemaError every launch path
    shows and exits 2 on; ``error`` itself, re-raised, when it is none we can explain."""
    from webapp.launch import explain_fault

    fault = explain_fault(error, data_dir)
    if fault is None:
        raise error
    return fault


def refuse(problem: SchemaError, headless: bool, gui: str) -> int:
    """Say why the library can't open before anything was opened: on stderr, and in a
    window showing only that (as a library that fails later is explained)."""
    if logging.getLogger().handlers:  # else logging's last resort would print it again
        log.error("%s", problem, extra=FILE_ONLY)
    complain(str(problem))
    if not headless:
        from desktop.window import GuiUnavailable, run_window

        def fail() -> str:
            raise problem

        with suppress(GuiUnavailable, SchemaError):
            run_window(fail, gui=gui)
    return EXIT_SCHEMA


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
            except SchemaError:
                raise
            except Exception as error:  # a fault the person can fix, or a bug (re-raised)
                raise library_fault(error, self.data_dir) from error
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

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``, once prepared: what may be logged of the entry URL."""
        if self.server is None:
            raise RuntimeError("The launch has not been prepared.")
        return self.server.url

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
    launch = LocalLaunch(settings, lock, demo)
    stop = threading.Event()
    status = EXIT_OK
    try:
        with stop_signals(stop.set):
            if headless:
                url = launch.prepare()
                if not show_secret(url):
                    log.warning("Serving on %s; no standard output to print its address to", launch.origin)
                wait_until(stop)
            else:
                status = _show_window_or_browser(launch, stop)
    except SchemaError as problem:
        log.error("%s", problem, extra=FILE_ONLY)
        complain(str(problem))
        return EXIT_SCHEMA
    finally:
        launch.close()
    return status


def _show_window_or_browser(launch: LocalLaunch, stop: threading.Event) -> int:
    from desktop.window import GuiUnavailable, run_window
    from desktop.window_state import STATE_FILE

    size_file = launch.settings.settings_dir / STATE_FILE
    try:
        run_window(launch.prepare, gui=launch.settings.gui, stop=stop, size_file=size_file)
    except GuiUnavailable as reason:
        log.info("No window: %s", reason)
        url = launch.prepare()
        say(f"Shelfmark could not open its window ({reason}); opening it in your browser instead.")
        shown = show_secret(url, terminal_only=True)
        if not open_in_browser(url):
            if not shown:
                complain(
                    "There is no browser to open it in either; "
                    "start Shelfmark with --headless in a terminal and open the address it prints."
                )
                return EXIT_ERROR
            log.info("No browser to open; the address was shown on the terminal")
        else:
            log.info("Opened %s in the browser", launch.origin)
        wait_until(stop)
    return EXIT_OK


def run_server(args: argparse.Namespace) -> int:
    """``serve``: the same instance lock as a desktop launch (one opener per library, or
    one would migrate the database under the other), then :func:`_run_server`."""
    from webapp.launch import resolve_launch

    settings = resolve_launch(args.data_dir)
    return under_library_lock(
        settings.data_dir,
        "server",
        lambda lock: _run_server(args, settings, lock),
        before=settings.make_data_dir,
    )


def under_library_lock(
    data_dir: Path,
    role: str,
    body: Callable[[InstanceLock], int],
    before: Callable[[], object] | None = None,
) -> int:
    """Run ``body`` holding the library's instance lock (``serve``, ``unlock``): a second
    opener is told who holds it (exit 3); a fault the person can fix, such as a
    read-only folder or a damaged library, is one sentence (exit 2); a bug is re-raised."""
    lock = InstanceLock(data_dir, role=role)
    try:
        if before is not None:
            before()
        lock.acquire()
    except AlreadyRunning as running:
        complain(str(running))
        return EXIT_ALREADY_RUNNING
    except OSError as error:
        complain(str(library_fault(error, data_dir)))
        return EXIT_SCHEMA
    try:
        return body(lock)
    except Exception as error:  # a start-up fault the person can fix, or a bug (re-raised)
        complain(str(library_fault(error, data_dir)))
        return EXIT_SCHEMA
    finally:
        lock.release()


def _run_server(args: argparse.Namespace, settings: LaunchSettings, lock: InstanceLock) -> int:
    from webapp import create_app
    from webapp.launch import SchemaError, server_notes, shutdown, upgrade_with_backup

    configure_logging(settings.log_dir, args.verbose)
    app = create_app({"MODE": "server", "SERVER_HOST": args.host}, launch=settings)
    try:
        upgrade_with_backup(app)
    except SchemaError as problem:
        complain(str(problem))
        return EXIT_SCHEMA
    finally:
        startup_gc.resume()
    behind_proxy = bool(app.config["PROXY_COUNT"])
    server = LocalServer(app, host=args.host, port=args.port, threads=args.threads, behind_proxy=behind_proxy)
    try:
        server.start()
    except OSError as error:
        complain(f"Cannot listen on {args.host}:{args.port}: {error.strerror or error}")
        return EXIT_ERROR
    lock.publish(url=server.url)
    stop = threading.Event()
    try:
        with stop_signals(stop.set):
            version = app.config["VERSION"]
            say(f"Shelfmark {version} serving on {server.url}/ (data in {settings.data_dir}); Ctrl+C stops.")
            for line in server_notes(app, server.port):  # the set-up link: never into a log file
                show_secret(line)
            wait_until(stop)
    finally:
        server.stop()
        shutdown(app)
    return EXIT_OK
