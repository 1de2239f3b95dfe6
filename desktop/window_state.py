"""The window's size, remembered between launches.

Kept as a small JSON file in the settings folder. Anything unreadable or implausible
(a hand-edited file, a screen that got smaller) falls back to the default size, so a
bad file can never stop the window from opening.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)

STATE_FILE = "window.json"
LARGEST = 10_000


def load_window_size(path: Path, default: tuple[int, int], minimum: tuple[int, int]) -> tuple[int, int]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        width, height = int(saved["width"]), int(saved["height"])
    except FileNotFoundError:
        return default
    except (OSError, ValueError, TypeError, KeyError) as problem:
        log.info("Ignoring the saved window size in %s: %s", path, problem)
        return default
    if not (minimum[0] <= width <= LARGEST and minimum[1] <= height <= LARGEST):
        return default
    return width, height


def save_window_size(path: Path, size: tuple[int, int]) -> None:
    """Best effort: failing to remember a size must never fail the shutdown."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"width": size[0], "height": size[1]}), encoding="utf-8")
        temporary.replace(path)
    except OSError as problem:
        log.warning("Could not remember the window size in %s: %s", path, problem)
