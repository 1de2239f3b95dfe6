"""The dashboard's figures, exact, on a small library where every number is known."""

from datetime import date

import pytest

from tests.integration.journal_data import STATISTICS_TODAY, build_statistics_dataset
from webapp.extensions import db
from webapp.journal import statistics
from webapp.models import ReadingGoal

EXPECTED_MONTHS = [
    (2025, 6, 1, 0),  # book D has no page count
    (2025, 7, 0, 0),
    (2025, 8, 0, 0),
    (2025, 9, 0, 0),
    (2025, 10, 0, 0),
    (2025, 11, 0, 0),
    (2025, 12, 0, 0),
    (2026, 1, 2, 700),  # C, and F read again
    (2026, 2, 0, 0),
    (2026, 3, 0, 0),
    (2026, 4, 0, 0),
    (2026, 5, 2, 300),
]
EXPECTED_YEARS = [(2023, 1), (2024, 0), (2025, 3), (2026, 4)]  # 2025: D again, month unknown
EXPECTED_RATINGS = [
    (0.5, 0),
    (1.0, 1),
    (1.5, 1),
    (2.0, 0),
    (2.5, 0),
    (3.0, 0),
    (3.5, 0),
    (4.0, 2),
    (4.5, 0),
    (5.0, 2),
]
EXPECTED_FORMATS = [("Hardcover", 1), ("Paperback", 2), ("E-book", 1), ("Audiobook", 2), ("Not recorded", 2)]


def assert_statistics_of_the_dataset(ids: dict[str, int]) -> None:
    ada = ids["ada"]
    months = statistics.last_twelve_months(ada, STATISTICS_TODAY)
    assert [(m.year, m.month, m.books, m.pages) for m in months] == EXPECTED_MONTHS
    assert months[-1].label == "May 2026"
    assert statistics.books_per_year(ada) == EXPECTED_YEARS
    assert statistics.ratings_distribution(ada) == EXPECTED_RATINGS
    assert statistics.formats_read(ada) == EXPECTED_FORMATS
    assert statistics.goal_progress(ada, 2026) == statistics.GoalProgress(2026, None, 4)
    db.session.add(ReadingGoal(user_id=ada, year=2026, target_books=5))
    db.session.commit()
    goal = statistics.goal_progress(ada, 2026)
    assert (goal.target, goal.done, goal.percent) == (5, 4, 80)
    assert statistics.goal_progress(ada, 2025).done == 3  # the year-only re-read counts in its year
    assert statistics.goal_progress(ada, 2024).done == 0


def test_statistics_count_exactly_what_was_finished_and_when(app) -> None:
    with app.app_context():
        assert_statistics_of_the_dataset(build_statistics_dataset(db.session))


def test_another_readers_books_are_not_counted(app) -> None:
    with app.app_context():
        bob = build_statistics_dataset(db.session)["bob"]
        assert [m.books for m in statistics.last_twelve_months(bob, STATISTICS_TODAY)][-1] == 1
        assert statistics.books_per_year(bob) == [(2026, 1)]
        assert statistics.formats_read(bob) == [("Hardcover", 1)]


def test_a_reader_with_nothing_read_gets_empty_statistics(app) -> None:
    with app.app_context():
        ids = build_statistics_dataset(db.session)
        assert statistics.books_per_year(ids["bob"] + 100) == []
        assert all(m.books == 0 for m in statistics.last_twelve_months(ids["bob"] + 100, date(2026, 5, 1)))


@pytest.mark.parametrize(
    ("today", "back", "expected"),
    [
        (date(2026, 5, 15), 11, (2025, 6)),
        (date(2026, 1, 1), 1, (2025, 12)),
        (date(2026, 12, 31), 0, (2026, 12)),
    ],
)
def test_months_are_counted_back_across_years(today, back, expected) -> None:
    assert statistics.month_start(today, back) == expected


@pytest.mark.postgres
def test_statistics_are_the_same_on_postgresql(make_app, postgres_url) -> None:
    from webapp.schema_upgrade import upgrade_with_backup

    app = make_app(migrate=False, SQLALCHEMY_DATABASE_URI=postgres_url, MODE="server")
    upgrade_with_backup(app)
    with app.app_context():
        assert_statistics_of_the_dataset(build_statistics_dataset(db.session))
        db.session.remove()
        db.engine.dispose()
