import pytest

from webapp.journal.charts import HEIGHT, MARGIN_BOTTOM, MARGIN_TOP, bar_chart, nice_ceiling


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (260, 500), (880, 1000)]
)
def test_the_scale_ends_on_a_round_number(value, ceiling) -> None:
    assert nice_ceiling(value) == ceiling


def test_bars_are_scaled_to_the_round_maximum_and_stand_on_the_baseline() -> None:
    chart = bar_chart("Books", "books", "Month", [("Jan", 0), ("Feb", 5), ("Mar", 10)])
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    assert [bar.height for bar in chart.bars] == [0, plot_height / 2, plot_height]
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)
    assert [tick.value for tick in chart.ticks] == [0, 5, 10]
    assert chart.summary == "Books (books). Jan: 0, Feb: 5, Mar: 10."


def test_counts_below_two_get_no_half_gridline() -> None:
    assert [tick.value for tick in bar_chart("B", "books", "Year", [("2026", 1)]).ticks] == [0, 1]
