"""Phone-system events (ring, answer, hang up) turned into calls; a repeated event is a no-op."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import phones
from ..errors import ValidationError
from ..extensions import db
from ..models import Call, Show, TelephonyEvent
from ..states import IllegalTransition, CallState, ShowState
from .callers import caller_for_phone
from .calls import move
from .events import record
from .live import changing_show

EVENTS = ("ringing", "answered", "hangup")
_BEFORE_AIR = (CallState.RINGING, CallState.SCREENING, CallState.READY)


def validate_event(data):
    """Check a webhook body; every problem is named."""
    if not isinstance(data, dict):
        raise ValidationError(_("The body must be a JSON object."))
    errors = {}
    if data.get("event") not in EVENTS:
        errors["event"] = _("one of ringing, answered, hangup")
    ref = data.get("call_ref")
    if not isinstance(ref, str) or not 0 < len(ref.strip()) <= 100:
        errors["call_ref"] = _("a text of 1 to 100 characters")
    line = data.get("line")
    if not isinstance(line, int) or isinstance(line, bool) or not 0 <= line <= 999:
        errors["line"] = _("a line number from 0 to 999")
    caller = None
    if not isinstance(data.get("caller"), str) or not data["caller"].strip():
        errors["caller"] = _("the caller number as text")
    else:
        try:
            caller = phones.normalise(data["caller"])
        except ValidationError as error:
            errors["caller"] = error.fields.get("phone")
    at = None
    try:
        at = datetime.fromisoformat(str(data.get("at")))
    except ValueError:
        errors["at"] = _("an ISO-8601 time such as 2026-11-28T19:05:00+08:00")
    if errors:
        raise ValidationError(_("The telephony event is malformed."), errors)
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return {"event": data["event"], "call_ref": ref.strip(), "line": line,
            "caller": caller, "at": at.astimezone(timezone.utc)}


def _processed(call_ref, event):
    return db.session.scalars(select(TelephonyEvent).where(
        TelephonyEvent.call_ref == call_ref, TelephonyEvent.event == event)).first()


def _record_only(clean, call_id, outcome):
    """Remember an event that changes no call, so that a repeat gives the same answer."""
    try:
        db.session.add(TelephonyEvent(call_ref=clean["call_ref"], event=clean["event"],
                                      call_id=call_id, outcome=outcome))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _processed(clean["call_ref"], clean["event"]).call_id
    return call_id


def handle_event(data):
    """Apply one phone-system event and return the id of its call (None when no call is made)."""
    clean = validate_event(data)
    done = _processed(clean["call_ref"], clean["event"])
    if done is not None:
        return done.call_id
    try:
        if clean["event"] == "ringing":
            return _ring(clean)
        return _follow(clean)
    except _LinesClosed:
        return _record_only(clean, None, "lines_closed")
    except IntegrityError:
        # The same event is being (or was just) processed by another request.
        db.session.rollback()
        return _processed(clean["call_ref"], clean["event"]).call_id


def _open_show():
    return db.session.scalars(select(Show).where(
        Show.state == ShowState.LIVE, Show.lines_open.is_(True))
        .order_by(Show.went_live_at.desc())).first()


def _ring(clean):
    show = _open_show()
    if show is None:
        return _record_only(clean, None, "lines_closed")
    caller_for_phone(clean["caller"])  # a bad number is a 400 before anything is written
    db.session.rollback()
    with changing_show(show.id) as show:
        if not (show.state == ShowState.LIVE and show.lines_open):
            raise _LinesClosed()
        event = TelephonyEvent(call_ref=clean["call_ref"], event="ringing", outcome="created")
        db.session.add(event)
        db.session.flush()
        caller = caller_for_phone(clean["caller"])
        call = Call(show_id=show.id, caller_id=caller.id, call_ref=clean["call_ref"],
                    line=clean["line"], source="phone", state=CallState.RINGING,
                    ringing_at=clean["at"], name=caller.name, town_id=caller.town_id)
        db.session.add(call)
        db.session.flush()
        event.call_id = call.id
        record(call, "created", None, None, CallState.RINGING, _("line %(n)s", n=clean["line"]))
    return call.id


class _LinesClosed(Exception):
    pass


def _target(call, event):
    if event == "answered" and call.state == CallState.RINGING:
        return CallState.SCREENING
    if event == "hangup" and call.state in _BEFORE_AIR:
        return CallState.ABANDONED
    if event == "hangup" and call.state == CallState.ON_AIR:
        return CallState.DROPPED
    return None


def _follow(clean):
    call = db.session.scalars(select(Call).where(Call.call_ref == clean["call_ref"])).first()
    if call is None:
        return _record_only(clean, None, "unknown_call")
    target = _target(call, clean["event"])
    if target is None:
        return _record_only(clean, call.id, "ignored")
    try:
        with changing_show(call.show_id):
            db.session.refresh(call)
            db.session.add(TelephonyEvent(call_ref=clean["call_ref"], event=clean["event"],
                                          call_id=call.id, outcome=target))
            db.session.flush()
            move(call, target, None, clean["event"])
            if target == CallState.DROPPED:
                call.caller.last_aired_at = call.on_air_at
    except IllegalTransition:
        # Someone moved the call between our read and our lock; the event changes nothing now.
        return _record_only(clean, call.id, "ignored")
    return call.id
