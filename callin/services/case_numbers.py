"""Case numbers a citizen can read on the phone (2611-0042) and short lookup codes."""
import secrets

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..i18n import SHANGHAI
from ..models import CaseCounter


def next_number(now):
    """The next number of `now`'s month, from a counter row raised in this transaction."""
    period = now.astimezone(SHANGHAI).strftime("%y%m")
    raised = db.session.execute(update(CaseCounter).where(CaseCounter.period == period)
                                .values(last=CaseCounter.last + 1))
    if raised.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(CaseCounter(period=period, last=1))
        except IntegrityError:
            # Another transaction opened the month a moment ago: take our turn after it.
            db.session.execute(update(CaseCounter).where(CaseCounter.period == period)
                               .values(last=CaseCounter.last + 1))
    last = db.session.scalar(select(CaseCounter.last).where(CaseCounter.period == period))
    return f"{period}-{last:04d}"


def lookup_code():
    """Six digits the citizen gives with the number to see the case."""
    return f"{secrets.randbelow(10**6):06d}"
