"""The profile page and the dashboard: what a reader sees of themselves and others."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, make_user, sign_in
from tests.integration.journal_data import add_book, add_post, add_reading
from tests.today import TODAY
from webapp.extensions import db
from webapp.models import ReadingGoal, Shelf, User


@pytest.fixture
def library(app, user) -> None:
    """The reader is halfway through one book, finished another this year, has a shelf,
    and wrote a shared and a private post."""
    with app.app_context():
        reader = db.session.get(User, user.id)
        now_reading = add_book(db.session, "Piranesi", 272, "hardcover")
        finished = add_book(db.session, "Middlemarch", 880, "paperback")
        add_reading(db.session, reader, now_reading, "reading", progress_pages=136)
        add_reading(db.session, reader, finished, "read", TODAY - timedelta(days=1), rating_halves=9)
        db.session.add(Shelf(owner=reader, name="Favourites", books=[finished]))
        add_post(db.session, reader, "Shared thoughts", "shared", book=finished)
        add_post(db.session, reader, "Private thoughts", "private")
        db.session.commit()


def test_a_profile_shows_shelves_current_and_recent_reads_and_posts(library, signed_in, user) -> None:
    page = signed_in.get(f"/user/{user.username}").get_data(as_text=True)
    assert "Piranesi" in page and "50%" in page and "page 136 of 272" in page
    assert "Middlemarch" in page and "4.5 stars out of 5" in page
    assert "Favourites" in page and "1 book" in page
    assert "Shared thoughts" in page and "Private thoughts" in page


def test_another_reader_sees_only_the_shared_posts_on_a_profile(app, library, client, user) -> None:
    sign_in(client, make_user(app, "visitor"))
    page = client.get(f"/user/{user.username}").get_data(as_text=True)
    assert "Shared thoughts" in page
    assert "Private thoughts" not in page
    assert "Piranesi" not in page  # a reading is private unless its reader shares it
    assert "Favourites" in page  # shelves are not private


def test_an_unknown_profile_is_404(signed_in) -> None:
    assert signed_in.get("/user/nobody").status_code == 404


def test_the_dashboard_shows_reading_progress_posts_and_charts(library, signed_in) -> None:
    page = signed_in.get("/dashboard").get_data(as_text=True)
    assert "Piranesi" in page and 'value="50"' in page
    assert "Shared thoughts" in page and "Private thoughts" in page
    charts = re.findall(r'<svg class="chart-svg"[^>]*role="img"', page)
    assert len(charts) == 5  # books and pages per month, per year, ratings, formats
    assert '<title id="chart-books-month-title">Books finished per month</title>' in page
    this_month = TODAY - timedelta(days=1)
    assert f"{this_month:%b}: 1" in page  # the chart's spoken summary names the month's book
    assert "Paperback: 1" in page and "4.5★: 1" in page
    assert '<table class="visually-hidden">' in page


def test_the_dashboard_of_a_new_reader_says_there_is_nothing_yet(signed_in) -> None:
    page = signed_in.get("/dashboard").get_data(as_text=True)
    assert page.count("Nothing to draw yet") == 5
    assert "You are not reading anything right now." in page


def goal_of(app, user) -> int | None:
    with app.app_context():
        return db.session.scalar(
            select(ReadingGoal.target_books).where(
                ReadingGoal.user_id == user.id, ReadingGoal.year == TODAY.year
            )
        )


def test_setting_a_goal_shows_progress_and_changing_it_keeps_one_goal(app, library, signed_in, user) -> None:
    token = csrf_token(signed_in, "/dashboard")
    answer = signed_in.post("/dashboard/goal", data={"target_books": "4", "csrf_token": token})
    assert answer.status_code == 302
    page = signed_in.get("/dashboard").get_data(as_text=True)
    assert "<strong>1</strong> of 4 books" in page and 'value="25"' in page
    signed_in.post("/dashboard/goal", data={"target_books": "10", "csrf_token": token})
    assert goal_of(app, user) == 10
    with app.app_context():
        assert db.session.scalar(select(func.count(ReadingGoal.id))) == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Say how many books."),
        ("0", "A goal is a whole number from 1 to 1000."),
        ("-5", "A goal is a whole number from 1 to 1000."),
        ("2.5", "A goal is a whole number from 1 to 1000."),
        ("twelve", "A goal is a whole number from 1 to 1000."),
        ("1001", "A goal is a whole number from 1 to 1000."),
    ],
)
def test_a_goal_that_is_not_a_positive_whole_number_is_refused(app, signed_in, user, value, message) -> None:
    token = csrf_token(signed_in, "/dashboard")
    answer = signed_in.post("/dashboard/goal", data={"target_books": value, "csrf_token": token})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert page.count(message) == 1
    assert 'aria-invalid="true"' in page
    assert goal_of(app, user) is None


def test_the_navigation_offers_the_journal_pages_once_signed_in(signed_in, user) -> None:
    page = signed_in.get("/dashboard").get_data(as_text=True)
    for href in ("/dashboard", "/journal", "/posts/new", f"/user/{user.username}"):
        assert f'href="{href}"' in page
