"""Text search over cases on PostgreSQL: an index of each case's character pairs.

Chinese has no spaces between words and people search with two-character words (暖气, 路灯).
pg_trgm cannot index a two-character pattern, so PostgreSQL gets a GIN index over the distinct
character pairs (bigrams) of a case's title and description; a search for a text of two or more
characters first asks the index for the cases holding all of the text's pairs, then checks the
text itself with LIKE. SQLite keeps the plain LIKE. The migration 0b8e3d5f7a21 makes the same
function and index; create_all (the tests) gets them from the DDL events below.
"""
from sqlalchemy import DDL, event, func, literal_column

#: The one definition of the pairs function (also written out in the migration).
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION callin_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
  FROM generate_series(1, length(t) - 1) AS i
$$
"""
BIGRAMS_INDEX = ("CREATE INDEX IF NOT EXISTS ix_cases_text_bigrams ON cases "
                 "USING gin (callin_bigrams(title || ' ' || description))")


def install(table):
    """Make the function before the cases table and the index after it, on PostgreSQL only."""
    event.listen(table, "before_create", DDL(BIGRAMS_FUNCTION).execute_if(dialect="postgresql"))
    event.listen(table, "after_create", DDL(BIGRAMS_INDEX).execute_if(dialect="postgresql"))


def holds_pairs_of(case_table, needle):
    """SQL true for the cases whose title and description hold every character pair of needle;
    written exactly as the index's expression, so that PostgreSQL can answer it from the index."""
    text = (case_table.c.title.concat(literal_column("' '")).concat(case_table.c.description))
    return func.callin_bigrams(text).op("@>")(func.callin_bigrams(needle))
