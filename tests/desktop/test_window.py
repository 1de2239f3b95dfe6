"""A real pywebview window (GTK, the Linux default) under Xvfb."""

import json
import re
import sys
from urllib.parse import urlsplit

import pytest

from tests.desktop.launching import library_from_the_future, port_is_free
from tests.desktop.x11 import VirtualScreen

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(sys.platform != "linux", reason="Xvfb is Linux-only"),
]


@pytest.fixture(scope="module")
def screen():
    virtual = VirtualScreen.start()
    yield virtual
    virtual.stop()


def served_port(log_text: str) -> int:
    line = next(line for line in log_text.splitlines() if "Serving on http://127.0.0.1:" in line)
    return urlsplit(line.split("Serving on ", 1)[1].strip()).port


def test_window_opens_shows_the_page_and_closing_it_ends_the_program(launcher, screen, tmp_path) -> None:
    app = launcher(tmp_path / "library", env={"DISPLAY": screen.name, "WAYLAND_DISPLAY": ""})
    app.wait_for_log("Window loaded a page")
    port = served_port(app.log_file.read_text())

    colours = screen.screenshot_until_painted(tmp_path / "window.png")
    assert colours >= 400, f"the screen looks blank ({colours} colours); see {tmp_path / 'window.png'}"
    assert screen.window_titles_of(app.process.pid) == ["Shelfmark"]

    assert screen.close_windows_of(app.process.pid) == 1
    assert app.process.wait(20) == 0
    assert port_is_free(port)
    assert not (app.data_dir / "shelfmark.lock").exists()


def test_without_gtks_svg_loader_the_window_opens_without_its_icon(launcher, screen, tmp_path) -> None:
    """A machine without librsvg's gdk-pixbuf loader (only recommended by GTK): an empty
    loader cache stands in for it. The window must still open, and the log says why the
    icon is missing."""
    (tmp_path / "no-loaders.cache").write_text("")
    env = {
        "DISPLAY": screen.name,
        "WAYLAND_DISPLAY": "",
        "GDK_PIXBUF_MODULE_FILE": str(tmp_path / "no-loaders.cache"),
    }
    app = launcher(tmp_path / "library", env=env)
    app.wait_for_log("Window loaded a page")
    assert "GTK cannot read the window icon" in app.log_file.read_text()
    app.process.terminate()
    assert app.process.wait(20) == 0


def test_sigterm_closes_the_window_and_exits_cleanly(launcher, screen, tmp_path) -> None:
    app = launcher(tmp_path / "library", env={"DISPLAY": screen.name, "WAYLAND_DISPLAY": ""})
    app.wait_for_log("Window loaded a page")
    port = served_port(app.log_file.read_text())
    app.process.terminate()
    assert app.process.wait(20) == 0
    assert port_is_free(port)
    assert "Closing the window on a stop signal" in app.log_file.read_text()


def test_a_library_that_cannot_open_is_explained_in_the_window(launcher, screen, tmp_path) -> None:
    library = library_from_the_future(tmp_path / "library")

    app = launcher(library, env={"DISPLAY": screen.name, "WAYLAND_DISPLAY": ""})
    app.wait_for_log("Window shows why the library could not open")
    assert screen.screenshot_until_painted(tmp_path / "error.png", min_colours=100) >= 100
    assert screen.window_titles_of(app.process.pid) == ["Shelfmark"]
    assert screen.close_windows_of(app.process.pid) == 1
    assert app.process.wait(20) == 2
    assert "newer version of Shelfmark" in app.process.stderr.read()


def test_the_window_opens_at_the_size_it_last_closed_at(launcher, screen, tmp_path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "window.json").write_text('{"width": 900, "height": 640}')
    app = launcher(library, env={"DISPLAY": screen.name, "WAYLAND_DISPLAY": ""})
    app.wait_for_log("Window loaded a page")
    assert screen.window_sizes_of(app.process.pid) == [(900, 640)]
    screen.resize_windows_of(app.process.pid, 1000, 700)
    assert screen.close_windows_of(app.process.pid) == 1
    assert app.process.wait(20) == 0
    assert json.loads((library / "window.json").read_text()) == {"width": 1000, "height": 700}


def test_the_window_entry_secret_stays_out_of_the_log_even_with_pywebview_debugging(
    launcher, screen, tmp_path
) -> None:
    env = {"DISPLAY": screen.name, "WAYLAND_DISPLAY": "", "PYWEBVIEW_LOG": "debug"}
    app = launcher(tmp_path / "library", env=env)
    app.wait_for_log("Window loaded a page")
    app.process.terminate()
    assert app.process.wait(20) == 0
    log = app.log_file.read_text()
    assert "Loading URL: http://127.0.0.1:" in log  # pywebview did log the entry URL...
    assert re.search(r"token=[A-Za-z0-9_-]{20}", log + app.process.stderr.read()) is None  # ...redacted


@pytest.mark.parametrize("fault", ["damaged library", "read-only folder"])
def test_a_fault_found_before_or_after_the_lock_is_explained_in_the_window(
    launcher, screen, tmp_path, fault
) -> None:
    import subprocess
    import time

    library = tmp_path / "library"
    library.mkdir()
    (library / "shelfmark.db").write_bytes(b"this is no database" * 100)
    mounted = fault == "read-only folder"
    if mounted:  # as root, permission bits stop nothing: a read-only bind mount does
        if subprocess.run(["mount", "--bind", str(library), str(library)], capture_output=True).returncode:
            pytest.skip("cannot bind-mount here")
        subprocess.run(["mount", "-o", "remount,ro,bind", str(library)], check=True)
    try:
        app = launcher(library, env={"DISPLAY": screen.name, "WAYLAND_DISPLAY": ""})
        if not mounted:  # a read-only folder has no log to watch
            app.wait_for_log("Window shows why the library could not open")
        deadline = time.monotonic() + 30
        while screen.window_titles_of(app.process.pid) != ["Shelfmark"]:
            assert time.monotonic() < deadline and app.process.poll() is None, "no window"
            time.sleep(0.1)
        assert screen.screenshot_until_painted(tmp_path / "error.png", min_colours=100) >= 100
        assert screen.close_windows_of(app.process.pid) == 1
        assert app.process.wait(20) == 2
    finally:
        if mounted:
            subprocess.run(["umount", str(library)], check=True)
    said = app.process.stderr.read()
    assert ("cannot write to" if mounted else "is damaged") in said
    assert "Traceback" not in said
