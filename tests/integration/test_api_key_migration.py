"""Revision 0004 adds api_keys and keeps every row written at 0001."""

from __future__ import annotations

import sqlite3

from tests.integration.migration_helpers import (
    assert_rows_kept,
    filled_at_first_revision,
    migrate_down_to,
    migrate_to,
    table_rows,
)


def test_0004_keeps_every_row_and_adds_an_empty_key_table(make_app) -> None:
    app = make_app(migrate=False)
    path, before = filled_at_first_revision(app)

    migrate_to(app, "0004")

    assert_rows_kept(path, before)
    assert table_rows(path, "api_keys") == []
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO api_keys (user_id, key_id, secret_hash, name, scopes, created_at) "
        f"VALUES (1, 'abcd1234', '{'0' * 64}', 'script', 'read write', '2024-01-01')"
    )
    connection.commit()
    connection.close()

    migrate_down_to(app, "0001")
    assert_rows_kept(path, before)
    connection = sqlite3.connect(path)
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    connection.close()
    assert "api_keys" not in tables
