"""The local server stops cleanly, even when its loop can no longer be woken."""

from __future__ import annotations

import os
import socket
import urllib.request

from desktop.server import LocalServer


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def port_is_free(port: int) -> bool:
    """Nothing listens on it any more (SO_REUSEADDR: closed connections' TIME_WAIT
    doesn't count)."""
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def test_stop_frees_the_port() -> None:
    server = LocalServer(hello)
    server.start()
    port = server.port
    with urllib.request.urlopen(server.url + "/", timeout=5) as response:
        assert response.read() == b"hello"
    server.stop()
    assert server._stopped.is_set()
    assert port_is_free(port)


def test_stop_survives_a_trigger_that_is_already_closed(caplog) -> None:
    server = LocalServer(hello)
    server.start()
    port = server.port
    os.close(server._server.trigger.trigger)  # what CI once saw: EBADF on the wake-up pipe

    server.stop()

    assert server._stopped.is_set()
    assert port_is_free(port)
    assert "Could not wake the server loop" in caplog.text
