"""full-text search index over books and posts

SQLite: an FTS5 table and triggers; PostgreSQL: a tsvector table with a GIN index and
triggers. Both are filled from the rows already there. See webapp/search/.

Revision ID: 0003
Revises: 0004
Create Date: 2026-11-27 10:00:00

"""
from alembic import op

from webapp.search import postgres_index, sqlite_index


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0004'
branch_labels = None
depends_on = None


def _backend():
    return postgres_index if op.get_bind().dialect.name == "postgresql" else sqlite_index


def upgrade():
    # The index as this revision defined it; 0009 rebuilds it with series and descriptions.
    _backend().create(op.get_bind(), "0003")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        postgres_index.drop(op.get_bind(), "0003")
    else:
        sqlite_index.drop(op.get_bind())
