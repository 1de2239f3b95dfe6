"""The one calendar day the whole test run lives on.

Taken once, when the suite is imported; tests/conftest.py holds webapp.clock on it, so
a run that crosses midnight cannot find a loan "lent in the future" or a read a day
out. Tests build their dates from ``TODAY`` rather than calling ``date.today()``.
"""

from __future__ import annotations

from datetime import date

TODAY = date.today()
