"""The rules of webapp.reading_history: reads and the reading's status stay in step,
whatever front end changes them; and the statistics count the reads."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.extensions import db
from webapp.journal import statistics
from webapp.models import Book, Reading, User
from webapp.partial_dates import PartialDate
from webapp.reading_history import (
    ReadProblem,
    add_read,
    change_status,
    read_again,
    remove_read,
    update_read,
)

TODAY = date(2026, 5, 15)


def day(text: str) -> PartialDate:
    return PartialDate.parse(text)


@pytest.fixture
def reading(app):
    with app.app_context():
        reading = Reading(user=User(username="ada", display_name="Ada"), book=Book(title="Dune", pages=600))
        db.session.add(reading)
        db.session.commit()
        yield reading
        db.session.rollback()


def shape(reading: Reading) -> list[tuple[str, str | None, str | None]]:
    return [
        (read.outcome, read.started and read.started.iso(), read.ended and read.ended.iso())
        for read in reading.history
    ]


def test_reading_a_book_again_starts_a_new_read_and_keeps_the_old_ones(reading) -> None:
    add_read(reading, "finished", day("2019-03-01"), day("2019-03-20"), today=TODAY)
    reading.progress_pages = 600
    read_again(reading, today=TODAY)
    db.session.commit()
    assert shape(reading) == [("finished", "2019-03-01", "2019-03-20"), ("in_progress", "2026-05-15", None)]
    assert reading.status == "reading" and reading.times_read == 1
    assert reading.progress_pages is None  # the new read starts from the beginning
    with pytest.raises(ReadProblem) as refused:
        read_again(reading, today=TODAY)
    assert set(refused.value.errors) == {"outcome"}
    assert len(reading.reads) == 2


@pytest.mark.parametrize(
    ("outcome", "started", "ended", "field"),
    [
        ("finished", "2019-03-20", "2019-03-01", "ended_on"),
        ("finished", "2020", "2019-12-31", "ended_on"),
        ("finished", "2026-05-16", None, "started_on"),
        ("finished", None, "2026-06", "ended_on"),
        ("in_progress", "2026-01-01", "2026-02-01", "ended_on"),
        ("abandoned", None, None, "outcome"),
    ],
)
def test_an_impossible_read_is_refused_per_field_and_changes_nothing(
    reading, outcome, started, ended, field
) -> None:
    with pytest.raises(ReadProblem) as refused:
        add_read(reading, outcome, started and day(started), ended and day(ended), today=TODAY)
    assert field in refused.value.errors
    assert reading.reads == [] and reading.status == "want_to_read"


def test_a_coarse_end_may_close_a_read_started_within_it(reading) -> None:
    add_read(reading, "finished", day("2019-03-20"), day("2019"), today=TODAY)
    add_read(reading, "finished", day("2024-02-10"), day("2024-02"), today=TODAY)
    db.session.commit()
    assert reading.times_read == 2


def test_only_one_read_is_ever_under_way(reading) -> None:
    add_read(reading, "in_progress", day("2026-05-01"), today=TODAY)
    with pytest.raises(ReadProblem):
        add_read(reading, "in_progress", today=TODAY)
    old = add_read(reading, "finished", day("2020"), day("2020"), today=TODAY)
    with pytest.raises(ReadProblem):
        update_read(old, "in_progress", None, None, today=TODAY)
    assert [read.outcome for read in reading.history] == ["finished", "in_progress"]


def test_the_status_follows_the_reads(reading) -> None:
    first = add_read(reading, "finished", None, day("2019-03"), today=TODAY)
    assert reading.status == "read"
    current = add_read(reading, "in_progress", day("2026-05-01"), today=TODAY)
    assert reading.status == "reading"
    update_read(current, "did_not_finish", day("2026-05-01"), day("2026-05-10"), today=TODAY)
    assert reading.status == "did_not_finish"
    remove_read(current)
    assert reading.status == "read"
    remove_read(first)
    assert reading.status == "want_to_read" and reading.reads == []


def test_want_to_read_with_earlier_reads_is_a_wish_to_read_it_again(reading) -> None:
    add_read(reading, "finished", None, day("2019"), today=TODAY)
    change_status(reading, "want_to_read", today=TODAY)
    add_read(reading, "finished", None, day("2021"), today=TODAY)
    assert reading.status == "want_to_read" and reading.times_read == 2


def test_changing_the_status_moves_the_reads(reading) -> None:
    change_status(reading, "reading", today=TODAY)
    assert shape(reading) == [("in_progress", "2026-05-15", None)]
    change_status(reading, "read", today=TODAY)
    assert shape(reading) == [("finished", "2026-05-15", "2026-05-15")]
    change_status(reading, "read", today=TODAY)  # the same status again: nothing new
    assert len(reading.reads) == 1
    change_status(reading, "reading", today=TODAY)
    change_status(reading, "did_not_finish", today=TODAY)
    assert [read.outcome for read in reading.history] == ["finished", "did_not_finish"]


def test_a_slip_of_the_select_is_taken_back_but_a_real_start_is_kept(reading) -> None:
    change_status(reading, "reading", today=TODAY)
    change_status(reading, "want_to_read", today=TODAY)
    assert reading.reads == []  # started today: a slip
    add_read(reading, "in_progress", day("2026-04-01"), today=TODAY)
    change_status(reading, "want_to_read", today=TODAY)
    assert shape(reading) == [("did_not_finish", "2026-04-01", None)]


def test_marking_a_book_read_that_was_never_started_adds_an_undated_read(reading) -> None:
    change_status(reading, "read", today=TODAY)
    assert shape(reading) == [("finished", None, None)]
    db.session.commit()
    # Cataloguing an old read must not count it as finished this month.
    assert statistics.goal_progress(reading.user_id, TODAY.year).done == 0


def test_a_re_read_counts_twice_and_a_year_only_read_counts_in_no_month(any_db_app) -> None:
    with any_db_app.app_context():
        reading = Reading(user=User(username="ada", display_name="Ada"), book=Book(title="Dune", pages=600))
        db.session.add(reading)
        add_read(reading, "finished", day("2026-01-02"), day("2026-01-20"), today=TODAY)
        add_read(reading, "finished", day("2026-03-01"), day("2026-03-09"), today=TODAY)
        add_read(reading, "finished", None, day("2026"), today=TODAY)
        add_read(reading, "did_not_finish", day("2026-04-01"), day("2026-04-03"), today=TODAY)
        db.session.commit()
        user_id = reading.user_id
        months = {
            (m.year, m.month): (m.books, m.pages) for m in statistics.last_twelve_months(user_id, TODAY)
        }
        assert months[(2026, 1)] == (1, 600) and months[(2026, 3)] == (1, 600)
        assert months[(2026, 4)] == (0, 0)
        assert sum(books for books, _pages in months.values()) == 2
        assert statistics.books_per_year(user_id) == [(2026, 3)]
        assert statistics.goal_progress(user_id, 2026).done == 3
        assert statistics.formats_read(user_id) == [("Not recorded", 3)]
