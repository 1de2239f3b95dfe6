"""Upgrade on launch: back up, upgrade, restore on failure, refuse what is too new."""

import hashlib
import sqlite3

import pytest

from tests.conftest import sign_in
from tests.integration.migration_helpers import (
    copy_migrations_with,
    db_file,
    fill_at_0001,
    migrate_to,
    table_rows,
)
from webapp import launch
from webapp.extensions import db
from webapp.models import User
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


def test_a_library_left_at_0007_is_backed_up_then_its_readings_become_reads(make_app) -> None:
    app = make_app(migrate=False)
    migrate_to(app, "0001")
    path = db_file(app)
    fill_at_0001(path)
    migrate_to(app, "0007")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE readings SET times_read = 3 WHERE id = 1")  # Dune, read three times
    connection.close()

    result = launch.upgrade_with_backup(app)  # what the window and serve do on launch

    assert result is not None and result.from_revision == "0007"
    assert result.to_revision == schema_state(app).head and schema_state(app).up_to_date
    backup = sqlite3.connect(result.backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0007"
    assert backup.execute(
        "SELECT id, started_on, finished_on, times_read FROM readings ORDER BY id"
    ).fetchall() == [
        (1, "2024-01-02", "2024-02-01", 3),
        (2, None, None, 0),
    ]
    backup.close()
    connection = sqlite3.connect(path)
    reads = connection.execute(
        "SELECT reading_id, outcome, started_on, ended_on FROM reads "
        "ORDER BY reading_id, ended_on IS NULL, id"
    ).fetchall()
    connection.close()
    assert reads == [
        (1, "finished", "2024-01-02", "2024-02-01"),
        (1, "finished", None, None),
        (1, "finished", None, None),
        (2, "in_progress", None, None),
    ]
    client = app.test_client()
    with app.app_context():
        ada = db.session.get(User, 1)
        db.session.expunge(ada)
    sign_in(client, ada)
    assert client.get("/books/1").status_code == 200
    assert client.get("/library").status_code == 200
