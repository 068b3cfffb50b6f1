"""Shows: schedule, edit, go live, open/close the lines, end."""
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..models import Call, Department, Show
from ..models.base import utcnow
from ..states import ACTIVE_CALL_STATES, CallState, ShowState, transition
from . import outbox
from .calls import move
from ..validation import parse_id
from .live import changing_show, get_show
from .show_cases import cases_from_show

SHOW_FIELDS = ("title", "studio", "department_id", "guest_names", "starts_at", "duration_min",
               "airtime_limit_s", "wait_warning_s")


def _parse_time(value, errors):
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            errors["starts_at"] = _("a date and time such as 2026-12-03T09:00+08:00")
            return None
    if parsed.tzinfo is None:
        from zoneinfo import ZoneInfo
        parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return parsed.astimezone(timezone.utc)


def _int_in(fields, name, low, high, errors):
    try:
        value = int(fields[name])
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        errors[name] = _("between %(low)s and %(high)s", low=low, high=high)
    return value


def validate(fields, partial=False):
    """Check show fields; every problem is reported at once."""
    if not isinstance(fields, dict):
        raise ValidationError(_("Send the show as a JSON object."))
    errors, clean = {}, {}
    for name in sorted(set(fields) - set(SHOW_FIELDS)):
        errors[name] = _("not a field of a show")
    required = () if partial else ("title", "starts_at")
    for name in required:
        if not str(fields.get(name) or "").strip():
            errors[name] = _("required")
    if partial and "title" in fields and not str(fields["title"] or "").strip():
        errors["title"] = _("required")
    for name, limit in (("title", 200), ("studio", 40), ("guest_names", 200)):
        if fields.get(name) is not None:
            value = str(fields[name]).strip()
            if len(value) > limit:
                errors[name] = _("at most %(n)s characters", n=limit)
            clean[name] = value
    if fields.get("starts_at"):
        clean["starts_at"] = _parse_time(fields["starts_at"], errors)
    if fields.get("department_id") not in (None, ""):
        dept_id = parse_id(fields["department_id"])
        dept = db.session.get(Department, dept_id) if dept_id else None
        if dept is None or not dept.is_active:
            errors["department_id"] = _("unknown department")
        else:
            clean["department_id"] = dept.id
    for name, low, high in (("duration_min", 10, 600), ("airtime_limit_s", 30, 1800),
                            ("wait_warning_s", 30, 3600)):
        if fields.get(name) not in (None, ""):
            clean[name] = _int_in(fields, name, low, high, errors)
    if errors:
        raise ValidationError(_("Some fields of the show need correcting."), errors)
    return clean


def create_show(fields, actor):
    """Schedule a show."""
    policy.require(actor, "manage_shows")
    clean = validate(fields)
    show = Show(**clean)
    db.session.add(show)
    db.session.commit()
    return show


def update_show(show_id, fields, actor):
    """Change a show's details; the live state is pushed when it is live."""
    policy.require(actor, "manage_shows")
    get_show(show_id)
    clean = validate(fields, partial=True)
    with changing_show(show_id) as show:
        if show.state == ShowState.ENDED:
            raise Conflict(_("This show has ended; its details are final."))
        for name, value in clean.items():
            setattr(show, name, value)
    return show


def start_show(show_id, actor):
    """Go live (one live show per studio, enforced by the database) and open the lines."""
    policy.require(actor, "manage_shows")
    get_show(show_id)
    try:
        with changing_show(show_id) as show:
            show.state = transition("show", show.state, ShowState.LIVE)
            show.went_live_at = utcnow()
            show.lines_open = True
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Another show is already live in this studio. End it first."),
                       code="studio_busy") from None
    return show


def set_lines(show_id, is_open, actor):
    """Open or close the lines (stop taking new calls near the end)."""
    policy.require(actor, "screen")
    if not isinstance(is_open, bool):
        raise ValidationError(_("Say whether the lines are open (true or false)."),
                              {"open": _("true or false")})
    get_show(show_id)
    with changing_show(show_id) as show:
        if show.state != ShowState.LIVE:
            raise Conflict(_("Lines can only be opened or closed while the show is live."))
        show.lines_open = is_open
    return show


def end_show(show_id, actor):
    """End the show: close the lines; callers still waiting are marked abandoned."""
    policy.require(actor, "manage_shows")
    get_show(show_id)
    with changing_show(show_id) as show:
        show.state = transition("show", show.state, ShowState.ENDED)
        waiting = db.session.scalars(select(Call).where(
            Call.show_id == show_id, Call.state.in_(ACTIVE_CALL_STATES))).all()
        if any(c.state == CallState.ON_AIR for c in waiting):
            raise Conflict(_("A call is still on air; the host ends it before the show ends."),
                           code="call_on_air")
        for call in waiting:
            move(call, CallState.ABANDONED, actor, _("show ended"))
        show.lines_open = False
        show.ended_at = utcnow()
        cases_from_show(show, actor)  # in the same transaction: a show never ends without them
    outbox.deliver_soon()  # the case-number replies to texts, queued in that transaction
    return show


def list_shows(state=None):
    """Shows, newest first, optionally only those in one state."""
    query = select(Show).order_by(Show.starts_at.desc())
    if state:
        if state not in set(ShowState):
            raise ValidationError(_("Unknown show state %(state)s.", state=state),
                                  {"state": _("scheduled, live or ended")})
        query = query.where(Show.state == state)
    return db.session.scalars(query.limit(200)).all()
