"""Supervision: reminders (催办), supervision notices (督办) and listing, sent by `flask sweep`."""
from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Case, Notice
from ..models.base import utcnow
from ..realtime import broadcast
from ..states import RUNNING_CASE_STATES
from . import deadlines

LADDER_ORDER = ("reminder", "supervision", "listed")


def _insert():
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(Notice.__table__)


def sweep(now=None):
    """Send every notice that is due and not yet sent; running it twice sends nothing twice.

    One set-based INSERT ... SELECT per step of the ladder; the unique key (case, kind,
    deadline) makes a repeated run a no-op, enforced by the database.
    """
    now = now or utcnow()
    cal = deadlines.calendar()
    ladder = deadlines.ladder()
    sent = {}
    for kind in LADDER_ORDER:
        if kind not in ladder:
            continue
        threshold = deadlines.overdue_threshold(now, ladder[kind], cal)
        due = select(Case.id, Case.lead_department_id, literal(kind), Case.reply_due_at,
                     literal(now, type_=Notice.__table__.c.sent_at.type)).where(
            Case.state.in_(RUNNING_CASE_STATES), Case.reply_due_at <= threshold)
        statement = _insert().from_select(
            ["case_id", "department_id", "kind", "deadline_at", "sent_at"], due
        ).on_conflict_do_nothing()
        sent[kind] = db.session.execute(statement).rowcount or 0
    by_department = dict(db.session.execute(
        select(Notice.department_id, func.count()).where(Notice.sent_at == now)
        .group_by(Notice.department_id)).all())
    db.session.commit()
    for department_id, count in by_department.items():
        if department_id:
            broadcast.push_department(department_id, {"kind": "notices", "count": count})
    return sent
