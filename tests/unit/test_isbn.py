import pytest

from webapp.isbn import InvalidISBN, isbn10_to_isbn13, isbn13_to_isbn10, normalize_isbn10, normalize_isbn13


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("9780441172719", "9780441172719"),
        ("978-0-441-17271-9", "9780441172719"),
        (" 978 0 441 17271 9 ", "9780441172719"),
        ('="9780441172719"', "9780441172719"),  # Goodreads' spreadsheet-proof quoting
        ("ISBN 978-0-441-17271-9", "9780441172719"),
        ("0441172717", "9780441172719"),  # an ISBN-10 becomes its ISBN-13
        ("0-8044-2957-X", "9780804429573"),
        ("979-10-90636-07-1", "9791090636071"),
    ],
)
def test_isbn13_normalised(typed: str, normal: str) -> None:
    assert normalize_isbn13(typed) == normal


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("9780441172718", "check digit"),
        ("978044117271", "13 digits"),
        ("97804411727190", "13 digits"),
        ("9770441172719", "978 or 979"),
        ("978044117271X", "13 digits"),
        ("0441172718", "check digit"),
        ("abc", "digit"),
        ("", "digit"),
    ],
)
def test_bad_isbn13_says_why(typed: str, reason: str) -> None:
    with pytest.raises(InvalidISBN, match=reason):
        normalize_isbn13(typed)


def test_isbn10_with_x_check_digit() -> None:
    assert normalize_isbn10("0-8044-2957-x") == "080442957X"


def test_isbn10_and_13_convert_both_ways() -> None:
    assert isbn10_to_isbn13("0441172717") == "9780441172719"
    assert isbn13_to_isbn10("9780441172719") == "0441172717"
    assert isbn13_to_isbn10("9791090636071") is None
