"""Deadlines on the working-day calendar: sign and reply due times, from the editable rules."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..i18n import SHANGHAI
from ..models import CalendarDay, DeadlineRule, SupervisionStep
from ..workdays import calendar_from_rows

#: DESIGN §3 defaults: (nature, urgency) → (sign hours, sign working days, reply working days).
DEFAULT_RULES = {
    ("consultation", "normal"): (None, 1, 3), ("consultation", "urgent"): (2, None, 0),
    ("help", "normal"): (None, 1, 5), ("help", "urgent"): (2, None, 0),
    ("complaint", "normal"): (None, 1, 15), ("complaint", "urgent"): (2, None, 0),
    ("report", "normal"): (None, 1, 15), ("report", "urgent"): (2, None, 0),
    ("suggestion", "normal"): (None, 1, 15), ("suggestion", "urgent"): (2, None, 0),
}
DEFAULT_LADDER = {"reminder": 1, "supervision": 3, "listed": 5}


def setup_defaults():
    """Install the default rules and ladder where none exist yet, and commit."""
    install_defaults()
    db.session.commit()


def install_defaults():
    """Write the default rules and ladder where none exist yet (part of the caller's transaction)."""
    have = {(r.nature, r.urgency) for r in db.session.scalars(select(DeadlineRule))}
    for (nature, urgency), (hours, sign_days, reply_days) in DEFAULT_RULES.items():
        if (nature, urgency) not in have:
            db.session.add(DeadlineRule(nature=nature, urgency=urgency, sign_hours=hours,
                                        sign_days=sign_days, reply_days=reply_days))
    steps = {s.kind for s in db.session.scalars(select(SupervisionStep))}
    for kind, days in DEFAULT_LADDER.items():
        if kind not in steps:
            db.session.add(SupervisionStep(kind=kind, overdue_days=days))


def calendar():
    """The working-day calendar with the admin's list for years the holiday package lacks."""
    return calendar_from_rows(db.session.scalars(select(CalendarDay)))


def end_of_day(moment):
    """The last instant of `moment`'s day in Shanghai, as aware UTC."""
    day = moment.astimezone(SHANGHAI).date()
    return datetime.combine(day, time.max, tzinfo=SHANGHAI).astimezone(moment.tzinfo)


def _rule(nature, urgency):
    rule = db.session.scalars(select(DeadlineRule).where(
        DeadlineRule.nature == nature, DeadlineRule.urgency == urgency)).first()
    if rule is None:
        hours, sign_days, reply_days = DEFAULT_RULES.get((nature, urgency), (None, 1, 15))
        return hours, sign_days, reply_days
    return rule.sign_hours, rule.sign_days, rule.reply_days


def sign_due(case, dispatched_at, cal=None):
    """When the department must sign: hours for urgent cases, working days otherwise."""
    cal = cal or calendar()
    hours, days, _reply = _rule(case.nature, case.urgency)
    if hours:
        return cal.add_hours(dispatched_at, hours)
    return cal.add_working_days(dispatched_at, days or 1)


def reply_due(case, from_time, cal=None):
    """When the reply is due: the days promised on air, else the rule (0 = the same day)."""
    cal = cal or calendar()
    days = case.promised_days if case.promised_days else _rule(case.nature, case.urgency)[2]
    if not days:
        return end_of_day(from_time)
    return cal.add_working_days(from_time, days)


def extended(due, days, cal=None):
    """A deadline moved on by `days` working days."""
    return (cal or calendar()).add_working_days(due, days)


def ladder():
    """The supervision steps as {kind: working days overdue}."""
    steps = {s.kind: s.overdue_days for s in db.session.scalars(select(SupervisionStep))}
    return steps or dict(DEFAULT_LADDER)


def overdue_threshold(now, working_days, cal=None):
    """Deadlines at or before this moment are `working_days` working days overdue at `now`."""
    cal = cal or calendar()
    day = now.astimezone(SHANGHAI).date()
    counted = 0
    while counted < working_days:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return datetime.combine(day, time.max, tzinfo=SHANGHAI).astimezone(now.tzinfo)
