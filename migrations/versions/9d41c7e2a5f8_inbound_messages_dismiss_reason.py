"""inbound messages: the producer's reason for dismissing a text

Revision ID: 9d41c7e2a5f8
Revises: 7c2f4e1a9b30
Create Date: 2026-11-28 14:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = '9d41c7e2a5f8'
down_revision = '7c2f4e1a9b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dismiss_reason', sa.String(length=300), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_column('dismiss_reason')
