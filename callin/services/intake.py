"""Texts from citizens (SMS, web): into the live show's inbox, or straight into a case."""
from collections import namedtuple
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from .. import phones
from ..errors import ValidationError
from ..extensions import db
from ..models import InboundMessage, Show
from ..models.base import utcnow
from ..states import ShowState
from ..validation import first_line
from . import outbox
from .cases import insert_case, new_case
from .live import changing_show

#: The longest SMS text we take (a long concatenated message is a few hundred characters).
MAX_TEXT = 2000
_TITLE_LENGTH = 40
_SHANGHAI = ZoneInfo("Asia/Shanghai")


#: How a text was taken: what the gateway's webhook answers (DESIGN §7).
Taken = namedtuple("Taken", "id message_id state case_id case_number")


def receive_text(channel, message_id, phone, text, received_at=None, to="", name=""):
    """Take one text exactly once: the live show's inbox, else a case with its auto-reply."""
    sender = phones.normalise(phone)  # an invalid number is a 400, not a new caller
    taken = take_text(channel, message_id, sender, text, received_at, to, name)
    return db.session.get(InboundMessage, taken.id)


def take_text(channel, message_id, sender, text, received_at=None, to="", name=""):
    """receive_text for a normalised sender, answering with a Taken rather than the message.

    There is no look before the insert: the unique key on (channel, message_id) decides, so a
    first message costs no extra SELECT and a repeat costs one rolled-back transaction.
    """
    fields = {"channel": channel, "message_id": message_id, "from_phone": sender, "to": to or "",
              "name": name or "", "text": text, "received_at": received_at or utcnow()}
    try:
        try:
            taken = _to_inbox(fields)
        except _NotLive:
            taken = None  # the show ended between our look and our lock
        if taken is None:
            taken = _to_case(fields)
    except IntegrityError:
        # The same message is being (or was already) taken by another request.
        db.session.rollback()
        known = find_message(channel, message_id)
        if known is None:
            raise  # another constraint failed: not a repeat
        return _taken(known)
    outbox.deliver_soon()
    return taken


def find_message(channel, message_id):
    """The text already taken under this channel and message id, or None."""
    return db.session.scalars(select(InboundMessage).where(
        InboundMessage.channel == channel, InboundMessage.message_id == message_id)).first()


def _taken(message):
    number = message.case.number if message.case_id is not None else None
    return Taken(message.id, message.message_id, message.state, message.case_id, number)


def _live_show_id():
    return db.session.scalar(_LIVE_SHOW)


_shows = Show.__table__.c
#: Built once: every SMS asks, and a ready statement skips rebuilding its cache key.
_LIVE_SHOW = (select(_shows.id).where(_shows.state == ShowState.LIVE)
              .order_by(_shows.went_live_at.desc()).limit(1))


def _to_inbox(fields):
    """Put the text in the live show's inbox (pushed to the producers), or None if none is live."""
    show_id = _live_show_id()
    if show_id is None:
        return None
    with changing_show(show_id) as show:
        if show.state != ShowState.LIVE:
            raise _NotLive()
        message = InboundMessage(**fields, state="inbox", show_id=show.id)
        db.session.add(message)
        db.session.flush()
        outbox.queue_sms(message.from_phone, outbox.ack_text(), kind="ack",
                         inbound_id=message.id)
    return _taken(message)


class _NotLive(Exception):
    pass


def _to_case(fields):
    """The case, the text and the auto-reply, written with Core INSERTs and committed.

    This is case_from_text for a text that is not stored yet, shaped for 200 SMS a second
    (bench/sms_load.py): the case comes first so that the text is inserted once, already
    pointing at it, and nothing is loaded back. The case itself is registered by insert_case,
    like every other channel's.
    """
    case = insert_case(fields["channel"], _case_values(fields["text"], fields["name"],
                                                       fields["from_phone"]))
    inbound = db.session.execute(insert(InboundMessage.__table__), {
        **fields, "state": "case", "case_id": case.id, "handled_at": utcnow()})
    message_pk = inbound.inserted_primary_key[0]
    outbox.insert_sms(fields["from_phone"], outbox.case_reply_text(case), kind="case_number",
                      case_id=case.id, inbound_id=message_pk)
    db.session.commit()
    return Taken(message_pk, fields["message_id"], "case", case.id, case.number)


def title_of(text):
    """A case title from a text: its first non-empty line, at most 40 characters."""
    return first_line(text, _TITLE_LENGTH) or _("(text without words)")


def case_from_text(message, actor=None, **fields):
    """Open a case from a text and queue the case-number reply (in the current transaction)."""
    values = _case_values(message.text, message.name, message.from_phone)
    values.update(fields)
    case = new_case(message.channel, values, actor)
    message.state = "case"
    message.case_id = case.id
    message.handled_by_id = actor.id if actor is not None else None
    message.handled_at = utcnow()
    outbox.queue_sms(message.from_phone, outbox.case_reply_text(case), kind="case_number",
                     case_id=case.id, inbound_id=message.id)
    return case


def _case_values(text, name, phone):
    """The fields of a case opened from a text."""
    return {"title": title_of(text), "description": text, "citizen_name": name or "",
            "citizen_phone": phone}


# --- the SMS gateway's webhook body (DESIGN §7) ----------------------------------------------

_SMS_FIELDS = ("message_id", "from", "to", "text", "received_at")


def receive_sms(data):
    """Check the gateway's body and take the SMS; returns how it was Taken."""
    clean = validate_sms(data)  # normalises the sender's number
    return take_text("sms", clean["message_id"], clean["from"], clean["text"],
                     clean["received_at"], to=clean["to"])


def validate_sms(data):
    """The webhook body's fields, checked; every problem is named at once."""
    if not isinstance(data, dict):
        raise ValidationError(_("The body must be a JSON object."))
    errors = {}
    for name in _SMS_FIELDS:
        if name not in data:
            errors[name] = _("required")
        elif not isinstance(data[name], str):
            errors[name] = _("must be text")
    message_id = str(data.get("message_id") or "").strip()
    if "message_id" not in errors and not 0 < len(message_id) <= 100:
        errors["message_id"] = _("a text of 1 to 100 characters")
    text = str(data.get("text") or "").strip()
    if "text" not in errors and not text:
        errors["text"] = _("the message has no text")
    elif "text" not in errors and len(text) > MAX_TEXT:
        errors["text"] = _("at most %(n)s characters", n=MAX_TEXT)
    if "to" not in errors and len(data["to"].strip()) > 32:
        errors["to"] = _("at most %(n)s characters", n=32)
    if "from" not in errors and not data["from"].strip():
        errors["from"] = _("the sender's number")
    at = None
    if "received_at" not in errors:
        at = _parse_time(data["received_at"])
        if at is None:
            errors["received_at"] = _("an ISO-8601 time such as 2026-11-28T19:05:00+08:00")
    if errors:
        raise ValidationError(_("The SMS is malformed."), errors)
    try:
        sender = phones.normalise(data["from"])
    except ValidationError as error:
        raise ValidationError(_("%(raw)s is not a valid phone number.", raw=data["from"][:40]),
                              {"from": error.fields.get("phone", _("not a valid number"))})
    return {"message_id": message_id, "from": sender, "to": data["to"].strip(), "text": text,
            "received_at": at}


def _parse_time(value):
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=_SHANGHAI)
    if not 2000 <= at.year <= 2100:
        return None
    return at.astimezone(timezone.utc)
