"""Callers: find or create by number, flag or ban, and their history for the screening card."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import phones, policy
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..models import CALLER_FLAGS, Call, Caller, Show
from ..models.base import iso
from .live import changing_show


def caller_for_phone(raw_phone):
    """The caller with this number (normalised), created if new, inside the current transaction."""
    phone = phones.normalise(raw_phone)
    caller = db.session.scalars(select(Caller).where(Caller.phone == phone)).first()
    if caller is not None:
        return caller
    try:
        with db.session.begin_nested():
            caller = Caller(phone=phone)
            db.session.add(caller)
    except IntegrityError:
        # Another transaction registered the same number a moment ago.
        caller = db.session.scalars(select(Caller).where(Caller.phone == phone)).one()
    return caller


def caller_history(caller_id, user):
    """Earlier calls of a caller, newest first, for the producer's screening card."""
    policy.require(user, "view_history")
    caller = db.session.get(Caller, caller_id)
    if caller is None:
        raise NotFound(_("Caller %(id)s does not exist.", id=caller_id))
    rows = db.session.execute(
        select(Call, Show).join(Show, Show.id == Call.show_id)
        .where(Call.caller_id == caller.id).order_by(Call.id.desc()).limit(50)).all()
    return {
        "caller": {"id": caller.id, "phone": phones.display(caller.phone), "name": caller.name,
                   "flag": caller.flag, "flag_reason": caller.flag_reason,
                   "geography": phones.geography(caller.phone),
                   "last_aired_at": iso(caller.last_aired_at)},
        "calls": [{"id": c.id, "show_id": s.id, "show_title": s.title,
                   "department": s.department.name if s.department else None,
                   "date": iso(s.starts_at), "state": c.state, "topic": c.topic,
                   "outcome": c.outcome, "commitment_days": c.commitment_days}
                  for c, s in rows],
    }


def flag_caller(call_id, flag, reason, actor):
    """Set a caller's warning or ban (with a reason) from one of their calls; pushes the show."""
    policy.require(actor, "screen")
    if flag not in CALLER_FLAGS:
        raise ValidationError(_("Choose none, warning or banned."), {"flag": _("unknown flag")})
    reason = (reason or "").strip()
    if flag != "none" and not reason:
        raise ValidationError(_("Give the reason for the warning or ban."),
                              {"reason": _("required")})
    call = db.session.get(Call, call_id)
    if call is None:
        raise NotFound(_("Call %(id)s does not exist.", id=call_id))
    with changing_show(call.show_id):
        call.caller.flag = flag
        call.caller.flag_reason = reason[:200] if flag != "none" else ""
    return call.caller


def lookup_by_phone(raw_phone, user):
    """A number's caller, earlier calls and cases, for the office's hotline form."""
    from ..models import Case
    from .case_queries import summary

    policy.require(user, "case_office")
    phone = phones.normalise(raw_phone)
    caller = db.session.scalars(select(Caller).where(Caller.phone == phone)).first()
    calls = []
    if caller is not None:
        calls = caller_history(caller.id, user)["calls"] if policy.can(user, "view_history") \
            else _calls_of(caller)
    found = db.session.scalars(select(Case).where(Case.citizen_phone == phone)
                               .order_by(Case.id.desc()).limit(50)).all()
    return {"phone": phones.display(phone), "geography": phones.geography(phone),
            "caller": ({"id": caller.id, "name": caller.name, "flag": caller.flag,
                        "flag_reason": caller.flag_reason} if caller else None),
            "calls": calls, "cases": [summary(c, user) for c in found]}


def _calls_of(caller):
    rows = db.session.execute(
        select(Call, Show).join(Show, Show.id == Call.show_id)
        .where(Call.caller_id == caller.id).order_by(Call.id.desc()).limit(50)).all()
    return [{"id": c.id, "show_title": s.title, "date": iso(s.starts_at), "state": c.state,
             "topic": c.topic, "outcome": c.outcome} for c, s in rows]
