"""The local server stops cleanly, even when its loop can no longer be woken."""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from desktop.server import LOOP_TIMEOUT_SECONDS, LocalServer, waitress_settings


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


def cpu_seconds_of_thread(native_id: int) -> float:
    """utime + stime of one thread of this process, from /proc (Linux)."""
    fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_an_idle_server_thread_waits_instead_of_spinning() -> None:
    server = LocalServer(hello)
    server.start()
    try:
        with urllib.request.urlopen(server.url + "/", timeout=5) as response:
            assert response.read() == b"hello"
        thread = server._thread
        assert thread is not None and thread.native_id is not None
        before, started = cpu_seconds_of_thread(thread.native_id), time.monotonic()
        time.sleep(2)  # the idle interval being measured, not a wait for something to happen
        used = cpu_seconds_of_thread(thread.native_id) - before
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert used / elapsed < 0.05, f"the idle server loop used {used:.2f} s of CPU in {elapsed:.2f} s"


def test_every_setting_handed_to_waitress_arrives_as_it_was_meant() -> None:
    server = LocalServer(hello, threads=3)
    server.start()
    try:
        adjustments = server._server.adj
        assert adjustments.asyncore_loop_timeout == LOOP_TIMEOUT_SECONDS >= 1
        assert adjustments.threads == 3
        assert adjustments.ident == "Shelfmark"
        assert adjustments.clear_untrusted_proxy_headers is True
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("asyncore_loop_timeout", 0.25),  # int(): 0, a loop that never waits
        ("threads", 2.5),
        ("ident", ""),  # becomes None: no Server header at all
        ("clear_untrusted_proxy_headers", "yes please"),  # asbool(): False
        ("port", "8080"),
    ],
)
def test_a_setting_waitress_would_silently_convert_is_refused(setting, value) -> None:
    with pytest.raises(ValueError, match=setting):
        waitress_settings(**{setting: value})
