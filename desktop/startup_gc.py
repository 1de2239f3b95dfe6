"""No garbage collection while Shelfmark starts.

Starting builds a few hundred thousand objects (modules, classes, SQLAlchemy mappers,
URL rules) that live as long as the program, so the collector's passes during start
find nothing to free; on this kind of machine they cost ~60 ms of a ~700 ms start
(tests/bench/bench_startup.py). We pause collection from the first line of main.py
and, once the app is serving, resume it with everything made so far frozen into the
permanent generation, where later collections don't walk it again.
"""

from __future__ import annotations

import gc


def pause() -> None:
    gc.disable()


def resume() -> None:
    """Idempotent: safe to call on every path out of start-up."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
