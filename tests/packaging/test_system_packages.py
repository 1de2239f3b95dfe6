"""scripts/system-packages.sh proves that each system part works, not only that its
package is installed, and names the broken part in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="Debian's packages only")


def run_with_broken(tool: str, complaint: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run the script with ``tool`` installed (its package is there) but failing as a
    half-installed one does: it is found on PATH first and exits non-zero."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / tool).write_text(f"#!/bin/sh\necho '{complaint}' >&2\nexit 1\n")
    (broken / tool).chmod(0o755)
    path = f"{broken}:{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "scripts/system-packages.sh", "--tests"],
        cwd=ROOT,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_svg_renderer_that_cannot_draw_stops_the_set_up_naming_it(tmp_path) -> None:
    result = run_with_broken("rsvg-convert", "Unknown image type: svg", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "system-packages: rsvg-convert cannot draw the SVG icon (librsvg2-bin): Unknown image type: svg"
    ]


def test_a_chromium_that_does_not_start_stops_the_set_up_naming_it(tmp_path) -> None:
    result = run_with_broken("chromium", "FATAL: No usable sandbox!", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "system-packages: Chromium does not start headless (chromium): FATAL: No usable sandbox!"
    ]


def test_a_calibredb_that_cannot_make_a_library_stops_the_set_up_naming_it(tmp_path) -> None:
    result = run_with_broken(
        "calibredb", "ImportError: libQt6Core.so.6: cannot open shared object file", tmp_path
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "system-packages: calibredb cannot make a Calibre library (calibre): "
        "ImportError: libQt6Core.so.6: cannot open shared object file"
    ]


def test_a_gtk_that_cannot_read_the_svg_icon_stops_the_set_up_naming_it(tmp_path) -> None:
    """Without gdk-pixbuf's SVG loader (librsvg2-common, which GTK only recommends) the
    window fails to start; an empty loader list is what such a machine has."""
    no_loaders = tmp_path / "loaders.cache"
    no_loaders.write_text("")
    result = subprocess.run(
        ["bash", "scripts/system-packages.sh", "--check-gi", sys.executable],
        cwd=ROOT,
        env={**os.environ, "GDK_PIXBUF_MODULE_FILE": str(no_loaders)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("system-packages: GTK cannot read the SVG window icon (librsvg2-common")


def test_the_venv_loads_gtk_webkit_and_the_svg_icon() -> None:
    result = subprocess.run(
        ["bash", "scripts/system-packages.sh", "--check-gi", sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
