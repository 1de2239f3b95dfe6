"""The year in review, exact, on a small hand-made library, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_user, sign_in
from tests.integration.journal_data import add_book, add_read, add_reading
from webapp.extensions import db
from webapp.journal.year_review import year_review, years_with_reads
from webapp.models import User

STYLESHEET = Path(__file__).resolve().parents[2] / "webapp" / "static" / "css" / "shelfmark.css"


def build_year(app: Flask) -> dict[str, int]:
    """Ada's 2024: six finished reads of five books (one read twice within the year, two
    re-reads of books finished before), one only dated to the year; around them a read not
    finished, one under way, one finished the day before the year began, and Bob's read of
    a book Ada read too."""
    ada, bob = make_user(app, "ada"), make_user(app, "bob")
    with app.app_context():
        s = db.session
        ada_user, bob_user = s.get(User, ada.id), s.get(User, bob.id)
        long = add_book(s, "Long", 900, "hardcover")
        short = add_book(s, "Short", 90, "paperback")
        middle = add_book(s, "Middle", 300, "ebook")
        unpaged = add_book(s, "Unpaged")
        undated = add_book(s, "Undated Then", 200, "paperback")
        reading = add_reading(s, ada_user, long, "read", "2019-05", rating_halves=8)
        add_read(reading, "finished", "2024-03-01", "2024-03-10")
        add_reading(s, ada_user, short, "read", "2024-03-25", rating_halves=10)
        add_reading(s, ada_user, middle, "read", "2024")
        reading = add_reading(s, ada_user, unpaged, "read", "2024-11-02", rating_halves=6)
        add_read(reading, "finished", "2024-12-01", "2024-12-20")
        reading = add_reading(s, ada_user, undated, "read", None)
        add_read(reading, "finished", None, "2024-07-04")
        add_reading(s, ada_user, add_book(s, "Dropped", 500, "paperback"), "did_not_finish", "2024-06")
        add_reading(s, ada_user, add_book(s, "Now", 400, "ebook"), "reading", started="2024-12-01")
        add_reading(s, ada_user, add_book(s, "Old", 100, "audiobook"), "read", "2023-12-31", rating_halves=10)
        add_reading(s, bob_user, long, "read", "2024-05-01", rating_halves=1)
        s.commit()
        return {"ada": ada.id, "bob": bob.id, "long": long.id, "short": short.id}


@pytest.fixture
def year_app(any_db_app: Flask) -> tuple[Flask, dict[str, int]]:
    return any_db_app, build_year(any_db_app)


def test_the_figures_of_a_year_are_exact(year_app) -> None:
    app, ids = year_app
    with app.app_context():
        review = year_review(ids["ada"], 2024)
        assert (review.books, review.distinct_books, review.pages, review.books_without_pages) == (
            6,
            5,
            1490,
            2,
        )
        assert (review.longest.title, review.longest.pages) == ("Long", 900)
        assert (review.shortest.title, review.shortest.pages) == ("Short", 90)
        assert [(b.title, b.rating) for b in review.highest_rated] == [
            ("Short", 5),
            ("Long", 4),
            ("Unpaged", 3),
        ]
        assert [count for _month, count in review.by_month] == [0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 1]
        assert review.by_month[2] == ("Mar", 2)
        assert review.month_unknown == 1  # Middle, finished "2024"
        assert review.formats == [("Hardcover", 1), ("Paperback", 2), ("E-book", 1), ("Not recorded", 2)]
        assert [(b.title, b.ended.iso()) for b in review.rereads] == [
            ("Long", "2024-03-10"),  # first finished May 2019
            ("Undated Then", "2024-07-04"),  # an undated finished read came before
            ("Unpaged", "2024-12-20"),  # read twice within the year
        ]
        assert years_with_reads(ids["ada"]) == [2019, 2023, 2024]


def test_another_readers_year_is_their_own(year_app) -> None:
    app, ids = year_app
    with app.app_context():
        review = year_review(ids["bob"], 2024)
        assert (review.books, review.pages, review.rereads) == (1, 900, [])
        assert [(b.title, b.rating) for b in review.highest_rated] == [("Long", 0.5)]
        assert year_review(ids["ada"], 2023).books == 1


def test_a_year_without_finished_books_is_empty(year_app) -> None:
    app, ids = year_app
    with app.app_context():
        review = year_review(ids["ada"], 2020)
        assert review.empty and review.longest is None and review.formats == [] and review.rereads == []
        assert [count for _month, count in review.by_month] == [0] * 12


def review_page(app: Flask, user_id: int, path: str):
    client = app.test_client()
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
    sign_in(client, user)
    return client.get(path)


def test_the_year_in_review_page_shows_the_figures_and_links_to_other_years(year_app) -> None:
    app, ids = year_app
    response = review_page(app, ids["ada"], "/dashboard/year/2024")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>2024 in review</h1>" in page
    numbers = re.findall(r'<p class="review-number">([^<]*)</p>', page)
    assert numbers == ["6", "1,490"]
    assert "5 books, some read more than once" in page and "plus 2 books without a page count" in page
    assert f'href="/books/{ids["long"]}">Long</a> <span class="muted">900 pages' in page
    assert "Month unknown: 1 book (only the year was recorded)." in page
    assert "Mar: 2" in page  # the chart's spoken summary
    assert (
        'href="/dashboard/year/2023" rel="prev"' in page and 'href="/dashboard/year/2025" rel="next"' in page
    )
    assert '<a href="/dashboard/year/2024" aria-current="page">2024</a>' in page
    assert ">Dropped</a>" not in page and ">Now</a>" not in page and ">Old</a>" not in page


def test_the_year_in_review_page_of_an_empty_year_says_so(year_app) -> None:
    app, ids = year_app
    page = review_page(app, ids["bob"], "/dashboard/year/2019").get_data(as_text=True)
    assert "No books finished in 2019" in page and 'href="/dashboard/year/2024">See 2024</a>' in page
    assert "Long" not in page  # Ada's 2019 is not Bob's


@pytest.mark.parametrize("year", [0, 10000, 99999999999999999999])
def test_a_year_outside_the_calendar_is_not_found(year_app, year) -> None:
    app, ids = year_app
    assert review_page(app, ids["ada"], f"/dashboard/year/{year}").status_code == 404


def test_the_first_and_last_years_have_no_link_beyond_them(year_app) -> None:
    app, ids = year_app
    first = review_page(app, ids["ada"], "/dashboard/year/1").get_data(as_text=True)
    last = review_page(app, ids["ada"], "/dashboard/year/9999").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'href="/dashboard/year/2" rel="next"' in first
    assert 'rel="next"' not in last and "This year has not happened yet." in last


def test_the_dashboard_links_to_this_years_review(year_app) -> None:
    app, ids = year_app
    page = review_page(app, ids["ada"], "/dashboard").get_data(as_text=True)
    assert re.search(r'href="/dashboard/year/\d{4}">Your \d{4} in review</a>', page)
    redirect = review_page(app, ids["ada"], "/dashboard/year")
    assert redirect.status_code == 302 and re.fullmatch(
        r"/dashboard/year/\d{4}", redirect.headers["Location"]
    )


def test_the_year_in_review_prints_without_the_menus_and_keeps_cards_whole() -> None:
    css = STYLESHEET.read_text()
    section = css[css.index("/* Reading history and year in review */") :]
    printing = section[section.index("@media print") :]
    assert ".site-header" in printing and ".year-nav" in printing and "button" in printing
    assert "break-inside: avoid" in printing and "--bg: #fff" in printing and "--text: #000" in printing
