"""Start ``main.py`` as a real process and watch it, the way a user's OS would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"


@dataclass
class Launch:
    process: subprocess.Popen[str]
    data_dir: Path
    first_lines: list[str] = field(default_factory=list)

    @property
    def log_file(self) -> Path:
        return self.data_dir / "logs" / "shelfmark.log"

    def read_url(self, timeout: float = 30) -> str:
        """The first line on stdout is the address to open."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            self.first_lines.append(line)
            if line.startswith("http://"):
                return line.strip()
            if not line and self.process.poll() is not None:
                break
        raise AssertionError(f"no URL printed; exit {self.process.poll()}; stderr: {self.stderr()}")

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return self.process.stderr.read()

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log_file.exists() and text in self.log_file.read_text(encoding="utf-8"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        log = self.log_file.read_text(encoding="utf-8") if self.log_file.exists() else "(no log)"
        raise AssertionError(f"{text!r} never logged; exit {self.process.poll()}\n{log}\n{self.stderr()}")

    def stop(self, sig: int, timeout: float = 20) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout)


def from_source() -> list[str]:
    """The command that starts Shelfmark from this checkout."""
    return [sys.executable, str(MAIN)]


def launch(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, program: Sequence[str] | None = None
) -> Launch:
    """Start ``program`` (default: main.py from source; a frozen bundle's executable in the
    packaging tests) on ``data_dir`` with ``args``, pipes on stdout and stderr."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    environment.pop("SHELFMARK_DATA_DIR", None)
    process = subprocess.Popen(
        [*(program or from_source()), "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    return Launch(process, data_dir)


def origin_of(url: str) -> str:
    """``http://127.0.0.1:PORT`` of a printed launch URL (which carries the secret)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.connect(("127.0.0.1", port))
        except OSError:
            return True
        return False


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """TCP sockets in LISTEN state owned by ``pid`` (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table, width in (("tcp", 8), ("tcp6", 32)):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:
                continue
            address_hex, port_hex = fields[1].split(":")
            found.add((_decode_address(address_hex, width), int(port_hex, 16)))
    return found


def _decode_address(hex_address: str, width: int) -> str:
    raw = bytes.fromhex(hex_address)
    if width == 8:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def library_from_the_future(folder: Path) -> Path:
    """A library folder whose database says a newer Shelfmark wrote it."""
    import sqlite3

    folder.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(folder / "shelfmark.db")
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    connection.execute("INSERT INTO alembic_version VALUES ('zz_future')")
    connection.commit()
    connection.close()
    return folder
