"""A virtual X screen for window tests, and the two things a user does to a window:
look at it, and close it."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from Xlib import X, display, protocol


class VirtualScreen:
    def __init__(self, number: int, process: subprocess.Popen[bytes]) -> None:
        self.number = number
        self.process = process

    @property
    def name(self) -> str:
        return f":{self.number}"

    @classmethod
    def start(cls, width: int = 1280, height: int = 800) -> VirtualScreen:
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            raise RuntimeError("Xvfb is not installed (Debian package xvfb); .ci/run installs it")
        for number in range(90, 140):
            if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
                continue
            process = subprocess.Popen(
                [xvfb, f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and process.poll() is None:
                if Path(f"/tmp/.X11-unix/X{number}").exists():
                    return cls(number, process)
                time.sleep(0.05)
            process.kill()
            process.wait()
        raise RuntimeError("could not start Xvfb on any display from :90 to :139")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def screenshot(self, path: Path) -> int:
        """Capture the whole screen; returns the number of distinct colours in it."""
        subprocess.run(["import", "-display", self.name, "-window", "root", str(path)], check=True)
        result = subprocess.run(
            ["convert", str(path), "-format", "%k", "info:"], check=True, capture_output=True, text=True
        )
        return int(result.stdout.strip())

    def screenshot_until_painted(self, path: Path, min_colours: int = 400, timeout: float = 15) -> int:
        """The page can report "loaded" a moment before WebKit paints it; poll the pixels."""
        deadline = time.monotonic() + timeout
        colours = 0
        while time.monotonic() < deadline:
            colours = self.screenshot(path)
            if colours >= min_colours:
                break
            time.sleep(0.2)
        return colours

    def close_windows_of(self, pid: int) -> int:
        """Send WM_DELETE_WINDOW, what a window manager sends when the close button is
        clicked, to every visible top-level window of ``pid``. Returns how many."""
        connection = display.Display(self.name)
        try:
            wm_protocols = connection.intern_atom("WM_PROTOCOLS")
            wm_delete = connection.intern_atom("WM_DELETE_WINDOW")
            net_wm_pid = connection.intern_atom("_NET_WM_PID")
            sent = 0
            for window in connection.screen().root.query_tree().children:
                if window.get_attributes().map_state != X.IsViewable:
                    continue
                if wm_delete not in (window.get_wm_protocols() or []):
                    continue
                owner = window.get_full_property(net_wm_pid, X.AnyPropertyType)
                if not owner or owner.value[0] != pid:
                    continue
                event = protocol.event.ClientMessage(
                    window=window, client_type=wm_protocols, data=(32, [wm_delete, X.CurrentTime, 0, 0, 0])
                )
                window.send_event(event, event_mask=X.NoEventMask)
                sent += 1
            connection.flush()
            return sent
        finally:
            connection.close()

    def window_titles_of(self, pid: int) -> list[str]:
        connection = display.Display(self.name)
        try:
            net_wm_pid = connection.intern_atom("_NET_WM_PID")
            titles = []
            for window in connection.screen().root.query_tree().children:
                owner = window.get_full_property(net_wm_pid, X.AnyPropertyType)
                if owner and owner.value[0] == pid and window.get_attributes().map_state == X.IsViewable:
                    titles.append(window.get_wm_name())
            return titles
        finally:
            connection.close()

    def _windows_of(self, connection: display.Display, pid: int) -> list:
        net_wm_pid = connection.intern_atom("_NET_WM_PID")
        found = []
        for window in connection.screen().root.query_tree().children:
            owner = window.get_full_property(net_wm_pid, X.AnyPropertyType)
            if owner and owner.value[0] == pid and window.get_attributes().map_state == X.IsViewable:
                found.append(window)
        return found

    def window_sizes_of(self, pid: int) -> list[tuple[int, int]]:
        connection = display.Display(self.name)
        try:
            sizes = []
            for window in self._windows_of(connection, pid):
                geometry = window.get_geometry()
                sizes.append((geometry.width, geometry.height))
            return sizes
        finally:
            connection.close()

    def resize_windows_of(self, pid: int, width: int, height: int, timeout: float = 10) -> None:
        """Resize like a window manager would, and wait until the client has followed."""
        connection = display.Display(self.name)
        try:
            for window in self._windows_of(connection, pid):
                window.configure(width=width, height=height)
            connection.sync()
        finally:
            connection.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.window_sizes_of(pid) != [(width, height)]:
            time.sleep(0.05)
