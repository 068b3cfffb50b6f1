"""Case numbers a citizen can read on the phone (2611-0042) and short lookup codes."""
import secrets

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..i18n import SHANGHAI
from ..models import CaseCounter


_COUNTERS = CaseCounter.__table__
#: One statement raises the counter and reads it back (RETURNING: SQLite 3.35+, PostgreSQL).
_RAISE = (update(_COUNTERS).where(_COUNTERS.c.period == bindparam("month"))
          .values(last=_COUNTERS.c.last + 1).returning(_COUNTERS.c.last))


def next_number(now):
    """The next number of `now`'s month, from a counter row raised in this transaction."""
    period = now.astimezone(SHANGHAI).strftime("%y%m")
    last = _raise(period)
    if last is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(_COUNTERS).values(period=period, last=1))
            last = 1
        except IntegrityError:
            # Another transaction opened the month a moment ago: take our turn after it.
            last = _raise(period)
    return f"{period}-{last:04d}"


def _raise(period):
    """The month's counter plus one, or None if the month has no row yet."""
    return db.session.scalar(_RAISE, {"month": period})


def lookup_code():
    """Six digits the citizen gives with the number to see the case."""
    return f"{secrets.randbelow(10**6):06d}"
