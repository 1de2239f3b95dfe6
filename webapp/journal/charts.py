"""Bar charts as plain geometry, for the templates to draw as SVG.

Drawing on the server keeps the dashboard free of JavaScript (the CSP allows no inline
script, and no chart library needs vendoring) and lets tests read the numbers. The
template (``journal/_charts.html``) turns a :class:`BarChart` into an ``<svg
role="img">`` with a title and a visually-hidden data table for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 480
HEIGHT = 200
MARGIN_LEFT = 36
MARGIN_BOTTOM = 28
MARGIN_TOP = 16
GAP_RATIO = 0.25
MAX_BAR_WIDTH = 56  # one or two bars should not fill the chart like a wall


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    value: float
    y: float


@dataclass(frozen=True)
class BarChart:
    title: str
    unit: str
    category: str
    bars: list[Bar]
    ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - MARGIN_BOTTOM
    left: float = MARGIN_LEFT

    @property
    def total(self) -> float:
        return sum(bar.value for bar in self.bars)

    @property
    def summary(self) -> str:
        """One sentence a screen reader can say instead of the picture."""
        parts = ", ".join(f"{bar.label}: {format_value(bar.value)}" for bar in self.bars)
        return f"{self.title} ({self.unit}). {parts}." if parts else f"{self.title}: no data yet."


def format_value(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def nice_ceiling(value: float) -> float:
    """The next round number at or above ``value`` (1, 2 or 5 times a power of ten): tidy gridlines."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def bar_chart(
    title: str,
    unit: str,
    category: str,
    series: Sequence[tuple[str, float]],
    width: int = WIDTH,
    height: int = HEIGHT,
) -> BarChart:
    """Lay out one bar per (label, value), scaled to the largest value rounded up.
    ``unit`` names the values ("books"), ``category`` the labels ("Month")."""
    top = nice_ceiling(max((value for _label, value in series), default=0))
    plot_width = width - MARGIN_LEFT - 8
    plot_height = height - MARGIN_BOTTOM - MARGIN_TOP
    baseline = height - MARGIN_BOTTOM
    slot = plot_width / max(len(series), 1)
    bar_width = min(slot * (1 - GAP_RATIO), MAX_BAR_WIDTH)
    bars = []
    for index, (label, value) in enumerate(series):
        bar_height = plot_height * value / top
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(MARGIN_LEFT + index * slot + (slot - bar_width) / 2, 2),
                y=round(baseline - bar_height, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
            )
        )
    # Gridlines at 0, half and top; the half only when it is a whole number (counts).
    ticks = [
        Tick(value=top * i / 2, y=round(baseline - plot_height * i / 2, 2))
        for i in range(3)
        if (top * i / 2).is_integer()
    ]
    return BarChart(title, unit, category, bars, ticks, width, height, baseline, MARGIN_LEFT)
