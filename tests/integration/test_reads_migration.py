"""Revision 0008: every reading's dates and times_read become its reads, without loss.

A library is filled at 0007 with plain SQL, as the old forms and API could leave it,
including the awkward rows (a count with one date, a finish without a start, a wish with a
count, a book in progress with an earlier finish). After the upgrade each reading has
exactly the reads the revision's docstring promises; its other columns, and every book,
are as they were (books gain copies 1 and no description). The downgrade gives back
times_read (the finished reads) and the dates of the read under way, else the latest dated
one. The same rows go through SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, text

from tests.integration.migration_helpers import (
    assert_values_kept,
    db_file,
    fill_at_0001,
    migrate_down_to,
    migrate_to,
    rows_by_column,
)

D, F, P = "did_not_finish", "finished", "in_progress"
UNDATED_FINISH = (F, None, None, None, None)

#: reading id -> (status, started_on, finished_on, times_read, what it means)
CASES = {
    3: ("read", "2024-01-02", "2024-02-01", 3, "read three times, one date"),
    4: ("read", None, "2023-07-15", 1, "finished without a start"),
    5: ("read", None, None, 0, "read, no dates, times_read 0"),
    6: ("did_not_finish", "2024-03-01", "2024-03-10", 0, "put down, with dates"),
    7: ("did_not_finish", None, None, 0, "put down, no dates"),
    8: ("want_to_read", None, None, 0, "a wish"),
    9: ("want_to_read", None, None, 2, "a wish read twice before"),
    10: ("want_to_read", "2024-04-01", None, 0, "a wish with only a start"),
    11: ("reading", None, "2023-05-01", 1, "in progress, an earlier finish"),
    12: ("reading", "2024-09-01", None, 0, "in progress, times_read 0"),
    13: ("did_not_finish", "2024-03-01", "2024-03-10", 1, "read once, put down on the re-read"),
    14: ("reading", "2024-06-01", "2024-06-20", 2, "in progress, both dates, read twice"),
}

#: reading id -> its reads after 0008, as (outcome, started, precision, ended, precision)
EXPECTED_READS = {
    1: [(F, "2024-01-02", "day", "2024-02-01", "day")],  # fill_at_0001's read book
    2: [(P, None, None, None, None)],  # fill_at_0001's book in progress
    3: [(F, "2024-01-02", "day", "2024-02-01", "day"), UNDATED_FINISH, UNDATED_FINISH],
    4: [(F, None, None, "2023-07-15", "day")],
    5: [UNDATED_FINISH],
    6: [(D, "2024-03-01", "day", "2024-03-10", "day")],
    7: [(D, None, None, None, None)],
    8: [],
    9: [UNDATED_FINISH, UNDATED_FINISH],
    10: [(D, "2024-04-01", "day", None, None)],
    11: [(P, None, None, None, None), (F, None, None, "2023-05-01", "day")],
    12: [(P, "2024-09-01", "day", None, None)],
    13: [(D, "2024-03-01", "day", "2024-03-10", "day"), UNDATED_FINISH],
    14: [(P, "2024-06-01", "day", None, None), (F, None, None, "2024-06-20", "day"), UNDATED_FINISH],
}

#: reading id -> (started_on, finished_on, times_read) after going back to 0007
EXPECTED_AFTER_DOWNGRADE = {
    1: ("2024-01-02", "2024-02-01", 1),
    2: (None, None, 0),
    3: ("2024-01-02", "2024-02-01", 3),
    4: (None, "2023-07-15", 1),
    5: (None, None, 1),  # a reading marked read counts once
    6: ("2024-03-01", "2024-03-10", 0),
    7: (None, None, 0),
    8: (None, None, 0),
    9: (None, None, 2),
    10: ("2024-04-01", None, 0),
    11: (None, None, 1),  # the read under way has no dates; the old finish does not fit beside it
    12: ("2024-09-01", None, 0),
    13: ("2024-03-01", "2024-03-10", 1),
    14: ("2024-06-01", None, 2),
}

CONVERTED = ("started_on", "finished_on", "times_read")


def _sql_value(value: object) -> str:
    return "NULL" if value is None else f"'{value}'"


def case_statements() -> list[str]:
    """One book per case (ids 3..14) and user 1's reading of it, as plain SQL at 0007."""
    statements = []
    for reading_id, (status, started, finished, times, _meaning) in CASES.items():
        statements.append(
            "INSERT INTO books (id, title, sort_title, added_at, updated_at) VALUES "
            f"({reading_id}, 'Case {reading_id}', 'case {reading_id}', '2024-01-01 00:00:00', "
            "'2024-01-01 00:00:00')"
        )
        statements.append(
            "INSERT INTO readings (id, user_id, book_id, status, rating_halves, started_on, finished_on, "
            "progress_percent, times_read, updated_at, visibility) VALUES "
            f"({reading_id}, 1, {reading_id}, '{status}', {reading_id % 10 + 1}, {_sql_value(started)}, "
            f"{_sql_value(finished)}, {reading_id * 3}, {times}, '2024-10-{reading_id:02d} 08:30:00', "
            f"'{'private' if reading_id % 2 else 'shared'}')"
        )
    return statements


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def reads_by_reading(connection) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = {}
    for row in connection.execute(
        text(
            "SELECT reading_id, outcome, started_on, started_precision, ended_on, ended_precision "
            "FROM reads ORDER BY reading_id, id"
        )
    ):
        found.setdefault(row[0], []).append(tuple(_text(value) for value in row[1:]))
    return found


def _sorted(reads: list[tuple]) -> list[tuple]:
    return sorted(reads, key=lambda read: tuple("" if value is None else value for value in read))


def assert_reads_as_promised(connection) -> None:
    found = reads_by_reading(connection)
    for reading_id, expected in EXPECTED_READS.items():
        meaning = CASES.get(reading_id, ("", "", "", "", "from fill_at_0001"))[4]
        assert _sorted(found.get(reading_id, [])) == _sorted(expected), (reading_id, meaning)
    assert set(found) == {reading_id for reading_id, reads in EXPECTED_READS.items() if reads}
    # Each read was recorded when its reading was last changed.
    assert (
        connection.execute(
            text(
                "SELECT count(*) FROM reads JOIN readings ON readings.id = reads.reading_id "
                "WHERE reads.created_at != readings.updated_at"
            )
        ).scalar()
        == 0
    )


def readings_snapshot(connection) -> dict[int, dict[str, object]]:
    rows = connection.execute(text("SELECT * FROM readings ORDER BY id")).mappings()
    return {row["id"]: dict(row) for row in rows}


def books_snapshot(connection) -> list[dict[str, object]]:
    return [dict(row) for row in connection.execute(text("SELECT * FROM books ORDER BY id")).mappings()]


def assert_other_reading_columns_kept(before: dict, after: dict) -> None:
    assert sorted(after) == sorted(before)
    for reading_id, old in before.items():
        kept = {column: value for column, value in old.items() if column not in CONVERTED}
        assert after[reading_id] == kept, reading_id


def assert_downgraded_as_promised(before: dict, after: dict) -> None:
    assert sorted(after) == sorted(before)
    for reading_id, old in before.items():
        started, finished, times = EXPECTED_AFTER_DOWNGRADE[reading_id]
        new = after[reading_id]
        assert (_text(new["started_on"]), _text(new["finished_on"]), new["times_read"]) == (
            started,
            finished,
            times,
        ), reading_id
        for column, value in old.items():
            if column not in CONVERTED:
                assert new[column] == value, (reading_id, column)


def _filled_sqlite_at_0007(app):
    migrate_to(app, "0001")
    path = db_file(app)
    counts = fill_at_0001(path)
    migrate_to(app, "0007")
    connection = sqlite3.connect(path)
    with connection:
        for statement in case_statements():
            connection.execute(statement)
    connection.close()
    return path, counts


def test_every_reading_at_0007_becomes_the_reads_its_dates_and_count_describe(make_app) -> None:
    app = make_app(migrate=False)
    path, counts = _filled_sqlite_at_0007(app)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            readings_before = readings_snapshot(connection)
        books_before = rows_by_column(path, "books")
        others = {
            table: rows_by_column(path, table) for table in counts if table not in {"readings", "books"}
        }

        migrate_to(app, "0008")

        with engine.connect() as connection:
            assert_reads_as_promised(connection)
            assert_other_reading_columns_kept(readings_before, readings_snapshot(connection))
        books_after = rows_by_column(path, "books")
        assert [dict(book, copies=1, description=None) for book in books_before] == books_after
        assert_values_kept(path, others)
    finally:
        engine.dispose()
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_downgrading_0008_gives_back_times_read_and_the_dates_of_the_latest_read(make_app) -> None:
    app = make_app(migrate=False)
    path, _counts = _filled_sqlite_at_0007(app)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            before = readings_snapshot(connection)
        books_before = rows_by_column(path, "books")
        migrate_to(app, "0008")

        migrate_down_to(app, "0007")

        with engine.connect() as connection:
            assert_downgraded_as_promised(before, readings_snapshot(connection))
        assert rows_by_column(path, "books") == books_before
    finally:
        engine.dispose()


def test_postgresql_readings_become_the_same_reads_and_come_back(make_app, postgres_url) -> None:
    app = make_app(migrate=False, SQLALCHEMY_DATABASE_URI=postgres_url)
    migrate_to(app, "0007")
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, display_name, role, reading_visibility, created_at, "
                    "session_token) VALUES (1, 'ada', 'Ada', 'admin', 'shared', now(), 'a'), "
                    "(2, 'bo', 'Bo', 'member', 'private', now(), 'b')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO books (id, title, sort_title, added_at, updated_at) VALUES "
                    "(1, 'Dune', 'dune', now(), now()), (2, 'Good Omens', 'good omens', now(), now())"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO readings (id, user_id, book_id, status, started_on, finished_on, "
                    "times_read, updated_at, visibility) VALUES "
                    "(1, 1, 1, 'read', '2024-01-02', '2024-02-01', 1, '2024-02-01', 'shared'), "
                    "(2, 2, 2, 'reading', NULL, NULL, 0, '2024-03-01', 'shared')"
                )
            )
            for statement in case_statements():
                connection.execute(text(statement))
            readings_before = readings_snapshot(connection)
            books_before = books_snapshot(connection)

        migrate_to(app, "0008")

        with engine.connect() as connection:
            assert_reads_as_promised(connection)
            assert_other_reading_columns_kept(readings_before, readings_snapshot(connection))
            books = books_snapshot(connection)
        assert books == [dict(book, copies=1, description=None) for book in books_before]

        migrate_down_to(app, "0007")

        with engine.connect() as connection:
            assert_downgraded_as_promised(readings_before, readings_snapshot(connection))
    finally:
        engine.dispose()
