"""search finds books by series name and description

The search index is dropped and built again (webapp/search, definition "0009"): a
book's ``details`` gain its series names (the weight of publisher and ISBNs), its
``body`` holds its description (the lowest weight, as a post's text), and triggers
follow ``book_series``, renames of ``series`` and edits of ``books.description``.

On SQLite the index is created empty here: env.py puts the triggers back and refills
the index once after the last step of every run (``restore_triggers``), and filling it
here too would index every book twice. PostgreSQL has no such step, so it is filled here.

Downgrade builds the index as revision 0003 had it.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

from webapp.search import postgres_index, sqlite_index


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _rebuild_as(old: str, new: str) -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        postgres_index.drop(connection, old)
        postgres_index.create(connection, new)
    else:
        sqlite_index.drop(connection)
        sqlite_index.create(connection, new, fill=False)


def upgrade():
    _rebuild_as("0003", "0009")


def downgrade():
    _rebuild_as("0009", "0003")
