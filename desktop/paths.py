"""Where things are, frozen (PyInstaller) or not.

Resources (templates, static files, migrations) live beside the code in a checkout and
under ``sys._MEIPASS`` in a bundle; user data never lives in either place.
"""

from __future__ import annotations

import sys
from pathlib import Path


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def resource_root() -> Path:
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)
