"""Case settings the admin keeps: deadline rules, the fallback holiday list, the ladder."""
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..models import NATURES, CalendarDay, DeadlineRule, SupervisionStep
from ..models.base import utcnow
from ..validation import parse_id
from ..workdays import DAY_KINDS, HOLIDAY, WORKDAY, Calendar
from . import deadlines
from .supervision import LADDER_ORDER

NATURE_LABELS = {"consultation": _l("Consultation"), "help": _l("Request for help"),
                 "complaint": _l("Complaint"), "report": _l("Report of wrongdoing"),
                 "suggestion": _l("Suggestion")}
URGENCY_LABELS = {"normal": _l("Normal"), "urgent": _l("Urgent")}
URGENCIES = ("normal", "urgent")
DAY_KIND_LABELS = {HOLIDAY: _l("Holiday (a weekday off)"),
                   WORKDAY: _l("Make-up working day (a weekend day worked)")}
WEEKDAY_LABELS = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))
STEP_LABELS = {"reminder": _l("Reminder"), "supervision": _l("Supervision notice"),
               "listed": _l("Listed in the monthly report")}
REVEALED_FIELDS = {"name": _l("name"), "phone": _l("phone number")}
# Upper bounds that catch a typo (an extra zero) without getting in the way of a real rule.
RULE_LIMITS = {"sign_hours": (1, 72), "sign_days": (1, 10), "reply_days": (0, 90)}
MAX_OVERDUE_DAYS = 60
NOTE_LIMIT = 100


def _number(fields, name, low, high, errors, required=True):
    """A whole number from a form field in low..high; None when blank and allowed to be."""
    raw = str(fields.get(name) or "").strip()
    if not raw:
        if required:
            errors[name] = _("required")
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        errors[name] = _("a whole number from %(low)s to %(high)s", low=low, high=high)
        return None
    return int(raw)


def _install_defaults():
    """Fill in missing rules and ladder steps; another admin doing the same at once is harmless."""
    deadlines.install_defaults()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # someone else installed them a moment ago: use theirs


# ---- deadline rules ----

def list_deadline_rules(actor):
    """Every deadline rule in nature, then urgency order; the defaults installed if missing."""
    policy.require(actor, "admin")
    _install_defaults()
    rules = db.session.scalars(select(DeadlineRule)).all()
    order = {(n, u): i for i, (n, u) in
             enumerate((n, u) for n in NATURES for u in URGENCIES)}
    return sorted(rules, key=lambda r: (order.get((r.nature, r.urgency), len(order)), r.id))


def save_deadline_rule(rule_id, fields, actor):
    """Change how long departments have to sign and reply for one nature and urgency."""
    policy.require(actor, "admin")
    key = parse_id(rule_id)
    rule = db.session.get(DeadlineRule, key) if key else None
    if rule is None:
        raise NotFound(_("Deadline rule %(id)s does not exist.", id=rule_id))
    errors = {}
    hours = _number(fields, "sign_hours", *RULE_LIMITS["sign_hours"], errors, required=False)
    days = _number(fields, "sign_days", *RULE_LIMITS["sign_days"], errors, required=False)
    reply = _number(fields, "reply_days", *RULE_LIMITS["reply_days"], errors)
    if not errors and (hours is None) == (days is None):
        problem = _("give hours or working days, not both") if hours else \
            _("give hours or working days")
        errors.update(sign_hours=problem, sign_days=problem)
    if errors:
        raise ValidationError(_("The deadline rule was not saved."), errors)
    rule.sign_hours, rule.sign_days, rule.reply_days = hours, days, reply
    db.session.commit()
    return rule


def deadline_examples(rules, now=None):
    """{rule id: (sign due, reply due)} for a case of each rule dispatched at `now`."""
    now = now or utcnow()
    calendar = deadlines.calendar()
    examples = {}
    for rule in rules:
        case = SimpleNamespace(nature=rule.nature, urgency=rule.urgency, promised_days=None)
        examples[rule.id] = (deadlines.sign_due(case, now, calendar),
                             deadlines.reply_due(case, now, calendar))
    return examples


# ---- the holiday list for years the package does not know ----

def list_calendar_days(actor):
    """The admin's entries, newest first, each with whether it takes effect and why not."""
    policy.require(actor, "admin")
    calendar = Calendar()
    rows = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    return [{"id": row.id, "day": row.day, "kind": row.kind, "note": row.note,
             "known_year": calendar.knows(row.day.year),
             "no_change": (row.kind == HOLIDAY) == (row.day.weekday() >= 5)}
            for row in rows]


def _day(fields, errors):
    raw = str(fields.get("day") or "").strip()
    if not raw:
        errors["day"] = _("required")
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or len(raw) != 10 or not 2000 <= day.year <= 2100:
        errors["day"] = _("a date such as 2027-01-01")
        return None
    return day


def add_calendar_day(fields, actor):
    """Add a holiday or make-up working day to the list used for years the package lacks."""
    policy.require(actor, "admin")
    errors = {}
    day = _day(fields, errors)
    kind = str(fields.get("kind") or "").strip()
    if kind not in DAY_KINDS:
        errors["kind"] = _("holiday or make-up working day")
    note = str(fields.get("note") or "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("at most %(n)s characters", n=NOTE_LIMIT)
    if day and db.session.scalar(select(CalendarDay.id).where(CalendarDay.day == day)):
        errors["day"] = _("this day is already on the list; delete it first to change it")
    if errors:
        raise ValidationError(_("The day was not added."), errors)
    entry = CalendarDay(day=day, kind=kind, note=note)
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # added by someone else since the check above
        raise ValidationError(_("The day was not added."),
                              {"day": _("this day is already on the list")}) from None
    return entry


def delete_calendar_day(day_id, actor):
    """Take a day off the list; returns the date it was for."""
    policy.require(actor, "admin")
    key = parse_id(day_id)
    entry = db.session.get(CalendarDay, key) if key else None
    if entry is None:
        raise NotFound(_("That day is not on the list (any more)."))
    day = entry.day
    db.session.delete(entry)
    db.session.commit()
    return day


def covered_until(today=None):
    """The last year the holiday package covers, counting on from this one (None if not this)."""
    calendar, year = Calendar(), (today or date.today()).year
    if not calendar.knows(year):
        return None
    while calendar.knows(year + 1):
        year += 1
    return year


def year_is_known(day):
    """Whether the holiday package covers `day`'s year (then the admin's entry is ignored)."""
    return Calendar().knows(day.year)


# ---- the supervision ladder ----

def supervision_ladder(actor):
    """The steps as [(kind, working days overdue)] in the order they are sent."""
    policy.require(actor, "admin")
    _install_defaults()
    steps = {s.kind: s.overdue_days for s in db.session.scalars(select(SupervisionStep))}
    return [(kind, steps.get(kind)) for kind in LADDER_ORDER]


def save_ladder(fields, actor):
    """Set how many working days after the deadline each step goes out; each after the last."""
    policy.require(actor, "admin")
    errors = {}
    days = {kind: _number(fields, kind, 1, MAX_OVERDUE_DAYS, errors) for kind in LADDER_ORDER}
    if not errors:
        for earlier, later in zip(LADDER_ORDER, LADDER_ORDER[1:]):
            if days[later] <= days[earlier]:
                errors[later] = _("more working days than the step before")
    if errors:
        raise ValidationError(_("The supervision ladder was not saved."), errors)
    for kind, overdue_days in days.items():
        step = db.session.get(SupervisionStep, kind)
        if step is None:
            db.session.add(SupervisionStep(kind=kind, overdue_days=overdue_days))
        else:
            step.overdue_days = overdue_days
    db.session.commit()
    return days
