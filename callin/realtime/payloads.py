"""The live state of a show, serialized for each audience (producer, host, guest, public)."""
import re

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import phones
from ..extensions import db
from ..models import Call, InboundMessage, Note, Show
from ..models.base import iso
from ..states import ACTIVE_CALL_STATES, AIRED_CALL_STATES, CallState

FINISHED_SHOWN = 50
STUDIO_STATES = (CallState.READY, CallState.ON_AIR)
#: Calls that are texts (SMS or web messages) read out on air rather than voices on a line.
TEXT_SOURCES = ("sms", "web")
#: Runs of digits long enough to be a phone number, with the spaces and dashes people type.
_NUMBER_RUN = re.compile(r"\+?\d[\d\s\-]{5,}\d")


def _ref(obj):
    return {"id": obj.id, "name": obj.name} if obj else None


def _show(show):
    return {
        "id": show.id, "title": show.title, "state": show.state, "studio": show.studio,
        "lines_open": show.lines_open, "department": _ref(show.department),
        "guest_names": show.guest_names, "starts_at": iso(show.starts_at),
        "airtime_limit_s": show.airtime_limit_s, "wait_warning_s": show.wait_warning_s,
        "went_live_at": iso(show.went_live_at), "ended_at": iso(show.ended_at),
    }


def _times(call):
    return {"ringing_at": iso(call.ringing_at), "screening_at": iso(call.screening_at),
            "ready_at": iso(call.ready_at), "on_air_at": iso(call.on_air_at),
            "ended_at": iso(call.ended_at)}


def kind_of(call):
    """"text" for a text read out on air, "call" for a voice on a line."""
    return "text" if call.source in TEXT_SOURCES else "call"


def without_numbers(text):
    """A citizen's own words with any phone-number-like run of digits hidden, for the studio."""
    return _NUMBER_RUN.sub(lambda m: re.sub(r"\d", "*", m.group(0)), text or "")


def _topic(call):
    # A text's topic is the citizen's own first line: it may hold their number.
    return without_numbers(call.topic) if kind_of(call) == "text" else call.topic


def _studio_call(call):
    """What the studio may see of a call: no phone number, no screening notes."""
    return {
        "id": call.id, "state": call.state, "position": call.position, "source": call.source,
        "kind": kind_of(call),
        "name": call.name, "town": _ref(call.town), "community": _ref(call.community),
        "category": _ref(call.category), "topic": _topic(call), "urgency": call.urgency,
        "airtime_limit_s": call.airtime_limit_s, "outcome": call.outcome,
        "commitment_days": call.commitment_days, "from_elsewhere": _elsewhere(call),
        **_times(call),
    }


def _elsewhere(call):
    home = phones.is_home(call.caller.phone)
    return home is False


def _producer_call(call, earlier_calls):
    caller = call.caller
    home = phones.is_home(caller.phone)
    return {
        **_studio_call(call), "topic": call.topic,
        "version": call.version, "line": call.line, "call_ref": call.call_ref,
        "phone": phones.display(caller.phone), "phone_e164": caller.phone,
        "geography": phones.geography(caller.phone), "home_number": home,
        "town_mismatch": bool(call.town_id and home is False),
        "detail": call.detail, "consent": call.consent, "host_note": call.host_note,
        "rejection_reason": call.rejection_reason, "outcome_note": call.outcome_note,
        "caller": {"id": caller.id, "flag": caller.flag, "flag_reason": caller.flag_reason,
                   "earlier_calls": earlier_calls.get(caller.id, 0),
                   "last_aired_at": iso(caller.last_aired_at)},
    }


def _host_call(call):
    extra = {"text": without_numbers(call.detail)} if kind_of(call) == "text" else {}
    return {**_studio_call(call), "host_note": call.host_note, **extra}


def _guest_call(call, history):
    masked = (call.name[:1] + "*" * max(1, len(call.name) - 1)) if call.name else ""
    detail = without_numbers(call.detail) if kind_of(call) == "text" else call.detail
    return {**_studio_call(call), "name": masked, "detail": detail,
            "history": history.get(call.caller_id, [])}


def inbox_message(message):
    """A text in the producer's inbox: the producer sees the sender's number, like a caller's."""
    return {"id": message.id, "channel": message.channel, "state": message.state,
            "phone": phones.display(message.from_phone), "phone_e164": message.from_phone,
            "geography": phones.geography(message.from_phone), "name": message.name,
            "text": message.text, "received_at": iso(message.received_at),
            "call_id": message.call_id, "case_id": message.case_id}


def waiting_texts(show_id):
    """The texts in a show's inbox, oldest first (read inside the caller's transaction)."""
    return db.session.scalars(select(InboundMessage).where(
        InboundMessage.show_id == show_id, InboundMessage.state == "inbox")
        .order_by(InboundMessage.received_at, InboundMessage.id)).all()


def _inbox(show):
    return [inbox_message(m) for m in waiting_texts(show.id)]


def _earlier_call_counts(show, calls):
    """How many calls each caller made before, in any show."""
    ids = {c.caller_id for c in calls}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Call.caller_id, func.count()).where(Call.caller_id.in_(ids), Call.show_id != show.id)
        .group_by(Call.caller_id)).all()
    return dict(rows)


def _department_history(show, calls):
    """Earlier aired calls of these callers in shows with this show's guest department."""
    ids = {c.caller_id for c in calls}
    if not ids or not show.department_id:
        return {}
    rows = db.session.execute(
        select(Call.caller_id, Call.topic, Call.outcome, Show.starts_at)
        .join(Show, Show.id == Call.show_id)
        .where(Call.caller_id.in_(ids), Show.department_id == show.department_id,
               Show.id != show.id, Call.state.in_(AIRED_CALL_STATES))
        .order_by(Show.starts_at.desc()).limit(50)).all()
    history = {}
    for caller_id, topic, outcome, starts_at in rows:
        history.setdefault(caller_id, []).append(
            {"topic": topic, "outcome": outcome, "date": iso(starts_at)})
    return history


def _recent_notes(show):
    notes = db.session.scalars(select(Note).options(selectinload(Note.author))
                               .where(Note.show_id == show.id)
                               .order_by(Note.id.desc()).limit(60)).all()
    return [{"id": n.id, "text": n.text, "canned": n.canned, "recipient": n.recipient,
             "call_id": n.call_id, "author_role": n.author_role,
             "author": n.author.display_name if n.author else "",
             "created_at": iso(n.created_at)} for n in reversed(notes)]


def _notes_for(notes, audience):
    """The last 30 notes an audience may read (the guest sees notes to the guest or to all)."""
    if audience == "public":
        return []
    if audience == "guest":
        notes = [n for n in notes
                 if n["recipient"] in ("all", "guest") or n["author_role"] == "guest"]
    return notes[-30:]


def _order_key(call):
    return (call.position if call.position is not None else 1_000_000, call.id)


_EAGER = (joinedload(Call.caller), joinedload(Call.town), joinedload(Call.community),
          joinedload(Call.category))


def _calls(show):
    active = db.session.scalars(
        select(Call).options(*_EAGER)
        .where(Call.show_id == show.id, Call.state.in_(ACTIVE_CALL_STATES))).all()
    finished = db.session.scalars(
        select(Call).options(*_EAGER)
        .where(Call.show_id == show.id, Call.state.not_in(ACTIVE_CALL_STATES))
        .order_by(Call.id.desc()).limit(FINISHED_SHOWN)).all()
    return sorted(active, key=_order_key), finished


def snapshot(show, audiences=("producer", "host", "guest", "public")):
    """The full state of `show` for each requested audience, from the current transaction."""
    active, finished = _calls(show)
    studio = [c for c in active if c.state in STUDIO_STATES]
    aired = [c for c in finished if c.state in AIRED_CALL_STATES][:10]
    head = {"show_id": show.id, "version": show.version, "state": show.state,
            "show": _show(show)}
    notes = _recent_notes(show) if set(audiences) - {"public"} else []
    result = {}
    if "producer" in audiences:
        counts = _earlier_call_counts(show, active + finished)
        result["producer"] = {**head, "calls": [_producer_call(c, counts) for c in active + finished],
                              "notes": _notes_for(notes, "producer"), "inbox": _inbox(show)}
    if "host" in audiences:
        result["host"] = {**head, "calls": [_host_call(c) for c in studio + aired],
                          "notes": _notes_for(notes, "host")}
    if "guest" in audiences:
        history = _department_history(show, studio)
        result["guest"] = {**head, "calls": [_guest_call(c, history) for c in studio + aired],
                           "notes": _notes_for(notes, "guest")}
    if "public" in audiences:
        on_air = [c for c in studio if c.state == CallState.ON_AIR]
        result["public"] = {**head, "calls": [
            {"id": c.id, "state": c.state, "kind": kind_of(c), "topic": _topic(c),
             "category": _ref(c.category),
             "on_air_at": iso(c.on_air_at)} for c in on_air], "notes": []}
    return result
