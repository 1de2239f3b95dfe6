"""Shelfmark's entry point: the desktop program by default, a server with ``serve``."""

from __future__ import annotations

import sys

from desktop import startup_gc

startup_gc.pause()  # resumed once the app is serving (desktop/startup_gc.py)

from desktop.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
