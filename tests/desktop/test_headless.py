"""The launcher as a real subprocess in --headless mode."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.desktop.launching import (
    MAIN,
    get,
    library_from_the_future,
    listening_addresses,
    origin_of,
    port_is_free,
)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


@pytest.fixture
def running(launcher, tmp_path):
    return launcher(tmp_path / "library", "--headless")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_headless_serves_on_loopback_only_and_stops_cleanly(running, sig) -> None:
    url = running.read_url()
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port

    status, body = get(f"http://127.0.0.1:{parts.port}/healthz")
    assert status == 200 and b'"status":"ok"' in body.replace(b" ", b"")
    assert listening_addresses(running.process.pid) == {("127.0.0.1", parts.port)}

    assert running.stop(sig) == 0
    assert port_is_free(parts.port)
    assert not (running.data_dir / "shelfmark.lock").exists()
    assert not (running.data_dir / "shelfmark.instance.json").exists()
    assert not (running.data_dir / "shelfmark.db-wal").exists()  # WAL checkpointed on close


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of ``pid`` so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_an_idle_launch_uses_almost_no_cpu(running) -> None:
    url = running.read_url()
    assert get(origin_of(url) + "/healthz")[0] == 200
    pid = running.process.pid
    before, started = cpu_seconds(pid), time.monotonic()
    time.sleep(3)  # the idle interval being measured
    used, elapsed = cpu_seconds(pid) - before, time.monotonic() - started
    assert used / elapsed < 0.05, f"idle Shelfmark used {used:.2f} s of CPU in {elapsed:.2f} s"
    assert running.stop(signal.SIGTERM) == 0


def test_a_second_launch_on_the_same_library_is_refused(launcher, running, tmp_path) -> None:
    running.read_url()
    second = launcher(running.data_dir, "--headless")
    assert second.process.wait(30) == 3
    message = second.process.stderr.read()
    assert "already running" in message
    assert f"process {running.process.pid}" in message
    assert second.process.stdout.read() == ""

    other = launcher(tmp_path / "another-library", "--headless")
    try:
        other_url = other.read_url()
        assert get(origin_of(other_url) + "/healthz")[0] == 200
    finally:
        assert other.stop(signal.SIGTERM) == 0
    assert running.stop(signal.SIGTERM) == 0


def test_a_too_new_database_is_refused_with_a_clear_message(launcher, tmp_path) -> None:
    library = library_from_the_future(tmp_path / "library")
    before = (library / "shelfmark.db").read_bytes()

    refused = launcher(library, "--headless")
    assert refused.process.wait(30) == 2
    assert "newer version of Shelfmark" in refused.process.stderr.read()
    assert (library / "shelfmark.db").read_bytes() == before
    assert not (library / "shelfmark.lock").exists()


def test_version_and_help() -> None:

    result = subprocess.run([sys.executable, str(MAIN), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("Shelfmark ")
    result = subprocess.run([sys.executable, str(MAIN), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for option in ("--data-dir", "--headless", "serve"):
        assert option in result.stdout


def test_without_a_display_it_says_so_and_serves_in_the_browser(launcher, tmp_path) -> None:
    fallback = launcher(tmp_path / "library", env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "BROWSER": "true"})
    try:
        fallback.wait_for_log("Opened http://127.0.0.1:")
        origin = json.loads((fallback.data_dir / "shelfmark.instance.json").read_text())["url"]
        assert get(origin + "/healthz")[0] == 200
    finally:
        assert fallback.stop(signal.SIGTERM) == 0
    said = fallback.process.stdout.read()
    assert "could not open its window (GTK cannot open the display)" in said
    assert "token=" not in said  # a pipe is not a terminal: it may be a log (see test_launch_secret)


def test_a_stuck_toolkit_thread_does_not_keep_the_program_alive() -> None:
    script = (
        "import threading, desktop.launcher as launcher\n"
        "threading.Thread(target=threading.Event().wait, name='stuck-webview').start()\n"
        "launcher.exit_despite_stuck_threads(0, grace=0.2)\n"
        "raise SystemExit(7)  # not reached when a thread is stuck\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=MAIN.parent, timeout=30, capture_output=True)
    assert result.returncode == 0


def test_without_stuck_threads_the_program_ends_normally() -> None:
    script = (
        "import desktop.launcher as launcher\nlauncher.exit_despite_stuck_threads(0)\nraise SystemExit(7)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=MAIN.parent, timeout=30, capture_output=True)
    assert result.returncode == 7
