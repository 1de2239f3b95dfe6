"""The reader's calendar day, asked for in one place.

Loans fall overdue, reads may not end in the future and the year in review opens on
this year, all by the same day. Asking here rather than calling ``clock.today()`` at
each site means every part of one request agrees on the day, and the test suite can
hold the day still when a run crosses midnight.
"""

from __future__ import annotations

from datetime import date


def today() -> date:
    """Today on this computer's calendar (the local day, as the reader sees it)."""
    return date.today()
