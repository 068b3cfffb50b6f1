"""Return visits (回访): call each citizen back; close the case or reopen it (重办)."""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import policy
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..models import RESOLVED, SATISFACTION, VISIT_RESULTS, CaseCitizen, ReturnVisit
from ..models.base import utcnow
from ..states import CaseState
from ..validation import parse_id
from .cases import get_case, move, record


def _validate(fields):
    if not isinstance(fields, dict):
        raise ValidationError(_("Send the return visit as a JSON object."))
    errors = {}
    result = fields.get("result")
    if result not in VISIT_RESULTS:
        errors["result"] = _("reached, unreachable or refused")
    if result == "reached":
        if fields.get("resolved") not in RESOLVED:
            errors["resolved"] = _("yes, partly or no")
        if fields.get("satisfaction") not in SATISFACTION:
            errors["satisfaction"] = _("satisfied, basically satisfied or unsatisfied")
    comment = str(fields.get("comment") or "").strip()
    if len(comment) > 2000:
        errors["comment"] = _("at most %(n)s characters", n=2000)
    if errors:
        raise ValidationError(_("The return visit is not complete."), errors)
    return result, comment


def record_return_visit(case_id, fields, actor):
    """Record one attempt; the last citizen's answer closes the case or reopens it."""
    policy.require(actor, "case_office")
    case = get_case(case_id, actor)
    if case.state != CaseState.AWAITING_VISIT:
        raise Conflict(_("This case is not waiting for a return visit."), code="not_awaiting_visit")
    result, comment = _validate(fields)
    citizen = _citizen(case, fields.get("citizen_id"))
    reached = result == "reached"
    visit = ReturnVisit(case_id=case.id, citizen_id=citizen.id, result=result, comment=comment,
                        resolved=fields.get("resolved") if reached else None,
                        satisfaction=fields.get("satisfaction") if reached else None,
                        department_at_fault=bool(fields.get("department_at_fault")) and reached,
                        by_id=actor.id)
    db.session.add(visit)
    record(case, "return_visit", actor, _visit_text(visit))
    case.version += 1
    if reached and visit.satisfaction == "unsatisfied" and visit.department_at_fault:
        _reopen(case, actor, comment)
    elif reached or result == "refused" or _attempts(case, citizen) >= _max_attempts():
        citizen.visited = True
        _close_when_everyone_answered(case, actor)
    db.session.commit()
    return visit


def _citizen(case, citizen_id):
    citizens = db.session.scalars(select(CaseCitizen).where(
        CaseCitizen.case_id == case.id, CaseCitizen.visited.is_(False))
        .order_by(CaseCitizen.id)).all()
    if not citizens:
        raise Conflict(_("Every citizen on this case has had their return visit."))
    if citizen_id in (None, ""):
        return citizens[0]
    wanted = parse_id(citizen_id)
    chosen = next((c for c in citizens if c.id == wanted), None)
    if chosen is None:
        raise ValidationError(_("That citizen is not waiting for a visit on this case."),
                              {"citizen_id": _("unknown citizen")})
    return chosen


def _attempts(case, citizen):
    # the visit just added is flushed with the count
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(ReturnVisit).where(
        ReturnVisit.case_id == case.id, ReturnVisit.citizen_id == citizen.id,
        ReturnVisit.result == "unreachable"))


def _max_attempts():
    return current_app.config.get("RETURN_VISIT_ATTEMPTS", 3)


_LABELS = {"reached": _l("reached"), "unreachable": _l("unreachable"), "refused": _l("refused"),
           "yes": _l("resolved"), "partly": _l("partly resolved"), "no": _l("not resolved"),
           "satisfied": _l("satisfied"), "basically": _l("basically satisfied"),
           "unsatisfied": _l("unsatisfied")}


def _visit_text(visit):
    """The trail line of a visit, in the words of the person recording it."""
    values = (visit.result, visit.resolved, visit.satisfaction)
    parts = [str(_LABELS[v]) for v in values if v]
    if visit.comment:
        parts.append(visit.comment)
    return " · ".join(parts)


def _reopen(case, actor, comment):
    """Unsatisfied and the department at fault: back to the department, counted (重办)."""
    from . import deadlines
    move(case, CaseState.IN_PROGRESS, actor, comment or _("Reopened after the return visit."))
    case.reopened_count += 1
    case.reply_due_at = deadlines.reply_due(case, utcnow())
    for citizen in db.session.scalars(select(CaseCitizen).where(CaseCitizen.case_id == case.id)):
        citizen.visited = False  # everyone is asked again after the new reply


def _close_when_everyone_answered(case, actor):
    waiting = db.session.scalar(select(func.count()).select_from(CaseCitizen).where(
        CaseCitizen.case_id == case.id, CaseCitizen.visited.is_(False)))
    if not waiting:
        move(case, CaseState.CLOSED, actor, _("Closed after the return visit."), public=True)
        case.closed_at = utcnow()
