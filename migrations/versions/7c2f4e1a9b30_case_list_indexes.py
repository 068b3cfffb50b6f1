"""case lists: department rows carry registered_at; partial index of open cases; trigram search

Revision ID: 7c2f4e1a9b30
Revises: 1e5011ef8be6
Create Date: 2026-11-28 13:50:00

"""
from alembic import op
import sqlalchemy as sa

revision = '7c2f4e1a9b30'
down_revision = '1e5011ef8be6'
branch_labels = None
depends_on = None

OPEN_STATES_SQL = ("state IN ('registered', 'dispatched', 'returned', 'in_progress', "
                   "'replied', 'awaiting_visit')")
#: PostgreSQL only, and not in the models: see migrations/env.py (DATABASE_ONLY_INDEXES).
TRIGRAM_INDEXES = (("ix_cases_title_trgm", "title"), ("ix_cases_description_trgm", "description"))


def upgrade():
    with op.batch_alter_table('case_departments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE case_departments SET registered_at = "
               "(SELECT cases.registered_at FROM cases WHERE cases.id = case_departments.case_id)")
    with op.batch_alter_table('case_departments', schema=None) as batch_op:
        batch_op.alter_column('registered_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.drop_index('ix_case_departments_department')
        batch_op.create_index('ix_case_departments_department_registered',
                              ['department_id', 'registered_at', 'case_id'], unique=False)
    op.create_index('ix_cases_open_registered', 'cases', ['registered_at', 'id'], unique=False,
                    sqlite_where=sa.text(OPEN_STATES_SQL),
                    postgresql_where=sa.text(OPEN_STATES_SQL))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in TRIGRAM_INDEXES:
            op.execute(f"CREATE INDEX {name} ON cases USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _column in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index('ix_cases_open_registered', table_name='cases')
    with op.batch_alter_table('case_departments', schema=None) as batch_op:
        batch_op.drop_index('ix_case_departments_department_registered')
        batch_op.create_index('ix_case_departments_department', ['department_id', 'case_id'],
                              unique=False)
        batch_op.drop_column('registered_at')
