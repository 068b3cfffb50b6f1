"""The producer's inbox of texts during a live show: read on air, turn into a case, or dismiss."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import phones, policy
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models import (NATURES, URGENCIES, Call, Category, Community, InboundMessage, Show,
                      Town)
from ..models.base import utcnow
from ..realtime.payloads import waiting_texts
from ..states import CallState, ShowState
from ..validation import first_line, parse_id
from . import cards, intake, outbox
from .callers import caller_for_phone
from .calls import move
from .events import record
from .live import changing_show, get_show

#: Fields the producer may set when turning a text into a case (the rest come from the text).
CASE_FIELDS = ("title", "description", "citizen_name", "town_id", "community_id", "category_id",
               "nature", "urgency")
_HANDLED = {"queued": _l("put into the queue"), "case": _l("turned into a case"),
            "dismissed": _l("dismissed")}


def list_inbox(show_id, actor):
    """The show's texts still waiting for the producer, oldest first."""
    policy.require(actor, "screen")
    get_show(show_id)
    return waiting_texts(show_id)


def _message(message_id):
    message = db.session.get(InboundMessage, message_id)
    if message is None:
        raise NotFound(_("Message %(id)s does not exist.", id=message_id))
    if message.show_id is None:
        raise Conflict(_("This text did not arrive during a show; it is handled as a case."),
                       code="stale_message")
    return message


def _check_waiting(message):
    """Refuse an action on a text someone already handled (the inbox the producer saw is stale)."""
    db.session.refresh(message)
    if message.state != "inbox":
        raise Conflict(_("Someone already handled this text (%(what)s); the inbox now shows "
                         "what is left.", what=str(_HANDLED.get(message.state, message.state))),
                       code="stale_message")


def _handled(message, state, actor):
    message.state = state
    message.handled_by_id = actor.id
    message.handled_at = utcnow()


def queue_text(message_id, actor):
    """Put a text at the end of the live queue as a call the host reads out."""
    policy.require(actor, "screen")
    message = _message(message_id)
    with changing_show(message.show_id) as show:
        _check_waiting(message)
        if show.state != ShowState.LIVE:
            raise Conflict(_("Texts can only be put into the queue while the show is live."))
        call = _text_call(message, actor)
        message.call_id = call.id
        _handled(message, "queued", actor)
    return message, call


def _text_call(message, actor):
    """A ready call carrying the text, at the end of the queue (in the current transaction)."""
    topic = first_line(message.text, 200)
    if not topic:
        raise ValidationError(_("This text is empty; there is nothing to read on air."),
                              {"text": _("empty")})
    caller = caller_for_phone(message.from_phone)
    now = utcnow()
    call = Call(show_id=message.show_id, caller_id=caller.id, source=message.channel,
                state=CallState.SCREENING, ringing_at=message.received_at, screening_at=now,
                name=(message.name or caller.name or "")[:50], town_id=caller.town_id,
                topic=topic, detail=(message.text or "")[:4000], consent=True)
    db.session.add(call)
    db.session.flush()
    record(call, "created", actor, None, CallState.SCREENING,
           _("text %(channel)s #%(id)s", channel=message.channel, id=message.id))
    cards.check_ready(call)  # a banned sender's text is not read on air either
    last = db.session.scalar(select(func.max(Call.position)).where(
        Call.show_id == call.show_id, Call.state == CallState.READY))
    move(call, CallState.READY, actor)
    call.position = (last or 0) + 1
    return call


def dismiss_text(message_id, actor, reason=""):
    """Drop a text from the inbox (spam, off topic); it gets no case."""
    policy.require(actor, "screen")
    if reason is not None and not isinstance(reason, str):
        raise ValidationError(_("The reason must be text."), {"reason": _("must be text")})
    if len((reason or "").strip()) > 300:
        raise ValidationError(_("The reason is at most 300 characters."),
                              {"reason": _("at most %(n)s characters", n=300)})
    message = _message(message_id)
    with changing_show(message.show_id):
        _check_waiting(message)
        _handled(message, "dismissed", actor)
        message.dismiss_reason = (reason or "").strip()
    return message


def text_to_case(message_id, actor, fields=None):
    """Open a case from a text in the inbox (not read on air); the sender gets the case number."""
    policy.require(actor, "screen")
    clean = _case_fields(fields or {})
    message = _message(message_id)
    with changing_show(message.show_id):
        _check_waiting(message)
        case = intake.case_from_text(message, actor=actor, show_id=message.show_id, **clean)
        message.handled_by_id, message.handled_at = actor.id, utcnow()
    outbox.deliver_soon()
    return message, case


def _case_fields(fields):
    """The producer's corrections to a case made from a text, checked; every problem at once."""
    if not isinstance(fields, dict):
        raise ValidationError(_("Send the case fields as a JSON object."))
    errors = {name: _("not a field of a case") for name in sorted(set(fields) - set(CASE_FIELDS))}
    clean = {}
    for name, limit in (("title", 200), ("description", 4000), ("citizen_name", 50)):
        if fields.get(name) is None:
            continue
        value = fields[name].strip() if isinstance(fields[name], str) else None
        if value is None or len(value) > limit:
            errors[name] = _("at most %(n)s characters", n=limit)
        elif value or name == "citizen_name":
            clean[name] = value
    for name, allowed, hint in (("nature", NATURES, _("consultation, help, complaint, report or "
                                                      "suggestion")),
                                ("urgency", URGENCIES, _("normal or urgent"))):
        if fields.get(name) not in (None, ""):
            if fields[name] not in allowed:
                errors[name] = hint
            clean[name] = fields[name]
    for name, model in (("town_id", Town), ("community_id", Community),
                        ("category_id", Category)):
        if fields.get(name) not in (None, ""):
            key = parse_id(fields[name])
            if key is None or db.session.get(model, key) is None:
                errors[name] = _("unknown choice")
            clean[name] = key
    if errors:
        raise ValidationError(_("Some fields of the case need correcting."), errors)
    return clean


def live_show():
    """The show on air now (the newest live one), or None."""
    return db.session.scalars(select(Show).where(Show.state == ShowState.LIVE)
                              .order_by(Show.went_live_at.desc())).first()


def message_to_studio(fields, key):
    """A web message from the /onair page into the live show's inbox; `key` makes a resend once."""
    errors, clean = {}, {}
    for name, limit, required in (("name", 50, False), ("phone", 40, True), ("text", 500, True)):
        value = str(fields.get(name) or "").strip()
        if required and not value:
            errors[name] = _("required")
        elif len(value) > limit:
            errors[name] = _("at most %(n)s characters", n=limit)
        clean[name] = value
    if "phone" not in errors:
        try:
            clean["phone"] = phones.normalise(clean["phone"])
        except ValidationError as error:
            errors.update(error.fields)
    if errors:
        raise ValidationError(_("Some fields need correcting."), errors)
    if live_show() is None:
        raise Conflict(_("The lines to the studio are closed: no show is on air."),
                       code="lines_closed")
    return intake.receive_text("web", "onair-" + key, clean["phone"], clean["text"],
                               name=clean["name"])
