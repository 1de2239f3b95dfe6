"""Dates known to the day, the month or the year: how they are written, read and ordered."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.partial_dates import DatePrecision, InvalidPartialDate, PartialDate, may_precede


@pytest.mark.parametrize(
    ("text", "value", "precision", "iso"),
    [
        ("2019", date(2019, 1, 1), DatePrecision.YEAR, "2019"),
        ("2019-03", date(2019, 3, 1), DatePrecision.MONTH, "2019-03"),
        ("2019-3", date(2019, 3, 1), DatePrecision.MONTH, "2019-03"),
        ("2019-03-20", date(2019, 3, 20), DatePrecision.DAY, "2019-03-20"),
        ("2019-3-5", date(2019, 3, 5), DatePrecision.DAY, "2019-03-05"),
        ("2020-02-29", date(2020, 2, 29), DatePrecision.DAY, "2020-02-29"),
        # Space around the text is what a paste leaves: forgiven, the date is the same.
        (" 2019\n", date(2019, 1, 1), DatePrecision.YEAR, "2019"),
    ],
)
def test_a_written_date_is_read_with_its_precision(text, value, precision, iso) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.value, parsed.precision, parsed.iso()) == (value, precision, iso)
    assert PartialDate.parse(parsed.iso()) == parsed  # what is written reads back the same


@pytest.mark.parametrize(
    "text",
    [
        "2019-13",  # no thirteenth month
        "2019-02-30",  # no 30 February
        "2019-02-29",  # not a leap year
        "\uff12\uff10\uff11\uff19",  # 2019 in full-width digits: not ASCII
        "2019-3-5x",
        "2019-03-20T10:00",
        "19",
        "20190320",
        "2019/03/20",
        "March 2019",
        "0000",  # no year zero
        "",
        "   ",
        "2019--03",
        "-2019",
    ],
)
def test_text_that_is_not_a_date_is_refused_with_a_message(text) -> None:
    with pytest.raises(InvalidPartialDate) as refused:
        PartialDate.parse(text)
    assert str(refused.value)  # a message the form can show


def test_something_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidPartialDate):
        PartialDate.parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "label", "short"),
    [
        ("2019", "2019", "2019"),
        ("2019-03", "Mar 2019", "Mar 2019"),
        ("2019-03-20", "20 Mar 2019", "Mar 2019"),
        ("2024-12-01", "1 Dec 2024", "Dec 2024"),
    ],
)
def test_labels_say_only_what_is_known(text, label, short) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.label(), parsed.short_label()) == (label, short)


def test_a_period_runs_from_its_first_to_its_last_day() -> None:
    assert PartialDate.parse("2019").latest == date(2019, 12, 31)
    assert PartialDate.parse("2024-02").latest == date(2024, 2, 29)
    assert PartialDate.parse("2019-03-20").latest == date(2019, 3, 20)
    assert not PartialDate.parse("2019").month_known and PartialDate.parse("2019-03").month_known


@pytest.mark.parametrize(
    ("first", "second", "may"),
    [
        ("2019-03", "2019", True),  # the year ends after March begins
        ("2019", "2019-03", True),
        ("2019-03-20", "2019-03", True),  # the same month
        ("2019-03-20", "2019-03-20", True),
        ("2019-03-21", "2019-03-20", False),
        ("2020", "2019-12-31", False),
        ("2019-04", "2019-03-31", False),
        (None, "2019", True),
        ("2019", None, True),
    ],
)
def test_may_precede_allows_what_the_precisions_cannot_rule_out(first, second, may) -> None:
    as_date = [None if text is None else PartialDate.parse(text) for text in (first, second)]
    assert may_precede(*as_date) is may


def test_a_coarse_date_must_be_stored_as_its_first_day() -> None:
    with pytest.raises(ValueError):
        PartialDate(date(2019, 3, 5), DatePrecision.MONTH)
    with pytest.raises(ValueError):
        PartialDate(date(2019, 3, 1), DatePrecision.YEAR)
    assert PartialDate.stored(date(2019, 3, 1), "month") == PartialDate.parse("2019-03")
    assert PartialDate.stored(None, None) is None
