"""Waitress in a background thread, with one owner for its whole life.

Bind first, read the real port back (port 0 lets the OS choose), and only then hand
the URL to anyone: a URL built from the requested port would be wrong (Datasette's
``-p 0`` pitfall).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.server import create_server

log = logging.getLogger(__name__)

#: How long the server loop waits in ``select()`` for something to happen, in whole
#: seconds: waitress reads this setting with ``int()``, so 0.25 became 0 and the loop
#: spun a whole core while idle. Shutdown never waits for it: stop() wakes the loop.
LOOP_TIMEOUT_SECONDS = 1


def waitress_settings(**settings: Any) -> dict[str, Any]:
    """``settings`` for waitress, refused if waitress would read any of them as
    something else: it converts each one (``int``, ``asbool``, ...) without a word, so
    a float, a string or a typo'd boolean would quietly become a different server."""
    adjusted = Adjustments(**settings)
    changed = {
        name: (value, getattr(adjusted, name))
        for name, value in settings.items()
        if getattr(adjusted, name) != value or type(getattr(adjusted, name)) is not type(value)
    }
    if changed:
        described = ", ".join(f"{name}={sent!r} would be {read!r}" for name, (sent, read) in changed.items())
        raise ValueError(f"waitress would change these settings: {described}")
    return settings


class LocalServer:
    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        behind_proxy: bool = False,
    ) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.threads = threads
        #: serve behind a reverse proxy (PROXY_COUNT > 0): X-Forwarded-* reach the app,
        #: whose ProxyFix believes only the configured number of hops. Otherwise waitress
        #: drops them, so nobody talking to us directly can claim another address or scheme.
        self.behind_proxy = behind_proxy
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._stopping = threading.Event()

    def start(self) -> None:
        settings = waitress_settings(
            host=self.host,
            port=self.requested_port,
            threads=self.threads,
            ident="Shelfmark",
            asyncore_loop_timeout=LOOP_TIMEOUT_SECONDS,
            clear_untrusted_proxy_headers=not self.behind_proxy,
        )
        self._server = create_server(self.app, **settings)
        self._thread = threading.Thread(target=self._serve, name="shelfmark-server", daemon=True)
        self._thread.start()
        log.info("Serving on %s", self.url)

    def _serve(self) -> None:
        try:
            self._server.run()
        except OSError:
            # stop()'s fallback closes the sockets under a running loop, whose next
            # select() then fails on them: that is the loop ending, not an error.
            if not self._stopping.is_set():
                raise
        finally:
            self._stopped.set()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("The server has not started.")
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        host = self._server.effective_host if self._server is not None else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, let running requests finish (up to ``timeout``), close sockets."""
        server = self._server
        if server is None:
            return
        self._stopping.set()
        server.task_dispatcher.shutdown(timeout=timeout)
        # Close the listening socket and channels from the loop's own thread: the
        # trigger runs the thunk there, and the loop ends once its map is empty.
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError as error:
            # The trigger's pipe is already closed (EBADF, seen once in CI; we have not
            # found who closes it). The loop can't be woken, so close what is left from
            # here; the loop sees an empty map within its timeout (LOOP_TIMEOUT_SECONDS) and ends.
            log.warning("Could not wake the server loop (%s); closing its sockets directly", error)
            wasyncore.close_all(server._map, ignore_all=True)
            # The trigger's own close stopped at the dead descriptor; finish it, so its
            # read end is not left for the garbage collector to close at a random time.
            with contextlib.suppress(OSError):
                wasyncore.file_dispatcher.close(server.trigger)
        if self._thread is not None:
            self._thread.join(timeout)
        if not self._stopped.is_set():
            log.warning("The server thread did not stop within %.1f s", timeout)
        self._server = None
        log.info("Server stopped")
