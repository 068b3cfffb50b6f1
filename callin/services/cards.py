"""The screening card's fields and the on-air outcome: validated before anything is written."""
from flask_babel import gettext as _

from ..errors import Conflict, ValidationError
from ..extensions import db
from ..models import OUTCOMES, URGENCIES, Category, Community, Town
from ..states import AIRED_CALL_STATES, EDITABLE_CALL_STATES, state_name
from ..validation import parse_id

_TEXT_LIMITS = {"name": 50, "topic": 200, "detail": 4000, "host_note": 300}
CARD_FIELDS = ("name", "town_id", "community_id", "category_id", "topic", "detail", "urgency",
               "consent", "host_note", "airtime_limit_s")


def _optional_id(model, value, field, errors):
    if value in (None, "", 0, "0"):
        return None
    key = parse_id(value)
    obj = db.session.get(model, key) if key else None
    if obj is None:
        errors[field] = _("unknown choice")
    return obj


def validate(fields):
    """Check card fields and return the clean values; raise ValidationError listing every field."""
    if not isinstance(fields, dict):
        raise ValidationError(_("Send the card as a JSON object."))
    unknown = sorted(set(fields) - set(CARD_FIELDS) - {"version"})
    errors, clean = {}, {}
    for field in unknown:
        errors[field] = _("not a field of the call card")
    for field, limit in _TEXT_LIMITS.items():
        if field in fields:
            value = fields[field]
            if value is not None and not isinstance(value, str):
                errors[field] = _("must be text")
                continue
            value = (value or "").strip()
            if len(value) > limit:
                errors[field] = _("at most %(n)s characters", n=limit)
            clean[field] = value
    for field, model in (("town_id", Town), ("community_id", Community),
                         ("category_id", Category)):
        if field in fields:
            obj = _optional_id(model, fields[field], field, errors)
            clean[field] = obj.id if obj else None
    if "urgency" in fields:
        if fields["urgency"] not in URGENCIES:
            errors["urgency"] = _("normal or urgent")
        clean["urgency"] = fields["urgency"]
    if "consent" in fields:
        if not isinstance(fields["consent"], bool):
            errors["consent"] = _("true or false")
        clean["consent"] = fields["consent"]
    if "airtime_limit_s" in fields and fields["airtime_limit_s"] not in (None, ""):
        try:
            limit = int(fields["airtime_limit_s"])
        except (TypeError, ValueError):
            limit = -1
        if not 30 <= limit <= 1800:
            errors["airtime_limit_s"] = _("between 30 and 1800 seconds")
        clean["airtime_limit_s"] = limit
    elif "airtime_limit_s" in fields:
        clean["airtime_limit_s"] = None
    if errors:
        raise ValidationError(_("Some fields of the card need correcting."), errors)
    return clean


def apply(call, fields):
    """Validate and set card fields on a call (and remember name and town on the caller)."""
    if call.state not in EDITABLE_CALL_STATES:
        raise Conflict(_("This call is finished (%(state)s); its card can no longer change.",
                         state=state_name(call.state)))
    clean = validate(fields)
    community_id = clean.get("community_id", call.community_id)
    town_id = clean.get("town_id", call.town_id)
    if community_id:
        community = db.session.get(Community, community_id)
        if town_id and community.town_id != town_id:
            raise ValidationError(_("That community is not in the chosen town."),
                                  {"community_id": _("not in the chosen town")})
        clean.setdefault("town_id", community.town_id)
    for field, value in clean.items():
        setattr(call, field, value)
    if clean.get("name"):
        call.caller.name = clean["name"]
    if clean.get("town_id"):
        call.caller.town_id = clean["town_id"]


def check_ready(call):
    """Refuse to queue a call without a topic, without consent, or from a banned caller."""
    errors = {}
    if not call.topic:
        errors["topic"] = _("write what the caller wants to ask")
    if not call.consent:
        errors["consent"] = _("the caller must consent to broadcast")
    if errors:
        raise ValidationError(_("The call is not ready for air yet."), errors)
    if call.caller.flag == "banned":
        raise Conflict(_("This caller is banned: %(reason)s", reason=call.caller.flag_reason),
                       code="caller_banned")


def apply_outcome(call, outcome):
    """Validate and set the on-air outcome of an aired call."""
    if call.state not in AIRED_CALL_STATES:
        raise Conflict(_("Only a call that went on air has an outcome."))
    if not isinstance(outcome, dict) or outcome.get("outcome") not in OUTCOMES:
        raise ValidationError(_("Choose the outcome: answered, commitment, field visit or no issue."),
                              {"outcome": _("required")})
    days = outcome.get("commitment_days")
    if outcome["outcome"] == "commitment":
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 90:
            raise ValidationError(_("A commitment needs the promised number of days (1 to 90)."),
                                  {"commitment_days": _("between 1 and 90")})
    else:
        days = None
    note = outcome.get("note") or ""
    if not isinstance(note, str) or len(note) > 500:
        raise ValidationError(_("The outcome note is at most 500 characters."),
                              {"note": _("at most %(n)s characters", n=500)})
    call.outcome, call.commitment_days, call.outcome_note = outcome["outcome"], days, note.strip()
