"""0005 adds the first author's sort name to every existing book without losing a row."""

import sqlite3

from tests.integration.migration_helpers import (
    filled_at_first_revision,
    migrate_down_to,
    migrate_to,
    table_rows,
)


def test_upgrade_fills_sort_author_and_keeps_every_row(make_app) -> None:
    app = make_app(migrate=False)
    path, before = filled_at_first_revision(app)
    counts = {table: len(rows) for table, rows in before.items()}
    migrate_to(app, "0005")
    for table, count in counts.items():
        assert len(table_rows(path, table)) == count, table
    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT id, sort_author FROM books ORDER BY id").fetchall()
    plan = " ".join(
        row[3]
        for row in connection.execute("EXPLAIN QUERY PLAN SELECT id FROM books ORDER BY sort_author, id")
    )
    connection.close()
    assert rows == [(1, "herbert frank"), (2, "gaiman neil")]
    assert "ix_books_sort_author" in plan

    migrate_down_to(app, "0001")
    for table, count in counts.items():
        assert len(table_rows(path, table)) == count, table
