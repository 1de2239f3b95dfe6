"""Revision 0007: is_admin becomes a role, and readings get a visibility, without losing a row.

Filled at 0005 (the revision before), upgraded: administrators are still administrators,
everyone else a member; every reading is still there and shared, as every reading was
shown before; new readings default to private. Downgraded: the same rows, is_admin back.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text

from tests.integration.migration_helpers import (
    db_file,
    fill_at_0001,
    migrate_down_to,
    migrate_to,
    rows_by_column,
)

TABLES = ("users", "authors", "books", "book_authors", "shelves", "book_shelves", "readings", "posts")


def _filled_at_0005(app) -> tuple:
    migrate_to(app, "0001")
    path = db_file(app)
    fill_at_0001(path)
    migrate_to(app, "0005")
    return path, {table: rows_by_column(path, table) for table in TABLES}


def test_a_library_filled_at_0005_keeps_every_row_and_its_administrators(make_app) -> None:
    app = make_app(migrate=False)
    path, before = _filled_at_0005(app)

    migrate_to(app, "0007")

    after = {table: rows_by_column(path, table) for table in TABLES}
    for table in TABLES:
        assert len(after[table]) == len(before[table]), table
        for old, new in zip(before[table], after[table], strict=True):
            for column, value in old.items():
                if column != "is_admin":
                    assert new[column] == value, (table, column)
    assert [(u["username"], u["role"]) for u in after["users"]] == [("ada", "admin"), ("brontë", "member")]
    assert {u["reading_visibility"] for u in after["users"]} == {"private"}
    assert [r["visibility"] for r in after["readings"]] == ["shared", "shared"]
    assert "is_admin" not in after["users"][0]

    connection = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError), connection:
            connection.execute("UPDATE users SET role = 'owner' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError), connection:
            connection.execute("UPDATE readings SET visibility = 'public' WHERE id = 1")
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def test_downgrading_0007_keeps_every_row_and_admins_editors_become_members(make_app) -> None:
    app = make_app(migrate=False)
    path, before = _filled_at_0005(app)
    migrate_to(app, "0007")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE users SET role = 'editor' WHERE id = 2")
    connection.close()

    migrate_down_to(app, "0005")

    after = {table: rows_by_column(path, table) for table in TABLES}
    assert after == before  # ada is_admin 1, brontë (an editor at 0007) is_admin 0


def test_postgresql_library_filled_at_0005_upgrades_with_every_row_and_back(make_app, postgres_url) -> None:
    app = make_app(migrate=False, SQLALCHEMY_DATABASE_URI=postgres_url)
    migrate_to(app, "0005")
    engine = create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, display_name, is_admin, created_at, session_token) "
                    "VALUES (1, 'ada', 'Ada', true, now(), 'a'), (2, 'bo', 'Bo', false, now(), 'b')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO books (id, title, sort_title, added_at, updated_at) "
                    "VALUES (1, 'Dune', 'dune', now(), now())"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO readings (id, user_id, book_id, status, times_read, updated_at) VALUES "
                    "(1, 1, 1, 'read', 1, now()), (2, 2, 1, 'reading', 0, now())"
                )
            )
        migrate_to(app, "0007")
        with engine.connect() as connection:
            users = connection.execute(
                text("SELECT username, role, reading_visibility FROM users ORDER BY id")
            ).all()
            readings = connection.execute(
                text("SELECT id, user_id, visibility FROM readings ORDER BY id")
            ).all()
        assert users == [("ada", "admin", "private"), ("bo", "member", "private")]
        assert readings == [(1, 1, "shared"), (2, 2, "shared")]

        migrate_down_to(app, "0005")
        with engine.connect() as connection:
            users = connection.execute(text("SELECT username, is_admin FROM users ORDER BY id")).all()
            count = connection.execute(text("SELECT count(*) FROM readings")).scalar()
        assert users == [("ada", True), ("bo", False)]
        assert count == 2
    finally:
        engine.dispose()
