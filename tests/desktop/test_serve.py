"""``main.py serve`` as a real subprocess: its arguments and its hold on the library."""

from __future__ import annotations

import subprocess
import sys

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
