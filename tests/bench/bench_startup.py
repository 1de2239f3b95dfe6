"""Start-up and memory: Shelfmark's launcher against a bare Flask app on waitress.

Figures: process start -> first 200 from /healthz (--headless, median of 10, first run
and warm), the same for a hello-world Flask app on waitress, start -> page loaded in
the window under Xvfb (median of 5), and idle resident memory of the headless server.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from tests.desktop.launching import MAIN, ROOT, origin_of

BARE_APP = """
from flask import Flask
from waitress.server import create_server
app = Flask("bare")
@app.get("/healthz")
def healthz():
    return {"status": "ok"}
@app.get("/")
def hello():
    return "Hello, world"
server = create_server(app, host="127.0.0.1", port=0)
print(f"http://127.0.0.1:{server.effective_port}/", flush=True)
server.run()
"""

#: The floor for any app built on our stack: Flask, waitress and Flask-SQLAlchemy with
#: one mapped table on a SQLite file. Shelfmark can't answer sooner than this unless
#: it answers before its database layer is loaded.
FLOOR_APP = """
import sys
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from waitress.server import create_server
class Base(DeclarativeBase):
    pass
db = SQLAlchemy(model_class=Base)
class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
app = Flask("floor")
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + sys.argv[1]
db.init_app(app)
with app.app_context():
    db.create_all()
@app.get("/healthz")
def healthz():
    return {"status": "ok", "books": db.session.query(Book).count()}
server = create_server(app, host="127.0.0.1", port=0)
print(f"http://127.0.0.1:{server.effective_port}/", flush=True)
server.run()
"""


def compile_sources() -> None:
    """Write our modules' bytecode once, as an installed or frozen app has it: this
    machine sets PYTHONDONTWRITEBYTECODE, which would otherwise make every start of
    ours recompile ~100 modules while the libraries it is compared with are compiled."""
    import compileall

    for package in ("desktop", "webapp"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def _first_200(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.005)
    raise RuntimeError(f"{url} never answered 200")


def time_to_healthz(command: list[str]) -> tuple[float, int]:
    """Seconds from spawning ``command`` to its first 200 on /healthz; also its pid's RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    try:
        url = ""
        while not url.startswith("http://"):
            url = process.stdout.readline().strip()
            if not url and process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}")
        _first_200(origin_of(url) + "/healthz", time.monotonic() + 30)
        elapsed = time.perf_counter() - started
        return elapsed, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
        process.stdout.close()


def idle_rss_kib(command: list[str], settle: float) -> int:
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    try:
        url = process.stdout.readline().strip()
        _first_200(origin_of(url) + "/healthz", time.monotonic() + 30)
        # The launch URL, then the home page, signed in (the cookie must be kept).
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(url, timeout=5):
            pass
        time.sleep(settle)
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
        process.stdout.close()


def time_to_window(
    data_dir: Path, display: str, program: list[str] | None = None, marker: str = "Window loaded a page"
) -> float:
    """Seconds from spawning ``program`` (default main.py from source) to ``marker`` in
    its log: "Window on screen" (the opening page) or "Window loaded a page" (the app)."""
    import os

    log = data_dir / "logs" / "shelfmark.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "DISPLAY": display, "WAYLAND_DISPLAY": ""}
    started = time.perf_counter()
    process = subprocess.Popen(
        [*(program or [sys.executable, str(MAIN)]), "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if log.exists() and marker in log.read_text():
                return time.perf_counter() - started
            time.sleep(0.005)
        raise RuntimeError("the window never loaded")
    finally:
        process.terminate()
        process.wait(20)


def describe(label: str, samples: list[float]) -> str:
    return (
        f"{label:<44} median {statistics.median(samples) * 1000:7.1f} ms"
        f"   min {min(samples) * 1000:7.1f}   max {max(samples) * 1000:7.1f}   (n={len(samples)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--window-runs", type=int, default=5)
    parser.add_argument("--no-window", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        compile_sources()
        bare = [sys.executable, "-c", BARE_APP]
        floor = [sys.executable, "-c", FLOOR_APP, str(scratch_path / "floor.db")]
        ours = [sys.executable, str(MAIN), "--headless", "--data-dir", str(scratch_path / "warm")]
        time_to_healthz(ours)  # create and migrate the library once

        bare_times, floor_times, first_run_times, warm_times = [], [], [], []
        for run in range(args.runs):  # interleaved so all see the same machine state
            bare_times.append(time_to_healthz(bare)[0])
            floor_times.append(time_to_healthz(floor)[0])
            warm_times.append(time_to_healthz(ours)[0])
            fresh = [sys.executable, str(MAIN), "--headless", "--data-dir", str(scratch_path / f"fresh{run}")]
            first_run_times.append(time_to_healthz(fresh)[0])

        print(describe("bare Flask on waitress: start -> 200", bare_times))
        print(describe("Flask + Flask-SQLAlchemy floor: start -> 200", floor_times))
        print(describe("Shelfmark --headless, existing library", warm_times))
        print(describe("Shelfmark --headless, first run (migrate)", first_run_times))
        ratio = statistics.median(warm_times) / statistics.median(bare_times)
        print(f"ratio Shelfmark (existing library) / bare app: {ratio:.2f}x (target <= 2x)")
        floor_ratio = statistics.median(floor_times) / statistics.median(bare_times)
        print(f"ratio Flask-SQLAlchemy floor / bare app: {floor_ratio:.2f}x")
        rss_bare = idle_rss_kib(bare, settle=2)
        rss_ours = idle_rss_kib(ours, settle=2)
        print(f"idle RSS: Shelfmark --headless {rss_ours / 1024:.1f} MiB, bare app {rss_bare / 1024:.1f} MiB")

        if not args.no_window:
            from tests.desktop.x11 import VirtualScreen

            screen = VirtualScreen.start()
            try:
                window_dir = scratch_path / "window"
                time_to_healthz([sys.executable, str(MAIN), "--headless", "--data-dir", str(window_dir)])
                shown = [
                    time_to_window(window_dir, screen.name, marker="Window on screen")
                    for _ in range(args.window_runs)
                ]
                window_times = [time_to_window(window_dir, screen.name) for _ in range(args.window_runs)]
                print(describe("start -> GTK window on screen (Xvfb)", shown))
                print(describe("start -> page loaded in the GTK window (Xvfb)", window_times))
            finally:
                screen.stop()


if __name__ == "__main__":
    main()
