"""The frozen program: what is in it, its self-test, a headless start, a window."""

from __future__ import annotations

import signal
import subprocess
import tarfile
from urllib.parse import urlsplit

import pytest

from tests.desktop.launching import get, library_from_the_future, origin_of, port_is_free
from tests.desktop.x11 import VirtualScreen

pytestmark = [pytest.mark.bundle, pytest.mark.slow]

MIB = 1024 * 1024
#: GTK variant on Linux; well above the 28 MiB it weighs, far below a bundled WebKit (>150 MiB).
SIZE_CEILING = 60 * MIB


def internal(bundle):
    return bundle.bundle / "_internal"


def test_bundle_holds_the_web_app_and_not_the_system_stack(bundle) -> None:
    inside = internal(bundle)
    for needed in (
        "webapp/templates/base.html",
        "webapp/static/css/shelfmark.css",
        "webapp/migrations/env.py",
        "webapp/migrations/script.py.mako",
        "webapp/migrations/versions/0001_initial_schema.py",
    ):
        assert (inside / needed).is_file(), needed
    names = {path.name for path in inside.rglob("*")}
    for absent in (
        "PyQt6",
        "tkinter",
        "_tkinter",
        "psycopg",
        "pytest",
        "libwebkit2gtk-4.1.so.0",
        "libgtk-3.so.0",
    ):
        assert not any(name.startswith(absent) for name in names), f"{absent} should not be bundled"
    assert not (inside / "gi_typelibs").exists(), "the system's typelibs must be used"
    assert bundle.bundle_bytes < SIZE_CEILING, f"{bundle.bundle_bytes / MIB:.1f} MiB"


def test_frozen_self_test_passes(bundle) -> None:
    result = subprocess.run([str(bundle.program), "--self-test"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   enter GET /auth/launch?token=… -> 200" in result.stdout
    assert "GET /api/v1/me -> 200" in result.stdout
    assert "GET /library -> 200" in result.stdout


def test_frozen_self_test_fails_when_the_library_cannot_be_migrated(bundle, tmp_path) -> None:
    library = library_from_the_future(tmp_path / "library")
    result = subprocess.run(
        [str(bundle.program), "--self-test", "--data-dir", str(library)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "self-test FAILED" in result.stderr and "newer version of Shelfmark" in result.stderr


def test_frozen_headless_serves_healthz_and_stops_on_sigterm(bundle, launcher, tmp_path) -> None:
    running = launcher(tmp_path / "library", "--headless", program=[str(bundle.program)])
    url = running.read_url()
    status, body = get(origin_of(url) + "/healthz")
    assert status == 200 and b'"status":"ok"' in body.replace(b" ", b"")
    assert running.stop(signal.SIGTERM) == 0
    assert port_is_free(urlsplit(url).port)
    assert (running.data_dir / "shelfmark.db").is_file()
    assert not list(bundle.bundle.rglob("*.db")), "the library must never land inside the bundle"


@pytest.mark.desktop
def test_frozen_window_opens_the_page_and_closing_it_exits_0(bundle, launcher, tmp_path) -> None:
    screen = VirtualScreen.start()
    try:
        app = launcher(
            tmp_path / "library",
            program=[str(bundle.program)],
            env={"DISPLAY": screen.name, "WAYLAND_DISPLAY": ""},
        )
        app.wait_for_log("Window loaded a page")
        # The menu bar alone has ~150 colours; the rendered page (text, cards, logo) has >1000.
        colours = screen.screenshot_until_painted(tmp_path / "window.png", min_colours=600)
        assert colours >= 600, f"the page was not painted ({colours} colours); see {tmp_path / 'window.png'}"
        assert screen.window_titles_of(app.process.pid) == ["Shelfmark"]
        assert screen.close_windows_of(app.process.pid) == 1
        assert app.process.wait(20) == 0
    finally:
        screen.stop()


def test_linux_archive_has_the_program_a_desktop_file_and_icons(bundle) -> None:
    archive = bundle.packages["tar.gz"]
    with tarfile.open(archive) as tar:
        members = {member.name: member for member in tar.getmembers()}
    top = archive.name.split("-linux-")[0]
    program = members[f"{top}/Shelfmark"]
    assert program.isfile() and program.mode & 0o111
    assert f"{top}/shelfmark.desktop" in members
    assert f"{top}/install.sh" in members
    for size in (16, 48, 256, 512):
        assert f"{top}/icons/hicolor/{size}x{size}/apps/shelfmark.png" in members


def test_deb_depends_on_the_system_webkitgtk(bundle) -> None:
    if "deb" not in bundle.packages:
        pytest.skip("dpkg-deb is not installed")
    depends = subprocess.run(
        ["dpkg-deb", "-f", str(bundle.packages["deb"]), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    assert "gir1.2-webkit2-4.1" in depends and "gir1.2-gtk-3.0" in depends
    contents = subprocess.run(
        ["dpkg-deb", "-c", str(bundle.packages["deb"])], capture_output=True, text=True, check=True
    ).stdout
    assert "./opt/shelfmark/Shelfmark" in contents
    assert "./usr/share/applications/shelfmark.desktop" in contents
