"""``main.py serve`` as a real subprocess: its arguments and its hold on the library."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.desktop.launching import MAIN, ROOT


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--threads", "0", "0 is not between 1 and 256"),  # waitress would serve no one
        ("--port", "70000", "70000 is not between 0 and 65535"),  # a traceback from bind()
        ("--port", "http", "'http' is not a whole number"),
    ],
)
def test_serve_refuses_a_setting_it_could_not_honour_in_one_line(tmp_path, option, value, said) -> None:
    result = subprocess.run(
        [sys.executable, str(MAIN), "serve", "--data-dir", str(tmp_path), option, value],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())  # refused before anything was opened


def holder_serving(data_dir: Path, process: subprocess.Popen[str], timeout: float = 60) -> dict:
    """The lock's side file once the holder serves (its ``url`` is set then)."""
    info_file = data_dir / "shelfmark.instance.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the first opener exited with {process.returncode}"
        with contextlib.suppress(OSError, ValueError):
            info = json.loads(info_file.read_text(encoding="utf-8"))
            if info.get("url"):
                return info
        time.sleep(0.05)
    raise AssertionError("the first opener never served")


def second_opener(data_dir: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MAIN), *command, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={key: value for key, value in os.environ.items() if key != "SHELFMARK_DATA_DIR"},
    )


FIRST = {"desktop": ("--headless",), "serve": ("serve", "--port", "0")}
SECOND = {"desktop": ("--headless",), "serve": ("serve", "--port", "0"), "unlock": ("unlock",)}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("desktop", "serve"),
        ("serve", "desktop"),
        ("serve", "serve"),
        ("desktop", "unlock"),
        ("serve", "unlock"),
    ],
)
def test_one_opener_per_library_whichever_way_it_is_opened(launcher, tmp_path, first, second) -> None:
    library = tmp_path / "library"
    holder = launcher(library, *FIRST[first])
    info = holder_serving(library, holder.process)
    assert info["pid"] == holder.process.pid

    result = second_opener(library, *SECOND[second])

    assert result.returncode == 3, result.stderr
    role = "server" if first == "serve" else "desktop"
    assert (
        f"Shelfmark is already running on {library} (process {holder.process.pid}, {role}," in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert holder.stop(signal.SIGTERM) == 0
    assert not (library / "shelfmark.lock").exists()


def test_flask_db_upgrade_waits_its_turn_too(launcher, tmp_path) -> None:
    library = tmp_path / "library"
    holder = launcher(library, "--headless")
    holder_serving(library, holder.process)
    environment = {key: value for key, value in os.environ.items() if key != "SHELFMARK_DATA_DIR"}

    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**environment, "SHELFMARK_DATA_DIR": str(library)},
    )

    assert result.returncode == 3, result.stderr
    assert f"already running on {library} (process {holder.process.pid}, desktop," in result.stderr
    assert "Traceback" not in result.stderr
    assert holder.stop(signal.SIGTERM) == 0
