"""``main.py --demo --headless``: its own data folder, filled once, served like any other."""

import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.desktop.launching import MAIN, ROOT, Launch, get, origin_of

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="XDG folders")


def launch_demo(home, *args: str) -> Launch:
    environment = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    environment.pop("SHELFMARK_DATA_DIR", None)
    process = subprocess.Popen(
        [sys.executable, str(MAIN), "--demo", "--headless", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    return Launch(process, home / "data" / "Shelfmark Demo")


def count_books(data_dir) -> int:
    connection = sqlite3.connect(data_dir / "shelfmark.db")
    try:
        return connection.execute("SELECT count(*) FROM books").fetchone()[0]
    finally:
        connection.close()


def test_demo_opens_its_own_library_filled_once(tmp_path) -> None:
    first = launch_demo(tmp_path)
    try:
        url = first.read_url(timeout=60)
        assert get(origin_of(url) + "/healthz")[0] == 200
    finally:
        assert first.stop(signal.SIGTERM) == 0
        first.process.stdout.close()
        first.process.stderr.close()
    demo_dir = tmp_path / "data" / "Shelfmark Demo"
    assert count_books(demo_dir) == 600
    assert not (tmp_path / "data" / "Shelfmark").exists()  # the real library is untouched
    assert (demo_dir / "logs" / "shelfmark.log").exists()

    second = launch_demo(tmp_path)
    try:
        second.read_url(timeout=60)
    finally:
        assert second.stop(signal.SIGTERM) == 0
        second.process.stdout.close()
        second.process.stderr.close()
    assert count_books(demo_dir) == 600  # not generated twice
