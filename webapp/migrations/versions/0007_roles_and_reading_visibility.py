"""roles (admin, editor, member) instead of is_admin; readings get a visibility

users.is_admin becomes users.role: administrators stay administrators, everyone else
becomes a member (there were no editors before). users.reading_visibility is the
default for a person's new readings: private, as a new post is.

readings.visibility: every existing reading becomes 'shared'. Until now every member
saw every reading on profiles and book pages, so that is what they were shown as; the
upgrade neither hides what a household has been looking at nor shows anything new, and
Settings -> Profile lets each person make all their readings private at once.

Downgrade: role back to is_admin (editors become members: the old schema has no
editors), and the visibility columns go (every reading is visible again, as before).

Revision ID: 0007
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=6), nullable=False, server_default="member"))
        batch_op.add_column(
            sa.Column("reading_visibility", sa.String(length=7), nullable=False, server_default="private")
        )
    users = sa.table("users", sa.column("role", sa.String), sa.column("is_admin", sa.Boolean))
    op.execute(users.update().where(users.c.is_admin.is_(True)).values(role="admin"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("is_admin")
        batch_op.alter_column("role", existing_type=sa.String(length=6), server_default=None)
        batch_op.alter_column("reading_visibility", existing_type=sa.String(length=7), server_default=None)
        batch_op.create_check_constraint(op.f("ck_users_role"), "role IN ('admin', 'editor', 'member')")
        batch_op.create_check_constraint(
            op.f("ck_users_reading_visibility"), "reading_visibility IN ('private', 'shared')"
        )

    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=7), nullable=False, server_default="shared")
        )
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.alter_column("visibility", existing_type=sa.String(length=7), server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_readings_visibility"), "visibility IN ('private', 'shared')"
        )


def downgrade():
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_readings_visibility"), type_="check")
        batch_op.drop_column("visibility")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    users = sa.table("users", sa.column("role", sa.String), sa.column("is_admin", sa.Boolean))
    op.execute(users.update().where(users.c.role == "admin").values(is_admin=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("is_admin", existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_constraint(op.f("ck_users_reading_visibility"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.drop_column("reading_visibility")
        batch_op.drop_column("role")
