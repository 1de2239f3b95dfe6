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

    def describe(self) -> str:
        parts = []
        if self.pid:
            parts.append(f"process {self.pid}")
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
            "Use that window, or close it first."
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
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
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
        self.publish(url=None)

    def _still_current(self, handle: IO[bytes]) -> bool:
        try:
            on_disk = self.lock_path.stat()
        except FileNotFoundError:
            return False
        held = os.fstat(handle.fileno())
        return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)

    def publish(self, url: str | None) -> None:
        info: dict[str, Any] = {
            "pid": os.getpid(),
            "started": datetime.now().isoformat(timespec="seconds"),
            "url": url,
        }
        temporary = self.info_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(info), encoding="utf-8")
        temporary.replace(self.info_path)

    def read_info(self) -> RunningInstance:
        try:
            info = json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return RunningInstance(None, None, None)
        return RunningInstance(info.get("pid"), info.get("url"), info.get("started"))

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
