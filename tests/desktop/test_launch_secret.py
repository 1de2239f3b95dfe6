"""The launch secret reaches the window or the browser, and never a log (docs/security.md).

Each launch runs the real program with stdout as a user's OS might leave it: a pipe, or
closed (a windowed build, where Python sets ``sys.stdout`` to None and every print would
otherwise land in the log file)."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from desktop.logs import configure_logging
from tests.desktop.launching import MAIN, ROOT, origin_of

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX shells and /proc")

#: What a launch secret looks like after ``token=`` (secrets.token_urlsafe(32): 43 chars).
SECRET = re.compile(r"token=([A-Za-z0-9_-]{20,})")


def launch_program(
    data_dir: Path, *args: str, stdout: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """main.py with stdout a pipe, or closed (``>&-``) as a windowed build has it."""
    command = [sys.executable, str(MAIN), "--data-dir", str(data_dir), *args]
    if stdout == "closed":
        command = ["sh", "-c", 'exec "$@" >&-', "sh", *command]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    environment.pop("SHELFMARK_DATA_DIR", None)
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE if stdout == "pipe" else None,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )


@pytest.fixture
def start() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start launches; whatever a test leaves running is killed and its pipes closed."""
    started: list[subprocess.Popen[str]] = []

    def launch(*args: Any, **kwargs: Any) -> subprocess.Popen[str]:
        process = launch_program(*args, **kwargs)
        started.append(process)
        return process

    yield launch
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def enter(url: str) -> int:
    """Follow the entry URL as a browser does, keeping the session cookie it sets."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(url, timeout=10) as response:
        return int(response.status)


def wait_for(path: Path, text: str, process: subprocess.Popen[str], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in (content := path.read_text(encoding="utf-8")):
            return content
        assert process.poll() is None, f"exited with {process.returncode}: {process.stderr.read()}"
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {path}")


def recording_browser(folder: Path) -> Path:
    """A BROWSER that writes the URL it was given to a file, and complains about it on
    stderr, as xdg-open does when it finds nothing to open it with."""
    script = folder / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" > {folder}/opened\necho "cannot open $1" >&2\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def everything_kept(data_dir: Path) -> str:
    """Every file the launch left in its library folder (the log, the lock's side file)."""
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in data_dir.rglob("*")
        if path.is_file() and path.suffix != ".db"
    )


@pytest.mark.parametrize("stdout", ["pipe", "closed"])
def test_the_browser_fallback_gives_the_browser_the_secret_and_no_log(start, tmp_path, stdout) -> None:
    library = tmp_path / "library"
    browser = recording_browser(tmp_path)
    process = start(
        library, stdout=stdout, env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "BROWSER": str(browser)}
    )
    try:
        url = wait_for(tmp_path / "opened", "token=", process).strip()
        secret = parse_qs(urlsplit(url).query)["token"][0]
        wait_for(library / "logs" / "shelfmark.log", "No window", process)
        info = json.loads((library / "shelfmark.instance.json").read_text(encoding="utf-8"))
        assert info["url"] == origin_of(url)
        kept_while_running = everything_kept(library)
        assert enter(url) == 200  # the browser's URL is the real, unused entry
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
    printed = (process.stdout.read() if process.stdout else "") + process.stderr.read()
    assert "opening it in your browser instead" in printed or stdout == "closed"
    assert secret not in printed  # neither a pipe nor the browser's complaint
    assert secret not in kept_while_running
    assert secret not in everything_kept(library)
    assert "Opened http://127.0.0.1:" in (library / "logs" / "shelfmark.log").read_text(encoding="utf-8")


def test_headless_with_no_stdout_logs_the_address_without_the_secret(start, tmp_path) -> None:
    library = tmp_path / "library"
    process = start(library, "--headless", stdout="closed")
    try:
        log = wait_for(library / "logs" / "shelfmark.log", "no standard output to print", process)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
    log = (library / "logs" / "shelfmark.log").read_text(encoding="utf-8")
    assert "Serving on http://127.0.0.1:" in log
    assert SECRET.search(log + process.stderr.read()) is None


def test_a_secret_in_any_log_record_is_redacted_message_and_traceback(tmp_path) -> None:
    log_file = configure_logging(tmp_path / "logs")
    url = "http://127.0.0.1:5000/auth/launch?token=qL3_x-9" + "a" * 40
    try:
        logging.getLogger("pywebview").warning("Loading URL: %s", url)  # not our logger
        try:
            raise OSError(f"GET {url} failed")
        except OSError:
            logging.getLogger("shelfmark.test").exception("while fetching")
    finally:
        for handler in logging.getLogger().handlers:
            handler.close()
        logging.getLogger().handlers.clear()
    text = log_file.read_text(encoding="utf-8")
    assert "Loading URL: http://127.0.0.1:5000/auth/launch?token=…" in text
    assert "OSError: GET http://127.0.0.1:5000/auth/launch?token=… failed" in text
    assert "qL3_x-9" not in text
