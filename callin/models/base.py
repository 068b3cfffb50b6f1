"""Shared column types: times stored in UTC, returned timezone-aware."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow():
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every backend, hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC was expected")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def iso(value):
    """ISO-8601 text of an aware datetime, or None."""
    return value.isoformat() if value else None


#: Indexes that PostgreSQL gets and the models do not declare as columns (the expression index
#: of models/search.py); schema comparisons leave them alone.
DATABASE_ONLY_INDEXES = frozenset({"ix_cases_text_bigrams"})


def include_in_schema_compare(obj, name, type_, reflected, compare_to):
    """Alembic's include_object hook: skip the database-only indexes."""
    return not (type_ == "index" and name in DATABASE_ONLY_INDEXES)
