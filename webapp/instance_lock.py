"""One running Shelfmark per data directory.

The operating system holds the lock (``flock`` / ``msvcrt.locking``), so a crashed
process never leaves a stale lock: the kernel drops it with the process. A small JSON
file beside it says who holds it, for the message the second launch prints.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

LOCK_NAME = "shelfmark.lock"
INFO_NAME = "shelfmark.instance.json"


@dataclass(frozen=True)
class RunningInstance:
    pid: int | None
    url: str | None
    started: str | None
    role: str | None = None

    def describe(self) -> str:
        parts = []
        if self.pid:
            parts.append(f"process {self.pid}" + (f", {self.role}" if self.role else ""))
        if self.started:
            parts.append(f"started {self.started}")
        if self.url:
            parts.append(f"serving {self.url}")
        return ", ".join(parts) or "details unknown"


class AlreadyRunning(Exception):
    def __init__(self, data_dir: Path, instance: RunningInstance) -> None:
        self.data_dir = data_dir
        self.instance = instance
        super().__init__(
            f"Shelfmark is already running on {data_dir} ({instance.describe()}). "
            "Use that one, or close it first."
        )


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class InstanceLock:
    """Held by everything that opens a library for writing: the window, ``serve``,
    ``unlock``, the self-test. ``role`` (e.g. "server") is what a refused second
    opener is told is holding it."""

    def __init__(self, data_dir: Path, role: str = "desktop") -> None:
        self.data_dir = data_dir
        self.role = role
        self.lock_path = data_dir / LOCK_NAME
        self.info_path = data_dir / INFO_NAME
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        while True:
            handle = open(self.lock_path, "a+b")  # noqa: SIM115 - held for the process's life
            if not _try_lock(handle):
                handle.close()
                raise AlreadyRunning(self.data_dir, self.read_info())
            if self._still_current(handle):
                break
            # The previous holder removed the file between our open and our lock:
            # we locked an orphan. Try again on the file that is there now.
            handle.close()
        self._handle = handle
        try:
            self.publish(url=None)
        except OSError:  # e.g. a full disk: leave nothing behind that says we run
            self.release()
            raise

    def _still_current(self, handle: IO[bytes]) -> bool:
        try:
            on_disk = self.lock_path.stat()
        except FileNotFoundError:
            return False
        held = os.fstat(handle.fileno())
        return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)

    def publish(self, url: str | None) -> None:
        """Say who holds the lock, for a refused second opener. ``url`` is an origin
        only: this file is readable by others and must never hold a secret."""
        info: dict[str, Any] = {
            "pid": os.getpid(),
            "started": datetime.now().isoformat(timespec="seconds"),
            "url": url,
            "role": self.role,
        }
        temporary = self.info_path.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(info), encoding="utf-8")
            temporary.replace(self.info_path)
        finally:
            temporary.unlink(missing_ok=True)

    def read_info(self) -> RunningInstance:
        try:
            info = json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return RunningInstance(None, None, None)
        return RunningInstance(info.get("pid"), info.get("url"), info.get("started"), info.get("role"))

    def release(self) -> None:
        if self._handle is None:
            return
        self.info_path.unlink(missing_ok=True)
        self.lock_path.unlink(missing_ok=True)
        self._handle.close()
        self._handle = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
