"""Texts from citizens (SMS, web): into the live show's inbox, or straight into a case."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import phones
from ..errors import ValidationError
from ..extensions import db
from ..models import InboundMessage, Show
from ..models.base import utcnow
from ..states import ShowState
from . import outbox
from .cases import new_case
from .live import changing_show

#: The longest SMS text we take (a long concatenated message is a few hundred characters).
MAX_TEXT = 2000
_TITLE_LENGTH = 40
_SHANGHAI = ZoneInfo("Asia/Shanghai")


def receive_text(channel, message_id, phone, text, received_at=None, to="", name=""):
    """Take one text exactly once: the live show's inbox, else a case with its auto-reply."""
    known = find_message(channel, message_id)
    if known is not None:
        return known
    sender = phones.normalise(phone)  # an invalid number is a 400, not a new caller
    fields = {"channel": channel, "message_id": message_id, "from_phone": sender, "to": to or "",
              "name": name or "", "text": text, "received_at": received_at or utcnow()}
    try:
        try:
            message = _to_inbox(fields)
        except _NotLive:
            message = None  # the show ended between our look and our lock
        if message is None:
            message = _to_case(fields)
    except IntegrityError:
        # The same message is being (or was just) taken by another request.
        db.session.rollback()
        return find_message(channel, message_id)
    outbox.deliver_soon()
    return message


def find_message(channel, message_id):
    """The text already taken under this channel and message id, or None."""
    return db.session.scalars(select(InboundMessage).where(
        InboundMessage.channel == channel, InboundMessage.message_id == message_id)).first()


def _live_show_id():
    return db.session.scalar(select(Show.id).where(Show.state == ShowState.LIVE)
                             .order_by(Show.went_live_at.desc()).limit(1))


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
    return message


class _NotLive(Exception):
    pass


def _to_case(fields):
    message = InboundMessage(**fields, state="case")
    db.session.add(message)
    db.session.flush()
    case_from_text(message)
    db.session.commit()
    return message


def title_of(text):
    """A case title from a text: its first non-empty line, at most 40 characters."""
    for line in (text or "").splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= _TITLE_LENGTH else line[:_TITLE_LENGTH - 1] + "…"
    return _("(text without words)")


def case_from_text(message, actor=None, **fields):
    """Open a case from a text and queue the case-number reply (in the current transaction)."""
    values = {"title": title_of(message.text), "description": message.text,
              "citizen_name": message.name or "", "citizen_phone": message.from_phone}
    values.update(fields)
    case = new_case(message.channel, values, actor)
    message.state = "case"
    message.case_id = case.id
    message.handled_by_id = actor.id if actor is not None else None
    message.handled_at = utcnow()
    outbox.queue_sms(message.from_phone, outbox.case_reply_text(case), kind="case_number",
                     case_id=case.id, inbound_id=message.id)
    return case


# --- the SMS gateway's webhook body (DESIGN §7) ----------------------------------------------

_SMS_FIELDS = ("message_id", "from", "to", "text", "received_at")


def receive_sms(data):
    """Check the gateway's body and take the SMS; returns the InboundMessage."""
    clean = validate_sms(data)
    return receive_text("sms", clean["message_id"], clean["from"], clean["text"],
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
