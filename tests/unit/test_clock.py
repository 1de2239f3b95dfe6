"""webapp.clock, unpatched: the suite holds ``clock.today`` still, so this is the one
test that calls the real one (imported before any fixture replaces it)."""

from __future__ import annotations

from datetime import date

from webapp.clock import today as real_today


def test_today_is_this_computers_calendar_day() -> None:
    before = date.today()
    answer = real_today()
    after = date.today()
    assert answer in {before, after}  # a run may cross midnight between the calls
