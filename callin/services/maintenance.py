"""Database upkeep that cron runs with the sweep."""
from ..extensions import db


def optimize_database():
    """SQLite: refresh the planner's statistics where they are stale (PRAGMA optimize), so the
    case lists keep choosing their indexes as the tables grow. PostgreSQL's autovacuum does this."""
    if db.engine.dialect.name != "sqlite":
        return False
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA optimize")
    return True
