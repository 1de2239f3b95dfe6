"""The frozen bundle against the same program from source, in the same run.

Figures: process start -> first 200 from /healthz in --headless (median of 10, existing
library, frozen and source interleaved), and frozen start -> page loaded in the GTK
window under Xvfb (median of 5). Builds the bundle first unless --bundle points at one.

    .venv/bin/python -m tests.bench.bench_bundle [--bundle DIR/Shelfmark] [--runs 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.bench_startup import compile_sources, describe, time_to_healthz, time_to_window
from tests.desktop.launching import from_source


def built_program(out: Path) -> Path:
    from build.build import build

    started = time.perf_counter()
    result = build(out, gui="gtk", make_packages=True)
    mib = 1024 * 1024
    print(f"build: PyInstaller {result.build_seconds:.1f} s, build.py {time.perf_counter() - started:.1f} s")
    print(f"bundle: {result.bundle_bytes / mib:.1f} MiB unpacked")
    for kind, size in result.package_bytes.items():
        print(f"        {size / mib:.1f} MiB as {kind}")
    return result.program


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, help="the built program (default: build one now)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--window-runs", type=int, default=5)
    parser.add_argument("--no-window", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        program = args.bundle or built_program(scratch_path / "build")
        compile_sources()  # the frozen program's modules are compiled; so are ours, then
        frozen = [str(program), "--headless", "--data-dir", str(scratch_path / "frozen")]
        source = [*from_source(), "--headless", "--data-dir", str(scratch_path / "source")]
        time_to_healthz(frozen)  # create and migrate each library once
        time_to_healthz(source)

        frozen_times, source_times = [], []
        for _ in range(args.runs):  # interleaved so both see the same machine state
            frozen_times.append(time_to_healthz(frozen)[0])
            source_times.append(time_to_healthz(source)[0])
        print(describe("frozen --headless: start -> first 200", frozen_times))
        print(describe("source --headless: start -> first 200", source_times))

        if not args.no_window:
            from tests.desktop.x11 import VirtualScreen

            screen = VirtualScreen.start()
            try:
                library = scratch_path / "window"
                time_to_healthz([str(program), "--headless", "--data-dir", str(library)])
                frozen_window, source_window = [], []
                for _ in range(args.window_runs):
                    frozen_window.append(time_to_window(library, screen.name, [str(program)]))
                    source_window.append(time_to_window(library, screen.name, from_source()))
                print(describe("frozen: start -> page loaded in the window", frozen_window))
                print(describe("source: start -> page loaded in the window", source_window))
            finally:
                screen.stop()


if __name__ == "__main__":
    sys.exit(main())
