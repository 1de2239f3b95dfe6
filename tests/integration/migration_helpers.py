"""Helpers to put a database at a given revision and fill it as that revision knew it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from flask import Flask
from flask_migrate import downgrade, upgrade

from webapp.migration_commands import migrate_extension
from webapp.schema_upgrade import script_directory, sqlite_path


def migrate_to(app: Flask, revision: str) -> None:
    migrate_extension(app)
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIRECTORY"], revision=revision)


def migrate_down_to(app: Flask, revision: str) -> None:
    migrate_extension(app)
    with app.app_context():
        downgrade(directory=app.config["MIGRATIONS_DIRECTORY"], revision=revision)


def revisions_oldest_first(app: Flask) -> list[str]:
    scripts = script_directory(app)
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def fill_at_0001(path: Path) -> dict[str, int]:
    """Rows in every table of the first schema, written with plain SQL as a user of that
    version would have left them. Returns the row count per table."""
    rows = {
        "users": [
            "INSERT INTO users (id, username, email, display_name, password_hash, is_admin, created_at) "
            "VALUES (1, 'ada', 'ada@example.org', 'Ada', NULL, 1, '2024-01-02 03:04:05')",
            "INSERT INTO users (id, username, email, display_name, password_hash, is_admin, created_at) "
            "VALUES (2, 'brontë', NULL, 'Émilie', NULL, 0, '2024-02-03 04:05:06')",
        ],
        "authors": [
            "INSERT INTO authors (id, name, sort_name) VALUES (1, 'Frank Herbert', 'herbert frank')",
            "INSERT INTO authors (id, name, sort_name) VALUES (2, 'Neil Gaiman', 'gaiman neil')",
        ],
        "books": [
            "INSERT INTO books (id, title, sort_title, isbn13, isbn10, year, pages, format, price_minor, "
            "currency, location, added_at, updated_at) VALUES (1, 'Dune', 'dune', '9780441172719', "
            "'0441172717', 1965, 412, 'paperback', 999, 'EUR', 'Study', '2024-01-01', '2024-01-01')",
            "INSERT INTO books (id, title, sort_title, added_at, updated_at) "
            "VALUES (2, 'Good Omens', 'good omens', '2024-01-05', '2024-01-05')",
        ],
        "book_authors": [
            "INSERT INTO book_authors (book_id, author_id, position) VALUES (1, 1, 0)",
            "INSERT INTO book_authors (book_id, author_id, position) VALUES (2, 2, 0)",
        ],
        "shelves": [
            "INSERT INTO shelves (id, owner_id, name, created_at) VALUES (1, 1, 'Favourites', '2024-01-01')"
        ],
        "book_shelves": [
            "INSERT INTO book_shelves (book_id, shelf_id, added_at) VALUES (1, 1, '2024-01-01')"
        ],
        "readings": [
            "INSERT INTO readings (id, user_id, book_id, status, rating_halves, started_on, finished_on, "
            "progress_pages, times_read, updated_at) VALUES (1, 1, 1, 'read', 9, '2024-01-02', "
            "'2024-02-01', 412, 1, '2024-02-01')",
            "INSERT INTO readings (id, user_id, book_id, status, times_read, progress_percent, updated_at) "
            "VALUES (2, 2, 2, 'reading', 0, 40, '2024-03-01')",
        ],
        "posts": [
            "INSERT INTO posts (id, author_id, book_id, title, body, kind, visibility, created_at, "
            "updated_at) VALUES (1, 1, 1, 'On Dune', '*Spice* must flow', 'review', 'shared', "
            "'2024-02-02', '2024-02-02')"
        ],
    }
    connection = sqlite3.connect(path)
    try:
        with connection:
            for statements in rows.values():
                for statement in statements:
                    connection.execute(statement)
    finally:
        connection.close()
    return {table: len(statements) for table, statements in rows.items()}


def table_rows(path: Path, table: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    finally:
        connection.close()


#: Columns a later revision replaced, with the column that holds their value now and how
#: each old value reads there (0007: users.is_admin became users.role).
REPLACED_COLUMNS: dict[tuple[str, str], tuple[str, dict[object, object]]] = {
    ("users", "is_admin"): ("role", {1: "admin", 0: "member"}),
}


def rows_by_column(path: Path, table: str) -> list[dict[str, object]]:
    """Every row as {column: value}, ordered as :func:`table_rows` orders them."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    finally:
        connection.close()


#: Columns a later revision moved to rows of another table (0008: a reading's dates and
#: times_read became its reads); :func:`assert_reading_became_reads` checks them there.
MOVED_COLUMNS: dict[str, frozenset[str]] = {
    "readings": frozenset({"started_on", "finished_on", "times_read"}),
}


def assert_values_kept(path: Path, before: dict[str, list[dict[str, object]]]) -> None:
    """Every old row is still there with every old value, under its column's name, or
    under the column that replaced it (:data:`REPLACED_COLUMNS`), converted, or in the rows
    it moved to (:data:`MOVED_COLUMNS`)."""
    for table, rows in before.items():
        after = rows_by_column(path, table)
        assert len(after) == len(rows), table
        moved = MOVED_COLUMNS.get(table, frozenset())
        for old, new in zip(rows, after, strict=True):
            for column, value in old.items():
                if (table, column) in REPLACED_COLUMNS:
                    replacement, conversion = REPLACED_COLUMNS[table, column]
                    assert new[replacement] == conversion[value], (table, column, old)
                elif column in moved and column not in new:
                    continue
                else:
                    assert new[column] == value, (table, column, old)
            if table == "readings" and moved and not moved & new.keys():
                assert_reading_became_reads(path, old)


def assert_reading_became_reads(path: Path, old: dict[str, object]) -> None:
    """A reading written before 0008 has its dates on its reads and as many finished
    reads as it was read (at least one if its status was read)."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        reads = [
            dict(row) for row in connection.execute("SELECT * FROM reads WHERE reading_id = ?", (old["id"],))
        ]
    finally:
        connection.close()
    finished = sum(1 for read in reads if read["outcome"] == "finished")
    times = old["times_read"]
    assert isinstance(times, int)
    assert finished == max(times, 1 if old["status"] == "read" else 0), old
    if old["started_on"] is not None:
        assert old["started_on"] in {read["started_on"] for read in reads}, old
    if old["finished_on"] is not None:
        assert old["finished_on"] in {read["ended_on"] for read in reads}, old


def schema_dump(path: Path) -> list[tuple]:
    """Every table, index and trigger with its SQL. A batch-mode rebuild re-creates a
    table with quoted names and constraints in another order, meaning the same."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
    finally:
        connection.close()
    return [(kind, name, _normalised(sql or "")) for kind, name, sql in rows]


def _normalised(sql: str) -> tuple[str, ...]:
    """Quoting and the order of column/constraint lines carry no meaning here."""
    lines = (line.strip().rstrip(",").strip() for line in sql.replace('"', "").splitlines())
    return tuple(sorted(line for line in lines if line))


def copy_migrations_with(tmp_path: Path, app: Flask, body: str, name: str = "9001_extra") -> Path:
    """A copy of the shipped migrations plus one more revision on top of head."""
    source = Path(app.config["MIGRATIONS_DIRECTORY"])
    target = tmp_path / "migrations"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    head = script_directory(app).get_current_head()
    (target / "versions" / f"{name}.py").write_text(
        f'"""extra revision for a test"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
        f'revision = "{name}"\ndown_revision = "{head}"\nbranch_labels = None\ndepends_on = None\n\n'
        f"{body}\n",
        encoding="utf-8",
    )
    return target


def db_file(app: Flask) -> Path:
    path = sqlite_path(app)
    assert path is not None
    return path


def assert_rows_kept(path: Path, before: dict[str, list[tuple]]) -> None:
    """Every row still there with its old values; columns added later come after them."""
    for table, rows in before.items():
        after = table_rows(path, table)
        assert len(after) == len(rows), table
        width = len(rows[0]) if rows else 0
        assert [row[:width] for row in after] == rows, table


def filled_at_first_revision(app: Flask) -> tuple[Path, dict[str, list[tuple]]]:
    """A fresh database migrated to 0001 and filled as that version would have left it:
    its path and every row of every table, for a later revision's test to compare."""
    migrate_to(app, "0001")
    path = db_file(app)
    counts = fill_at_0001(path)
    return path, {table: table_rows(path, table) for table in counts}
