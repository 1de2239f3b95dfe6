import pytest

from webapp.templating import format_money, stars_label


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (1299, "EUR", "€12.99"),
        (100000, "USD", "$1,000.00"),
        (1500, "JPY", "¥1,500"),
        (250, "SEK", "2.50 SEK"),
        (None, "EUR", ""),
    ],
)
def test_money_is_shown_in_its_currency(minor, currency, shown) -> None:
    assert format_money(minor, currency) == shown


@pytest.mark.parametrize(
    ("rating", "label"), [(None, "Not rated"), (1, "1 star out of 5"), (3.5, "3.5 stars out of 5")]
)
def test_stars_are_spoken_as_words(rating, label) -> None:
    assert stars_label(rating) == label
