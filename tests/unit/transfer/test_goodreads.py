"""The Goodreads reader's cell rules, without a database."""

from __future__ import annotations

import pytest

from webapp.catalogue import SeriesPlace
from webapp.transfer.sources.goodreads import split_series


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Gideon the Ninth (The Locked Tomb #1)",
            ("Gideon the Ninth", [SeriesPlace("The Locked Tomb", "1")]),
        ),
        (
            "The Way of Kings (The Stormlight Archive, #1)",
            ("The Way of Kings", [SeriesPlace("The Stormlight Archive", "1")]),
        ),
        (
            "Edgedancer (The Stormlight Archive, #2.5)",
            ("Edgedancer", [SeriesPlace("The Stormlight Archive", "2.5")]),
        ),
        ("Omnibus (Discworld, #2-3)", ("Omnibus", [SeriesPlace("Discworld", "2-3")])),
        ("Dune", ("Dune", [])),
        ("Notes (on a scandal)", ("Notes (on a scandal)", [])),
    ],
)
def test_a_series_in_the_title_becomes_a_series_place(title, expected) -> None:
    assert split_series(title) == expected
