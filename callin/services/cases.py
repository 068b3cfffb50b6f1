"""Cases: register (hotline and show), dispatch, sign, send back, reply, review, merge, reject."""
from collections import namedtuple

from flask_babel import gettext as _
from sqlalchemy import insert, select

from .. import phones, policy
from ..errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationError
from ..extensions import db
from ..models import NATURES, Case, CaseCitizen, CaseDepartment, CaseEvent, Department
from ..models.base import utcnow
from ..realtime import broadcast
from ..states import CaseState, transition
from ..validation import parse_id
from . import deadlines
from .case_numbers import lookup_code, next_number

_TEXT_LIMITS = {"title": 200, "description": 4000, "citizen_name": 50}


def get_case(case_id, user):
    """The case if the user may see it; a case they may not see is a 404, like a missing one."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized(_("Log in first."))
    key = parse_id(case_id)
    case = db.session.get(Case, key) if key else None
    if case is None or not policy.sees_case(user, case):
        raise NotFound(_("Case %(id)s does not exist.", id=case_id))
    return case


def record(case, kind, actor, text="", public=False, from_state=None, to_state=None,
           department_id=None):
    """Add one step to the case's trail (in the current transaction)."""
    db.session.add(CaseEvent(**_event_row(case.id, kind, actor, text=text, public=public,
                                          from_state=from_state, to_state=to_state,
                                          department_id=department_id)))


def _event_row(case_id, kind, actor, **values):
    """The columns of one trail event, for the ORM (record) and for insert_case."""
    label = actor.display_name if actor is not None else "system"
    return {"case_id": case_id, "actor_id": actor.id if actor else None, "actor_label": label,
            "kind": kind, **values}


def move(case, target, actor, text="", public=False):
    """Move a case if the table allows it, raise its version and log the step."""
    source = case.state
    case.state = transition("case", source, target)
    case.version += 1
    record(case, "state", actor, text, public, source, target)


def _check_version(case, seen):
    if seen is not None and str(seen) != str(case.version):
        raise Conflict(_("Someone else changed this case while you were looking at it. "
                         "Reload it; your change was not saved."), code="stale_version")


def _clean(fields):
    """Validate the fields of a new case; every problem is reported at once."""
    if not isinstance(fields, dict):
        raise ValidationError(_("Send the case as a JSON object."))
    errors, clean = {}, {}
    for name, limit in _TEXT_LIMITS.items():
        value = str(fields.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = _("at most %(n)s characters", n=limit)
        clean[name] = value
    if not clean["title"]:
        errors["title"] = _("required")
    nature = fields.get("nature") or "help"
    if nature not in NATURES:
        errors["nature"] = _("consultation, help, complaint, report or suggestion")
    urgency = fields.get("urgency") or "normal"
    if urgency not in ("normal", "urgent"):
        errors["urgency"] = _("normal or urgent")
    clean.update(nature=nature, urgency=urgency)
    if fields.get("phone"):
        try:
            clean["citizen_phone"] = phones.normalise(fields["phone"])
        except ValidationError as error:
            errors.update(error.fields)
    for name in ("town_id", "community_id", "category_id"):
        if fields.get(name) not in (None, ""):
            clean[name] = parse_id(fields[name])
            if clean[name] is None:
                errors[name] = _("unknown choice")
    if errors:
        raise ValidationError(_("Some fields of the case need correcting."), errors)
    return clean


def new_case(channel, fields, actor=None, **extra):
    """Add a registered case with its number, code and citizen (in the current transaction)."""
    return db.session.get(Case, insert_case(channel, fields, actor, **extra).id)


#: What insert_case gives back: enough for the SMS webhook's answer and the auto-reply.
NewCase = namedtuple("NewCase", "id number lookup_code")


def insert_case(channel, fields, actor=None, **extra):
    """Register a case, its citizen and its "registered" event (in the current transaction).

    Every channel registers through here (new_case wraps it for callers that want the Case).
    It writes with three Core INSERTs rather than ORM objects: the SMS webhook must take 200
    texts a second in one process (bench/sms_load.py), and the ORM's unit of work cost more than
    all the SQL itself. Column defaults still apply; nothing is loaded back.
    """
    now = utcnow()
    values = {"channel": channel, "number": next_number(now), "lookup_code": lookup_code(),
              "registered_at": now, "created_by_id": actor.id if actor else None,
              **fields, **extra}
    # Parameters rather than .values(): the statement stays the same and its compiled form is
    # reused from the cache instead of being rebuilt around each case's values.
    case_id = db.session.execute(insert(Case.__table__), values).inserted_primary_key[0]
    db.session.execute(insert(CaseCitizen.__table__), {
        "case_id": case_id, "name": values.get("citizen_name", ""),
        "phone": values.get("citizen_phone")})
    db.session.execute(insert(CaseEvent.__table__), _event_row(
        case_id, "registered", actor, public=True, to_state=CaseState.REGISTERED))
    return NewCase(case_id, values["number"], values["lookup_code"])


def register_case(fields, actor):
    """Office staff register a phoned-in (hotline) case."""
    policy.require(actor, "case_office")
    case = new_case("hotline", _clean(fields), actor)
    db.session.commit()
    return case


def _department(department_id, field):
    key = parse_id(department_id)
    department = db.session.get(Department, key) if key else None
    if department is None or not department.is_active:
        raise ValidationError(_("Choose an active department."), {field: _("unknown department")})
    return department


def dispatch_case(case_id, lead_id, co_ids, actor, seen_version=None):
    """Send a case to its lead department (and co-handling ones); the reply clock starts once."""
    policy.require(actor, "case_office")
    case = get_case(case_id, actor)
    _check_version(case, seen_version)
    lead = _department(lead_id, "lead_department_id")
    co = [_department(i, "co_department_ids") for i in (co_ids or []) if str(i) != str(lead.id)]
    dispatch(case, lead, co, actor)
    departments = [link.department_id for link in case.departments]
    db.session.commit()
    for department_id in departments:
        broadcast.push_department(department_id, {"kind": "dispatched", "case_id": case.id})
    return case


def dispatch(case, lead, co, actor, cal=None):
    """Move a case to `lead` (and `co`) and set its deadlines (in the current transaction)."""
    move(case, CaseState.DISPATCHED, actor, lead.name, public=True)
    now = utcnow()
    cal = cal or deadlines.calendar()
    case.lead_department_id, case.dispatched_at, case.signed_at = lead.id, now, None
    case.sign_due_at = deadlines.sign_due(case, now, cal)
    if case.first_dispatched_at is None:
        # The clock runs from the first dispatch: bouncing a case gains no time.
        case.first_dispatched_at = now
        case.reply_due_at = deadlines.reply_due(case, now, cal)
    case.departments.clear()
    db.session.flush()
    case.departments.append(CaseDepartment(department_id=lead.id, role="lead",
                                          registered_at=case.registered_at))
    for department in {d.id: d for d in co}.values():
        case.departments.append(CaseDepartment(department_id=department.id, role="co",
                                              registered_at=case.registered_at))


def _own_department(case, actor):
    policy.require(actor, "case_department")
    if case.lead_department_id != actor.department_id:
        raise Forbidden(_("Only the lead department can do this."))


def sign_case(case_id, actor):
    """The lead department acknowledges the case (签收); whether on time is recorded now."""
    case = get_case(case_id, actor)
    _own_department(case, actor)
    move(case, CaseState.IN_PROGRESS, actor, public=True)
    case.signed_at = utcnow()
    case.signed_on_time = case.signed_at <= case.sign_due_at
    db.session.commit()
    return case


def send_back(case_id, reason, actor):
    """The lead department refuses the case with a reason (退单); the office decides next."""
    case = get_case(case_id, actor)
    _own_department(case, actor)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the case is not yours."), {"reason": _("required")})
    move(case, CaseState.RETURNED, actor, reason[:500])
    case.returned_count += 1
    db.session.commit()
    return case


def add_note(case_id, text, actor, public=False):
    """A progress note on the trail; internal unless marked public."""
    case = get_case(case_id, actor)
    if actor.role not in ("admin", "office", "department"):
        raise Forbidden(_("Your role may not add notes to cases."))
    text = str(text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError(_("Write the note (at most 2000 characters)."),
                              {"text": _("1 to 2000 characters")})
    record(case, "note", actor, text, public=bool(public))
    case.version += 1
    db.session.commit()
    return case


def reply_case(case_id, fields, actor):
    """The lead department answers: internal handling notes, the public reply, resolved or not."""
    case = get_case(case_id, actor)
    _own_department(case, actor)
    errors = {}
    public = str(fields.get("reply_public") or "").strip()
    internal = str(fields.get("reply_internal") or "").strip()
    if not public:
        errors["reply_public"] = _("write the reply the citizen will read")
    if fields.get("resolved") not in ("yes", "partly", "no"):
        errors["resolved"] = _("yes, partly or no")
    if errors:
        raise ValidationError(_("The reply is not complete."), errors)
    move(case, CaseState.REPLIED, actor, public, public=True)
    case.reply_public, case.reply_internal, case.resolved = public, internal, fields["resolved"]
    case.replied_at = utcnow()
    if case.replied_on_time is None:
        case.replied_on_time = case.replied_at <= case.reply_due_at
    db.session.commit()
    return case


def review_reply(case_id, accept, note, actor):
    """The office accepts a reply (on to the return visit) or sends it back to the department."""
    policy.require(actor, "case_office")
    case = get_case(case_id, actor)
    if not isinstance(accept, bool):
        raise ValidationError(_("Accept or send back the reply."), {"accept": _("true or false")})
    note = str(note or "").strip()
    if not accept and not note:
        raise ValidationError(_("Say what the reply lacks."), {"note": _("required")})
    move(case, CaseState.AWAITING_VISIT if accept else CaseState.IN_PROGRESS, actor, note)
    db.session.commit()
    return case


def reject_case(case_id, reason, actor):
    """Refuse a case as outside the programme's scope (不予受理), with the reason."""
    policy.require(actor, "case_office")
    case = get_case(case_id, actor)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for not accepting the case."),
                              {"reason": _("required")})
    move(case, CaseState.REJECTED, actor, reason[:300], public=True)
    case.rejection_reason, case.closed_at = reason[:300], utcnow()
    db.session.commit()
    return case


def merge_case(case_id, into_id, actor):
    """Merge a duplicate into another open case; its citizens move over and keep their visit."""
    policy.require(actor, "case_office")
    case, target = get_case(case_id, actor), get_case(into_id, actor)
    if target.id == case.id or target.state in (CaseState.MERGED, CaseState.REJECTED,
                                                CaseState.CLOSED):
        raise Conflict(_("Merge into another case that is still open."), code="bad_merge_target")
    move(case, CaseState.MERGED, actor, target.number, public=True)
    case.merged_into_id, case.closed_at = target.id, utcnow()
    for citizen in db.session.scalars(select(CaseCitizen).where(CaseCitizen.case_id == case.id)):
        db.session.add(CaseCitizen(case_id=target.id, from_case_id=case.id, name=citizen.name,
                                   phone=citizen.phone))
    record(target, "merged_in", actor, case.number)
    target.version += 1
    db.session.commit()
    return target
