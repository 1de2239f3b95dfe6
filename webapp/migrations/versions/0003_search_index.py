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
    _backend().create(op.get_bind())


def downgrade():
    _backend().drop(op.get_bind())
