"""Upgrade on launch: back up, upgrade, restore on failure, refuse what is too new."""

import hashlib
import sqlite3

import pytest

from tests.integration.migration_helpers import (
    copy_migrations_with,
    db_file,
    fill_at_0001,
    migrate_to,
    table_rows,
)
from webapp.schema_upgrade import DatabaseTooNew, UpgradeFailed, schema_state, upgrade_with_backup

ADD_COLUMN = """
def upgrade():
    with op.batch_alter_table("books") as batch:
        batch.add_column(sa.Column("edition", sa.String(50), nullable=True))

def downgrade():
    with op.batch_alter_table("books") as batch:
        batch.drop_column("edition")
"""

FAILS_HALFWAY = """
def upgrade():
    op.execute("DELETE FROM posts")
    with op.batch_alter_table("books") as batch:
        batch.drop_column("publisher")
    raise RuntimeError("simulated failure in a migration")

def downgrade():
    pass
"""


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled_app(make_app):
    """An app at today's head holding data, to be offered one more migration."""
    app = make_app(migrate=False)
    migrate_to(app, "0001")
    fill_at_0001(db_file(app))
    migrate_to(app, "head")
    return app


def app_with_extra_revision(make_app, tmp_path, app, body):
    directory = copy_migrations_with(tmp_path, app, body)
    return make_app(migrate=False, MIGRATIONS_DIRECTORY=str(directory))


def test_a_database_behind_is_backed_up_then_upgraded(make_app, tmp_path, filled_app) -> None:
    newer = app_with_extra_revision(make_app, tmp_path, filled_app, ADD_COLUMN)
    assert not schema_state(newer).up_to_date

    result = upgrade_with_backup(newer)

    assert result is not None and result.to_revision == "9001_extra"
    assert result.backup is not None and result.backup.parent.name == "backups"
    backup = sqlite3.connect(result.backup)
    assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == result.from_revision
    assert backup.execute("SELECT count(*) FROM books").fetchone()[0] == 2
    backup.close()
    assert schema_state(newer).up_to_date
    assert len(table_rows(db_file(newer), "books")) == 2


def test_nothing_to_do_makes_no_backup(filled_app) -> None:
    assert upgrade_with_backup(filled_app) is None
    assert not (db_file(filled_app).parent / "backups").exists()


def test_a_failed_upgrade_restores_the_backup_and_says_so(make_app, tmp_path, filled_app) -> None:
    path = db_file(filled_app)
    before = {table: table_rows(path, table) for table in ("books", "posts", "readings")}
    failing = app_with_extra_revision(make_app, tmp_path, filled_app, FAILS_HALFWAY)

    with pytest.raises(UpgradeFailed, match="restored from the backup") as problem:
        upgrade_with_backup(failing)

    assert "simulated failure" in str(problem.value)
    for table, rows in before.items():
        assert table_rows(path, table) == rows
    state = schema_state(failing)
    assert state.current == schema_state(filled_app).head


def test_a_database_from_a_newer_version_is_refused_and_untouched(filled_app) -> None:
    path = db_file(filled_app)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00d_from_the_future'")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    digest = sha256(path)
    siblings = sorted(p.name for p in path.parent.iterdir())

    with pytest.raises(DatabaseTooNew, match="newer version of Shelfmark"):
        upgrade_with_backup(filled_app)

    assert sha256(path) == digest
    assert sorted(p.name for p in path.parent.iterdir()) == siblings
