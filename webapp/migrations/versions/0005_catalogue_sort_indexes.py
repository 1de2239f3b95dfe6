"""catalogue sorting: books.sort_author and readings by rating

The library page sorts 100,000 books by author and by the reader's rating. Through
joins both need a temporary B-tree over every row (100-500 ms on SQLite); a
denormalised first-author sort name with its own index, and an index on readings by
(user, rating), make them index scans.

Revision ID: 0005
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+) rather than a batch rebuild: no
    # copy of every book, and both directions leave the same CREATE TABLE text.
    op.add_column("books", sa.Column("sort_author", sa.String(length=255), nullable=True))
    op.execute(
        "UPDATE books SET sort_author = ("
        "SELECT authors.sort_name FROM book_authors JOIN authors ON authors.id = book_authors.author_id "
        "WHERE book_authors.book_id = books.id ORDER BY book_authors.position LIMIT 1)"
    )
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.create_index("ix_books_sort_author", ["sort_author", "id"], unique=False)
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_readings_user_rating", ["user_id", "rating_halves", "book_id"], unique=False
        )
    # Format with a year range (a common filter pair) counts and pages from the index.
    op.drop_index("ix_books_format", table_name="books")
    op.create_index("ix_books_format", "books", ["format", "year", "id"], unique=False)


def downgrade():
    op.drop_index("ix_books_format", table_name="books")
    op.create_index("ix_books_format", "books", ["format", "id"], unique=False)
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.drop_index("ix_readings_user_rating")
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_index("ix_books_sort_author")
    op.execute("ALTER TABLE books DROP COLUMN sort_author")
