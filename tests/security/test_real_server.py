"""Through a real waitress server over a raw socket, what the test client cannot send:
absolute-form request targets (``GET http://evil.example/ HTTP/1.1``) and Host values
with optional whitespace; and ``serve`` itself, printing its one-time set-up link."""

from __future__ import annotations

import signal
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from desktop.server import LocalServer
from tests.desktop.launching import launch
from webapp.auth.accounts import ensure_owner
from webapp.extensions import db
from webapp.security import open_gate


def raw_get(port: int, target: str, host: str, cookie: str | None = None, method: str = "GET") -> int:
    """Send one request exactly as written; the status code of the answer."""
    lines = [f"{method} {target} HTTP/1.1", f"Host:{host}", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


@pytest.fixture
def desktop_server(make_app) -> Iterator[tuple[int, str]]:
    """A desktop app behind a real server; (port, the window's session cookie)."""
    app = make_app(MODE="desktop")
    with app.app_context():
        ensure_owner("tester")
        db.session.remove()
    server = LocalServer(app)
    server.start()
    try:
        path = open_gate(app, server.port).bootstrap_path()
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(f"{server.url}{path}", timeout=10)
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302
            cookie = redirect.headers["Set-Cookie"].split(";", 1)[0]
            redirect.close()
        yield server.port, cookie
    finally:
        server.stop()


@pytest.fixture
def server_mode_server(make_app) -> Iterator[int]:
    server = LocalServer(make_app(SERVER_HOST="127.0.0.1"))
    server.start()
    try:
        yield server.port
    finally:
        server.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


FOREIGN_TARGETS = [
    "http://evil.example/",
    "http://evil.example:{port}/",
    "http://127.0.0.1.nip.io:{port}/",
    "http://user@127.0.0.1:{port}/",
    "https://evil.example/healthz",
    "http:/healthz",
]


@pytest.mark.parametrize("target", [*FOREIGN_TARGETS, "http://127.0.0.1:1/"])  # desktop: the port too
def test_desktop_refuses_an_absolute_target_that_is_not_ours(desktop_server, target) -> None:
    port, cookie = desktop_server
    assert raw_get(port, target.format(port=port), f"127.0.0.1:{port}", cookie) == 403
    assert raw_get(port, "/", f"127.0.0.1:{port}", cookie) == 200  # the window still works


@pytest.mark.parametrize("authority", ["127.0.0.1:{port}", "localhost:{port}"])
def test_desktop_serves_an_absolute_target_that_is_ours(desktop_server, authority) -> None:
    port, cookie = desktop_server
    assert raw_get(port, f"http://{authority.format(port=port)}/", f"127.0.0.1:{port}", cookie) == 200


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_server_mode_refuses_an_absolute_target_that_is_not_ours(server_mode_server, target) -> None:
    port = server_mode_server
    for method in ("GET", "HEAD", "OPTIONS"):
        assert raw_get(port, target.format(port=port), f"127.0.0.1:{port}", method=method) == 403
    assert raw_get(port, f"http://localhost:{port}/healthz", f"127.0.0.1:{port}") == 200


@pytest.mark.parametrize("host", ["  127.0.0.1:{port}", "127.0.0.1:{port}  ", "\t127.0.0.1:{port}\t"])
def test_whitespace_around_the_host_is_optional_whitespace(desktop_server, host) -> None:
    port, cookie = desktop_server
    assert raw_get(port, "/", host.format(port=port), cookie) == 200
    assert raw_get(port, "/", host.format(port=port).replace("127.0.0.1", "evil.example"), cookie) == 403


def test_serve_prints_a_one_time_setup_link_that_the_log_never_sees(tmp_path) -> None:
    data_dir = tmp_path / "server"
    running = launch(data_dir, "serve", "--port", "0")
    try:
        link = running.read_url()
        assert "/auth/setup?token=" in link
        token = link.split("token=", 1)[1]
        assert len(token) >= 43
        notes = running.process.stdout.readline()
        assert "trusted_hosts" in notes and "SHELFMARK_TRUSTED_HOSTS" in notes
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redeemed:
            opener.open(link, timeout=10)
        redeemed.value.close()
        assert redeemed.value.code == 302
        with pytest.raises(urllib.error.HTTPError) as replayed:
            opener.open(link, timeout=10)
        replayed.value.close()
        assert replayed.value.code == 403
        port = int(link.split(":")[2].split("/")[0])
        assert raw_get(port, "/healthz", "evil.example") == 403
        assert raw_get(port, "/healthz", f"localhost:{port}") == 200
    finally:
        assert running.stop(signal.SIGTERM) == 0
        for stream in (running.process.stdout, running.process.stderr):
            stream.close()
    logs = "".join(path.read_text() for path in (data_dir / "logs").glob("*.log*"))
    assert logs and token not in logs


def hsts_over(port: int, forwarded_proto: str) -> str | None:
    """The Strict-Transport-Security header of /healthz asked with X-Forwarded-Proto."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": forwarded_proto}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Strict-Transport-Security")


@pytest.mark.parametrize(("proxy_count", "hsts"), [(1, True), (0, False)])
def test_serve_behind_a_proxy_believes_its_forwarded_headers_and_only_then(make_app, proxy_count, hsts):
    """``proxy_count = 1`` under serve: the proxy's X-Forwarded-Proto reaches ProxyFix (the
    request is TLS, so HSTS); without a proxy configured waitress drops the header."""
    app = make_app(PROXY_COUNT=proxy_count, SERVER_HOST="127.0.0.1")
    server = LocalServer(app, behind_proxy=bool(proxy_count))
    server.start()
    try:
        assert (hsts_over(server.port, "https") is not None) is hsts
    finally:
        server.stop()
