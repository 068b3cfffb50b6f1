"""Every aired call that raised an issue becomes a case when its show ends, exactly once."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Call, Department
from ..states import AIRED_CALL_STATES, CaseState
from . import deadlines
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
    return made


def _case_for(call, show, guest, actor, cal):
    fields = {"title": call.topic or _("(no topic)"), "description": call.detail,
              "citizen_name": call.name, "citizen_phone": call.caller.phone,
              "town_id": call.town_id, "community_id": call.community_id,
              "category_id": call.category_id, "urgency": call.urgency,
              "nature": _NATURE_BY_OUTCOME.get(call.outcome, "help")}
    case = new_case("show", fields, actor, show_id=show.id, call_id=call.id,
                    caller_id=call.caller_id,
                    needs_field_visit=call.outcome == "field_visit",
                    promised_days=call.commitment_days if call.outcome == "commitment" else None)
    if call.outcome == "answered":
        case.reply_public = call.outcome_note or _("Answered on air by %(department)s.",
                                                   department=guest.name if guest else "")
        move(case, CaseState.AWAITING_VISIT, actor, _("Answered on air."), public=True)
    elif call.outcome in ("commitment", "field_visit") and guest is not None:
        # The guest department committed on air: it leads, and the clock starts now.
        dispatch(case, guest, [], actor, cal)
    return case
