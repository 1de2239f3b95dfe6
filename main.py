"""Shelfmark's entry point: the desktop program by default, a server with ``serve``."""

from __future__ import annotations

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
