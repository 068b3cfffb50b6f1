"""Calls: the screening card, the queue and the studio's air/end, every move through states.py."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import policy
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models import Call
from ..models.base import utcnow
from ..states import CallState, ShowState, transition
from . import cards
from .callers import caller_for_phone
from .events import record
from ..validation import parse_id
from .live import changing_show, get_show

_STAMP = {CallState.SCREENING: "screening_at", CallState.READY: "ready_at",
          CallState.ON_AIR: "on_air_at", CallState.DONE: "ended_at",
          CallState.DROPPED: "ended_at", CallState.ABANDONED: "ended_at",
          CallState.REJECTED: "ended_at"}


def move(call, target, actor, text=""):
    """Move a call to `target` if the table allows it: stamp the time, bump its version, log it."""
    source = call.state
    call.state = transition("call", source, target)
    setattr(call, _STAMP[target], utcnow())
    if target != CallState.READY:
        call.position = None
    call.version += 1
    record(call, "state", actor, source, target, text)


def _call(call_id):
    call = db.session.get(Call, call_id)
    if call is None:
        raise NotFound(_("Call %(id)s does not exist.", id=call_id))
    return call


def _check_version(call, seen_version):
    if seen_version is None:
        return
    if isinstance(seen_version, bool) or not isinstance(seen_version, (int, str)) \
            or not str(seen_version).isdigit():
        raise ValidationError(_("The version must be the number the card showed."),
                              {"version": _("a whole number")})
    if int(seen_version) != call.version:
        raise Conflict(_("Someone else changed this call while you were editing it. "
                         "Your change was not saved; the card now shows their version."),
                       code="stale_version")


def create_manual_call(show_id, phone, actor, fields=None):
    """A producer types in a caller's number: the call starts in screening."""
    policy.require(actor, "screen")
    show = get_show(show_id)
    if show.state != ShowState.LIVE:
        raise Conflict(_("Calls can only be added while the show is live."))
    with changing_show(show_id):
        caller = caller_for_phone(phone)
        now = utcnow()
        call = Call(show_id=show_id, caller_id=caller.id, source="manual",
                    state=CallState.SCREENING, ringing_at=now, screening_at=now,
                    name=caller.name, town_id=caller.town_id)
        db.session.add(call)
        db.session.flush()
        cards.apply(call, fields or {})
        record(call, "created", actor, None, CallState.SCREENING)
    return call


def update_card(call_id, fields, seen_version, actor):
    """Save the screening card; refused with 409 when someone saved it since `seen_version`."""
    policy.require(actor, "screen")
    call = _call(call_id)
    with changing_show(call.show_id):
        db.session.refresh(call)
        _check_version(call, seen_version)
        cards.apply(call, fields)
        call.version += 1
        record(call, "edited", actor, text=", ".join(sorted(fields)))
    return call


def answer_call(call_id, actor):
    """A producer picks up a ringing line."""
    policy.require(actor, "screen")
    call = _call(call_id)
    with changing_show(call.show_id):
        move(call, CallState.SCREENING, actor)
    return call


def make_ready(call_id, seen_version, actor):
    """Put a screened call at the end of the queue; needs a topic, consent and no ban."""
    policy.require(actor, "screen")
    call = _call(call_id)
    with changing_show(call.show_id):
        db.session.refresh(call)
        _check_version(call, seen_version)
        cards.check_ready(call)
        last = db.session.scalar(select(func.max(Call.position)).where(
            Call.show_id == call.show_id, Call.state == CallState.READY))
        move(call, CallState.READY, actor)
        call.position = (last or 0) + 1
    return call


def reject_call(call_id, reason, actor):
    """Screen a call out, with the reason."""
    policy.require(actor, "screen")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for screening this call out."),
                              {"reason": _("required")})
    call = _call(call_id)
    with changing_show(call.show_id):
        call.rejection_reason = reason[:300]
        move(call, CallState.REJECTED, actor, reason)
    return call


def abandon_call(call_id, actor):
    """The caller hung up before going on air."""
    policy.require(actor, "screen")
    call = _call(call_id)
    with changing_show(call.show_id):
        move(call, CallState.ABANDONED, actor)
    return call


def reorder_queue(show_id, call_ids, actor):
    """Set the order of the ready calls; the list must name each ready call exactly once."""
    policy.require(actor, "screen")
    get_show(show_id)
    with changing_show(show_id):
        ready = db.session.scalars(select(Call).where(
            Call.show_id == show_id, Call.state == CallState.READY)).all()
        ids = [parse_id(i) for i in call_ids] if isinstance(call_ids, list) else None
        if ids is None or sorted(ids, key=str) != sorted((c.id for c in ready), key=str):
            raise Conflict(_("The queue changed while you were reordering it; "
                             "check the new order and try again."), code="stale_queue")
        by_id = {c.id: c for c in ready}
        for position, call_id in enumerate(ids, start=1):
            by_id[call_id].position = position
    return ids


def air_call(call_id, actor):
    """The host puts a ready call on air; only one call is on air at a time."""
    policy.require(actor, "air")
    call = _call(call_id)
    with changing_show(call.show_id):
        _check_nothing_on_air(call.show_id)
        move(call, CallState.ON_AIR, actor)
    return call


def next_call(show_id, actor):
    """The host's "next": the first ready call in the producer's order goes on air."""
    policy.require(actor, "air")
    get_show(show_id)
    with changing_show(show_id):
        _check_nothing_on_air(show_id)
        call = db.session.scalars(select(Call).where(
            Call.show_id == show_id, Call.state == CallState.READY)
            .order_by(Call.position, Call.id)).first()
        if call is None:
            raise Conflict(_("No caller is ready. The producer puts callers in the queue."),
                           code="queue_empty")
        move(call, CallState.ON_AIR, actor)
    return call


def _check_nothing_on_air(show_id):
    busy = db.session.scalar(select(func.count()).select_from(Call).where(
        Call.show_id == show_id, Call.state == CallState.ON_AIR))
    if busy:
        raise Conflict(_("A call is on air. End it first (E)."), code="call_on_air")


def end_call(call_id, actor, dropped=False, outcome=None):
    """The host ends the call on air (done), or marks the line lost (dropped)."""
    policy.require(actor, "air")
    call = _call(call_id)
    with changing_show(call.show_id):
        move(call, CallState.DROPPED if dropped else CallState.DONE, actor)
        call.caller.last_aired_at = call.on_air_at
        if outcome:
            cards.apply_outcome(call, outcome)
    return call


def set_outcome(call_id, outcome, actor):
    """Record what came of an aired call: answered, commitment (days), field visit, no issue."""
    policy.require(actor, "outcome")
    call = _call(call_id)
    with changing_show(call.show_id):
        db.session.refresh(call)
        _check_version(call, outcome.get("version") if isinstance(outcome, dict) else None)
        cards.apply_outcome(call, outcome)
        call.version += 1
        record(call, "outcome", actor, text=call.outcome or "")
    return call
