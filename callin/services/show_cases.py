"""Every aired call that raised an issue becomes a case when its show ends, exactly once.

Texts read on air are calls too; a text the producer never got to (still in the inbox, or queued
but not aired) becomes a case of its own, so a citizen's text never vanishes.
"""
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Call, Department, InboundMessage
from ..states import AIRED_CALL_STATES, CaseState
from . import deadlines, intake, outbox
from .cases import dispatch, move, new_case

_NATURE_BY_OUTCOME = {"answered": "consultation", "commitment": "help", "field_visit": "help",
                      None: "help"}


def cases_from_show(show, actor):
    """Open a case for each aired call with an issue; the unique key on call_id makes it once."""
    calls = db.session.scalars(select(Call).where(
        Call.show_id == show.id, Call.state.in_(AIRED_CALL_STATES))).all()
    guest = db.session.get(Department, show.department_id) if show.department_id else None
    cal = deadlines.calendar()
    made = []
    for call in calls:
        if call.outcome == "no_issue":
            continue
        try:
            with db.session.begin_nested():
                made.append(_case_for(call, show, guest, actor, cal))
        except IntegrityError:
            continue  # this call already has its case
    made.extend(_cases_from_unaired_texts(show, actor))
    return made


def _text_of(call):
    """The inbound text behind a call read on air, or None for a voice call."""
    if call.source not in ("sms", "web"):
        return None
    return db.session.scalars(select(InboundMessage).where(
        InboundMessage.call_id == call.id)).first()


def _cases_from_unaired_texts(show, actor):
    """A case for each text of this show that was neither read on air nor dismissed."""
    aired = select(Call.id).where(Call.show_id == show.id, Call.state.in_(AIRED_CALL_STATES))
    waiting = db.session.scalars(select(InboundMessage).where(
        InboundMessage.show_id == show.id,
        or_(InboundMessage.state == "inbox",
            (InboundMessage.state == "queued") & InboundMessage.call_id.not_in(aired)))
        .order_by(InboundMessage.id)).all()
    made = []
    for message in waiting:
        try:
            with db.session.begin_nested():
                made.append(intake.case_from_text(message, actor=actor, show_id=show.id))
        except IntegrityError:
            continue  # its reply was queued already: the unique key keeps it to one
    return made


def _case_for(call, show, guest, actor, cal):
    message = _text_of(call)
    fields = {"title": call.topic or _("(no topic)"), "description": call.detail,
              "citizen_name": call.name, "citizen_phone": call.caller.phone,
              "town_id": call.town_id, "community_id": call.community_id,
              "category_id": call.category_id, "urgency": call.urgency,
              "nature": _NATURE_BY_OUTCOME.get(call.outcome, "help")}
    case = new_case(message.channel if message else "show", fields, actor, show_id=show.id,
                    call_id=call.id, caller_id=call.caller_id,
                    needs_field_visit=call.outcome == "field_visit",
                    promised_days=call.commitment_days if call.outcome == "commitment" else None)
    if call.outcome == "answered":
        case.reply_public = call.outcome_note or _("Answered on air by %(department)s.",
                                                   department=guest.name if guest else "")
        move(case, CaseState.AWAITING_VISIT, actor, _("Answered on air."), public=True)
    elif call.outcome in ("commitment", "field_visit") and guest is not None:
        # The guest department committed on air: it leads, and the clock starts now.
        dispatch(case, guest, [], actor, cal)
    if message is not None:
        _answer_text(message, case, actor)
    return case


def _answer_text(message, case, actor):
    """Tie the text to its case and queue the sender's case-number SMS (once per text)."""
    message.case_id, message.state = case.id, "case"
    message.handled_by_id = message.handled_by_id or (actor.id if actor else None)
    db.session.flush()
    outbox.queue_sms(message.from_phone, outbox.case_reply_text(case), kind="case_number",
                     case_id=case.id, inbound_id=message.id)
