"""Every revision keeps every row, and the migrations describe exactly the models."""

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.integration.migration_helpers import (
    assert_values_kept,
    db_file,
    fill_at_0001,
    migrate_down_to,
    migrate_to,
    revisions_oldest_first,
    rows_by_column,
    schema_dump,
)
from webapp.extensions import db
from webapp.search.backend import include_name


def test_rows_written_at_the_first_revision_survive_upgrade_to_head(make_app) -> None:
    app = make_app(migrate=False)
    first = revisions_oldest_first(app)[0]
    migrate_to(app, first)
    path = db_file(app)
    counts = fill_at_0001(path)
    before = {table: rows_by_column(path, table) for table in counts}

    migrate_to(app, "head")

    assert_values_kept(path, before)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


def test_each_revision_downgrades_and_upgrades_to_the_same_schema(make_app) -> None:
    app = make_app(migrate=False)
    path = db_file(app)
    previous = "base"
    for revision in revisions_oldest_first(app):
        migrate_to(app, revision)
        upgraded = schema_dump(path)
        migrate_down_to(app, previous)
        migrate_to(app, revision)
        assert schema_dump(path) == upgraded, f"{previous} -> {revision} is not symmetric"
        previous = revision
    migrate_down_to(app, "base")
    assert [name for _type, name, _sql in schema_dump(path)] == ["alembic_version"]


def test_migrations_match_the_models(app) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True, "include_name": include_name},
        )
        assert compare_metadata(context, db.metadata) == []


def test_0002_gives_every_existing_user_their_own_session_token(make_app) -> None:
    app = make_app(migrate=False)
    migrate_to(app, "0001")
    path = db_file(app)
    fill_at_0001(path)
    migrate_to(app, "0002")
    connection = sqlite3.connect(path)
    tokens = [row[0] for row in connection.execute("SELECT session_token FROM users ORDER BY id")]
    connection.close()
    assert len(tokens) == 2 and len(set(tokens)) == 2
    assert all(len(token) == 32 for token in tokens)
