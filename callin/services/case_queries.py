"""Reading cases: filtered lists with keyset paging, the trail, reveals, public tracking."""
import base64
import json
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, literal, or_, select, text, tuple_
from sqlalchemy.orm import joinedload

from .. import phones, policy
from ..errors import NotFound, Throttled, ValidationError
from ..extensions import db
from ..models import (NATURES, Case, CaseDepartment, CaseEvent, Extension, PublicLookup,
                      Reveal)
from ..models import search
from ..models.cases import OPEN_STATES_SQL
from ..models.base import UTCDateTime, iso, utcnow
from ..states import RUNNING_CASE_STATES, CaseState
from ..validation import parse_id
from .cases import get_case

PAGE_SIZE = 50
#: Open cases, written as the partial index ix_cases_open_registered says it (see models/cases.py).
_OPEN = text(OPEN_STATES_SQL.replace("state IN", "cases.state IN", 1))
FILTERS = ("number", "phone", "department_id", "state", "nature", "category_id", "town_id",
           "overdue", "extension", "since", "until", "text", "cursor", "limit")


def _cursor(value, errors):
    """Decode the opaque cursor (registered_at, id) of the last row of the previous page."""
    try:
        at, case_id = json.loads(base64.urlsafe_b64decode(value.encode()).decode())
        return datetime.fromisoformat(at), int(case_id)
    except (ValueError, TypeError, UnicodeDecodeError):
        errors["cursor"] = _("not a valid page cursor; start from the first page")
        return None


def _encode(case):
    raw = json.dumps([case.registered_at.isoformat(), case.id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _date(value, field, errors):
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors[field] = _("a date such as 2026-11-01")
        return None
    if parsed.tzinfo is None:
        from ..i18n import SHANGHAI
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def _conditions(args, errors):
    """SQL conditions for the list filters; unknown values are reported, not ignored."""
    where = []
    if args.get("number"):
        where.append(Case.number == args["number"].strip())
    if args.get("phone"):
        try:
            where.append(Case.citizen_phone == phones.normalise(args["phone"]))
        except ValidationError:
            errors["phone"] = _("not a valid phone number")
    for name, column in (("category_id", Case.category_id), ("town_id", Case.town_id)):
        if args.get(name):
            key = parse_id(args[name])
            if key is None:
                errors[name] = _("unknown choice")
            else:
                where.append(column == key)
    if args.get("state"):
        if args["state"] == "open":
            where.append(_OPEN)
        elif args["state"] in set(CaseState):
            where.append(Case.state == args["state"])
        else:
            errors["state"] = _("a case state, or open")
    if args.get("nature"):
        if args["nature"] not in NATURES:
            errors["nature"] = _("consultation, help, complaint, report or suggestion")
        where.append(Case.nature == args["nature"])
    if args.get("extension"):
        if args["extension"] != "pending":
            errors["extension"] = _("pending")
        where.append(Case.id.in_(select(Extension.case_id).where(Extension.state == "pending")))
    if args.get("overdue") in ("1", "true", "yes"):
        # _OPEN is implied by the running states; saying it lets the open-cases index serve.
        where.append(and_(_OPEN, Case.state.in_(RUNNING_CASE_STATES), Case.reply_due_at < utcnow()))
    for name, op in (("since", "ge"), ("until", "lt")):
        if args.get(name):
            moment = _date(args[name], name, errors)
            if moment is not None:
                where.append(Case.registered_at >= moment if op == "ge"
                             else Case.registered_at < moment)
    if args.get("text"):
        words = args["text"].strip()
        needle = "%" + words.replace("%", r"\%").replace("_", r"\_") + "%"
        if len(words) >= 2 and db.engine.dialect.name == "postgresql":
            where.append(search.holds_pairs_of(Case.__table__, words))
        where.append(or_(Case.title.like(needle, escape="\\"),
                         Case.description.like(needle, escape="\\")))
    return where


def _department_scope(args, user, errors):
    """The department whose cases the list is limited to: the user's own, or the filter's."""
    key = None
    if args.get("department_id"):
        key = parse_id(args["department_id"])
        if key is None:
            errors["department_id"] = _("unknown choice")
    if user.role == "department":
        if key is not None and key != user.department_id:
            return -1  # another department's cases: none are visible
        return user.department_id
    return key


def _visible(user):
    """The condition that limits a list to the cases this user may see (departments: see
    _department_scope, which drives their lists from case_departments)."""
    if user.role in ("admin", "office", "department"):
        return None
    if user.role == "field":
        return Case.needs_field_visit.is_(True)
    if user.role == "station" and user.station_id is not None:
        return Case.station_id == user.station_id
    return Case.id.is_(None)


# A page is one statement, not one per row for its department, town and category.
_ROW_LOADS = (joinedload(Case.lead_department), joinedload(Case.town),
              joinedload(Case.category))


def list_cases(args, user):
    """One page of cases, newest first, with the cursor of the next page (no OFFSET scans)."""
    policy.require(user, "case_read")
    errors = {}
    unknown = sorted(set(args) - set(FILTERS))
    for name in unknown:
        errors[name] = _("not a filter of the case list")
    where = _conditions(args, errors)
    limit = parse_id(args.get("limit") or PAGE_SIZE)
    if limit is None or limit > 200:
        errors["limit"] = _("1 to 200")
    department_id = _department_scope(args, user, errors)
    position = _cursor(args["cursor"], errors) if args.get("cursor") else None
    if errors:
        raise ValidationError(_("Some filters need correcting."), errors)
    query = select(Case).options(*_ROW_LOADS)
    if department_id is None:
        at_column, id_column = Case.registered_at, Case.id
    else:
        # A department's cases page through case_departments' own (department, registered_at,
        # case) index: a quiet department's list no longer scans the whole cases table.
        query = query.join(CaseDepartment, and_(CaseDepartment.case_id == Case.id,
                                                CaseDepartment.department_id == department_id))
        at_column, id_column = CaseDepartment.registered_at, CaseDepartment.case_id
    if position:
        at, case_id = position
        # a row-value comparison lets the (registered_at, id) index start right at the cursor
        # the cursor time is bound as our UTC type, so the database's session zone cannot shift it
        where.append(tuple_(at_column, id_column)
                     < tuple_(literal(at, UTCDateTime()), literal(case_id)))
    visible = _visible(user)
    if visible is not None:
        where.append(visible)
    rows = db.session.scalars(query.where(*where)
                              .order_by(at_column.desc(), id_column.desc())
                              .limit(limit + 1)).all()
    page = rows[:limit]
    return {"cases": [summary(c, user) for c in page],
            "next_cursor": _encode(page[-1]) if len(rows) > limit else None}


def _masked_name(name):
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


def summary(case, user):
    """A case as a list row; the citizen masked where the user's role requires it."""
    masked = policy.masks_citizen(user)
    phone = case.citizen_phone
    return {
        "id": case.id, "number": case.number, "state": case.state, "channel": case.channel,
        "nature": case.nature, "urgency": case.urgency, "title": case.title,
        "citizen_name": _masked_name(case.citizen_name) if masked else case.citizen_name,
        "citizen_phone": (phones.mask(phone) if masked else phones.display(phone)) if phone else None,
        "lead_department": ({"id": case.lead_department.id, "name": case.lead_department.name}
                            if case.lead_department else None),
        "town": case.town.name if case.town else None,
        "category": case.category.name if case.category else None,
        "registered_at": iso(case.registered_at), "reply_due_at": iso(case.reply_due_at),
        "overdue": bool(case.reply_due_at and case.state in RUNNING_CASE_STATES
                        and case.reply_due_at < utcnow()),
        "version": case.version,
    }


def detail(case_id, user):
    """A case with its departments and trail (internal notes only for the office and departments)."""
    case = get_case(case_id, user)
    internal = policy.sees_internal_notes(user)
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.id)).all()
    if not internal:
        events = [e for e in events if e.public]
    return {**summary(case, user), "description": case.description,
            "reply_public": case.reply_public,
            "reply_internal": case.reply_internal if internal else "",
            "internal_visible": internal,
            "resolved": case.resolved, "promised_days": case.promised_days,
            "sign_due_at": iso(case.sign_due_at), "signed_at": iso(case.signed_at),
            "signed_on_time": case.signed_on_time, "replied_on_time": case.replied_on_time,
            "reopened_count": case.reopened_count, "returned_count": case.returned_count,
            "departments": [{"id": d.department_id, "name": d.department.name, "role": d.role}
                            for d in case.departments],
            "extensions": [{"id": x.id, "days": x.days, "reason": x.reason, "state": x.state,
                            "requested_at": iso(x.requested_at),
                            "decision_note": x.decision_note}
                           for x in db.session.scalars(select(Extension).where(
                               Extension.case_id == case.id).order_by(Extension.id))],
            "events": [{"kind": e.kind, "actor": e.actor_label, "text": e.text,
                        "public": e.public, "from_state": e.from_state,
                        "to_state": e.to_state, "at": iso(e.at)} for e in events]}


def reveal_citizen(case_id, user):
    """Show the citizen's name and phone to a user who sees them masked; every reveal is logged."""
    case = get_case(case_id, user)
    db.session.add(Reveal(user_id=user.id, case_id=case.id))
    db.session.commit()
    return {"citizen_name": case.citizen_name,
            "citizen_phone": phones.display(case.citizen_phone) if case.citizen_phone else None}


def reveals(user, limit=200):
    """The latest reveals (admin page)."""
    policy.require(user, "admin")
    rows = db.session.scalars(select(Reveal).order_by(Reveal.id.desc()).limit(limit)).all()
    return [{"user": r.user.username, "case": r.case.number, "fields": r.fields,
             "at": iso(r.at)} for r in rows]


def _check_lookup_rate(ip, number):
    """Refuse a lookup after too many misses from this address or on this number (429)."""
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOOKUP_WINDOW_S"])
    misses = select(func.count()).select_from(PublicLookup).where(
        PublicLookup.found.is_(False), PublicLookup.at >= since)
    if (db.session.scalar(misses.where(PublicLookup.ip == ip)) >= config["LOOKUP_MAX_MISSES_IP"]
            or db.session.scalar(misses.where(PublicLookup.number == number))
            >= config["LOOKUP_MAX_MISSES_NUMBER"]):
        raise Throttled(_("Too many lookups that matched nothing. Try again in %(m)s minutes.",
                          m=max(1, config["LOOKUP_WINDOW_S"] // 60)),
                        retry_after=config["LOOKUP_WINDOW_S"])


def public_case(number, code, ip=""):
    """What a citizen sees with the case number and lookup code; the same 404 for either wrong."""
    number, ip = str(number or "")[:20], str(ip or "")[:64]
    _check_lookup_rate(ip, number)
    case = db.session.scalars(select(Case).where(Case.number == number)).first()
    found = case is not None and bool(code) and str(code) == case.lookup_code
    db.session.add(PublicLookup(ip=ip, number=number, found=found))
    db.session.commit()
    if not found:
        raise NotFound(_("No case matches that number and code."))
    events = db.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.public.is_(True)).order_by(CaseEvent.id)).all()
    return {"number": case.number, "state": case.state, "title": case.title,
            "registered_at": iso(case.registered_at), "reply_due_at": iso(case.reply_due_at),
            "replied_at": iso(case.replied_at), "closed_at": iso(case.closed_at),
            "reply_public": case.reply_public,
            "steps": [{"to_state": e.to_state, "kind": e.kind, "at": iso(e.at)} for e in events]}


def public_board(limit=20):
    """Recently resolved cases, anonymised: no names, no numbers, no lookup codes."""
    rows = db.session.scalars(select(Case).where(Case.state == CaseState.CLOSED,
                                                 Case.reply_public != "")
                              .order_by(Case.closed_at.desc()).limit(limit)).all()
    return [{"title": c.title, "town": c.town.name if c.town else None,
             "department": c.lead_department.name if c.lead_department else None,
             "reply_public": c.reply_public, "closed_at": iso(c.closed_at)} for c in rows]
