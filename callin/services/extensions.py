"""Extensions: a department asks for more time before its deadline; the office decides."""
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models import Extension
from ..models.base import utcnow
from ..states import RUNNING_CASE_STATES
from ..validation import parse_id
from . import deadlines
from .cases import get_case, record


def request_extension(case_id, days, reason, actor):
    """Ask for `days` more working days, with a reason, while the deadline has not passed."""
    policy.require(actor, "case_department")
    case = get_case(case_id, actor)
    if case.lead_department_id != actor.department_id or case.state not in RUNNING_CASE_STATES:
        raise Conflict(_("Only the lead department can ask for more time on a case it handles."))
    if case.reply_due_at is None or utcnow() >= case.reply_due_at:
        raise Conflict(_("The deadline has passed; an extension must be asked for before it."),
                       code="deadline_passed")
    errors = {}
    days = parse_id(days)
    if days is None or days > 30:
        errors["days"] = _("1 to 30 working days")
    reason = str(reason or "").strip()
    if not reason or len(reason) > 500:
        errors["reason"] = _("1 to 500 characters")
    if errors:
        raise ValidationError(_("The request for more time is not complete."), errors)
    pending = db.session.scalars(select(Extension).where(
        Extension.case_id == case.id, Extension.state == "pending")).first()
    if pending is not None:
        raise Conflict(_("A request for more time is already waiting for the office."))
    extension = Extension(case_id=case.id, department_id=actor.department_id, days=days,
                          reason=reason, requested_by_id=actor.id)
    db.session.add(extension)
    record(case, "extension_requested", actor, _("%(days)s working days: %(reason)s",
                                                 days=days, reason=reason))
    db.session.commit()
    return extension


def decide_extension(extension_id, approve, note, actor):
    """The office approves (the deadline moves) or refuses a pending request."""
    policy.require(actor, "case_office")
    key = parse_id(extension_id)
    extension = db.session.get(Extension, key) if key else None
    if extension is None:
        raise NotFound(_("Extension request %(id)s does not exist.", id=extension_id))
    case = get_case(extension.case_id, actor)
    if extension.state != "pending":
        raise Conflict(_("This request has already been decided."))
    if not isinstance(approve, bool):
        raise ValidationError(_("Approve or refuse the request."), {"approve": _("true or false")})
    extension.state = "approved" if approve else "refused"
    extension.decided_by_id, extension.decided_at = actor.id, utcnow()
    extension.decision_note = str(note or "").strip()[:300]
    if approve:
        case.reply_due_at = deadlines.extended(case.reply_due_at, extension.days)
        case.extension_count += 1
    case.version += 1
    record(case, "extension_" + extension.state, actor, extension.decision_note)
    db.session.commit()
    return extension
