"""case citizens: index on phone, so duplicates are found by a linked or merged citizen's phone

Revision ID: 4f6a2c8e1d07
Revises: 0b8e3d5f7a21
Create Date: 2026-11-28 14:45:00

"""
from alembic import op

revision = '4f6a2c8e1d07'
down_revision = '0b8e3d5f7a21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_citizens', schema=None) as batch_op:
        batch_op.create_index('ix_case_citizens_phone', ['phone'], unique=False)


def downgrade():
    with op.batch_alter_table('case_citizens', schema=None) as batch_op:
        batch_op.drop_index('ix_case_citizens_phone')
