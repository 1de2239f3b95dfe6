"""reading goals: one target number of books per user and year

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reading_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('target_books', sa.Integer(), nullable=False),
    sa.CheckConstraint('target_books > 0', name=op.f('ck_reading_goals_target_books_positive')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reading_goals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_goals')),
    sa.UniqueConstraint('user_id', 'year', name=op.f('uq_reading_goals_user_id_year'))
    )


def downgrade():
    op.drop_table('reading_goals')
