"""case text search on PostgreSQL: an index of character pairs instead of trigrams

Two-character searches (暖气, 路灯) are the common Chinese case and a trigram index cannot serve
them; see callin/models/search.py.

Revision ID: 0b8e3d5f7a21
Revises: 9d41c7e2a5f8
Create Date: 2026-11-28 14:05:00

"""
from alembic import op

revision = '0b8e3d5f7a21'
down_revision = '9d41c7e2a5f8'
branch_labels = None
depends_on = None

# Written out here as in callin/models/search.py: a migration is a snapshot of its day.
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION callin_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
  FROM generate_series(1, length(t) - 1) AS i
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_cases_title_trgm")
    op.execute("DROP INDEX IF EXISTS ix_cases_description_trgm")
    op.execute(BIGRAMS_FUNCTION)
    op.execute("CREATE INDEX IF NOT EXISTS ix_cases_text_bigrams ON cases "
               "USING gin (callin_bigrams(title || ' ' || description))")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_cases_text_bigrams")
    op.execute("DROP FUNCTION IF EXISTS callin_bigrams(text)")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_cases_title_trgm ON cases USING gin (title gin_trgm_ops)")
    op.execute("CREATE INDEX ix_cases_description_trgm ON cases "
               "USING gin (description gin_trgm_ops)")
