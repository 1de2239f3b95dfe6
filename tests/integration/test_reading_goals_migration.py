"""Revision 0006 adds reading goals to a library that already holds everything else."""

import sqlite3

import pytest

from tests.integration.migration_helpers import (
    assert_rows_kept,
    filled_at_first_revision,
    migrate_down_to,
    migrate_to,
    table_rows,
)


def test_a_library_filled_before_reading_goals_keeps_every_row_and_can_set_one(make_app) -> None:
    app = make_app(migrate=False)
    path, before = filled_at_first_revision(app)

    migrate_to(app, "0006")

    assert_rows_kept(path, before)
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("INSERT INTO reading_goals (user_id, year, target_books) VALUES (1, 2026, 24)")
        assert connection.execute("SELECT user_id, year, target_books FROM reading_goals").fetchall() == [
            (1, 2026, 24)
        ]
        with pytest.raises(sqlite3.IntegrityError), connection:
            connection.execute("INSERT INTO reading_goals (user_id, year, target_books) VALUES (1, 2026, 30)")
        with pytest.raises(sqlite3.IntegrityError), connection:
            connection.execute("INSERT INTO reading_goals (user_id, year, target_books) VALUES (2, 2026, 0)")
    finally:
        connection.close()


def test_downgrading_0006_removes_the_goals_and_keeps_the_rest(make_app) -> None:
    app = make_app(migrate=False)
    path, before = filled_at_first_revision(app)
    counts = {table: len(rows) for table, rows in before.items()}
    migrate_to(app, "0006")
    migrate_down_to(app, "0001")
    connection = sqlite3.connect(path)
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    connection.close()
    assert "reading_goals" not in tables
    assert {table: len(table_rows(path, table)) for table in counts} == counts
