"""Liaison stations (联络站): kept by the admin; their staff file cases for residents."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import phones, policy
from ..errors import Conflict, Forbidden, NotFound, ValidationError
from ..extensions import db
from ..models import NATURES, Category, Community, Station, Town
from ..validation import first_line, parse_id

#: The longest texts a station record and a filed problem may hold.
LIMITS = {"code": 32, "name": 100, "contact_name": 50}
PROBLEM_LIMIT, TITLE_LENGTH = 4000, 40


def _text(fields, name, errors, required=False):
    value = str(fields.get(name) or "").strip()
    if required and not value:
        errors[name] = _("required")
    elif len(value) > LIMITS.get(name, 4000):
        errors[name] = _("at most %(n)s characters", n=LIMITS[name])
    return value


def _row(model, value, field, errors, problem):
    """The row of `model` with the id in `value` ("" for none), or None with an error noted."""
    if value in (None, ""):
        return None
    key = parse_id(value)
    row = db.session.get(model, key) if key else None
    if row is None:
        errors[field] = problem
    return row


def check_place(town, community, errors):
    """A community must belong to the town chosen with it."""
    if community is not None and town is not None and community.town_id != town.id:
        errors["community_id"] = _("%(community)s is not in %(town)s",
                                   community=community.name, town=town.name)


def contact_phone(value, errors, field="contact_phone"):
    """The E.164 form of an optional phone number ("" or None gives None)."""
    if not str(value or "").strip():
        return None
    try:
        return phones.normalise(value)
    except ValidationError:
        errors[field] = _("not a valid Chinese mobile or landline number")
        return None


def list_stations(search=""):
    """Stations whose code or name contains `search`, active ones first, by code."""
    query = (select(Station).options(selectinload(Station.town), selectinload(Station.community))
             .order_by(Station.is_active.desc(), Station.code))
    search = str(search or "").replace("\x00", "").strip().lower()
    if search:
        query = query.where(func.lower(Station.name).contains(search, autoescape=True)
                            | func.lower(Station.code).contains(search, autoescape=True))
    return db.session.scalars(query).all()


def get_station(station_id):
    """The station with this id, or NotFound."""
    key = parse_id(station_id)
    station = db.session.get(Station, key) if key else None
    if station is None:
        raise NotFound(_("Station %(id)s does not exist.", id=station_id))
    return station


def station_by_code(code):
    """The station with this code, or None."""
    return db.session.scalars(select(Station).where(Station.code == str(code or "").strip())
                              ).first()


def save_station(fields, actor, station_id=None):
    """Create or update a station: code, name, town, community, contact; every problem at once."""
    policy.require(actor, "admin")
    station = get_station(station_id) if station_id else Station()
    errors = {}
    code, name = _text(fields, "code", errors, True), _text(fields, "name", errors, True)
    contact_name = _text(fields, "contact_name", errors)
    town = _row(Town, fields.get("town_id"), "town_id", errors, _("unknown town"))
    if town is None and "town_id" not in errors:
        errors["town_id"] = _("required")
    community = _row(Community, fields.get("community_id"), "community_id", errors,
                     _("unknown community"))
    check_place(town, community, errors)
    phone = contact_phone(fields.get("contact_phone"), errors)
    if errors:
        raise ValidationError(_("The station was not saved."), errors)
    station.code, station.name, station.contact_name = code, name, contact_name
    station.town_id, station.community_id = town.id, community.id if community else None
    station.contact_phone = phone
    station.is_active = bool(fields.get("is_active", True))
    db.session.add(station)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("A station with the code %(code)s already exists.", code=code),
                       fields={"code": _("already used")}) from None
    return station


def set_station_active(station_id, active, actor):
    """Activate or deactivate a station; an inactive station's users can no longer file."""
    policy.require(actor, "admin")
    station = get_station(station_id)
    station.is_active = bool(active)
    db.session.commit()
    return station


def station_choices(keep=None):
    """(id, label) pairs for a station select: the active ones, and `keep` even when inactive."""
    rows = db.session.scalars(select(Station).order_by(Station.code)).all()
    return [(s.id, f"{s.name} ({s.code})" if s.is_active
             else _("%(name)s (inactive)", name=f"{s.name} ({s.code})"))
            for s in rows if s.is_active or s.id == keep]


def own_station(actor):
    """The active station a station user files for, or Forbidden."""
    policy.require(actor, "case_read")
    station = actor.station if actor.role == "station" else None
    if station is None:
        raise Forbidden(_("Only the staff of a liaison station can file for its residents."))
    if not station.is_active:
        raise Forbidden(_("Your station %(name)s is inactive; ask the office.", name=station.name))
    return station


def _resident_fields(fields, station):
    """Check what the station typed; the town and community default to the station's."""
    errors = {}
    name = str(fields.get("citizen_name") or "").strip()
    if len(name) > 50:
        errors["citizen_name"] = _("at most %(n)s characters", n=50)
    try:
        phone = phones.normalise(fields.get("phone"))
    except ValidationError as error:
        phone = None
        errors["phone"] = error.fields.get("phone") or error.message
    town_value = fields.get("town_id", station.town_id)
    town = _row(Town, town_value, "town_id", errors, _("unknown town"))
    community_value = (fields.get("community_id") if "town_id" in fields
                       else fields.get("community_id", station.community_id))
    community = _row(Community, community_value, "community_id", errors, _("unknown community"))
    if town is None and community is not None and "town_id" not in errors:
        town = community.town
    check_place(town, community, errors)
    category = _row(Category, fields.get("category_id"), "category_id", errors,
                    _("unknown category"))
    nature = fields.get("nature") or "help"
    if nature not in NATURES:
        errors["nature"] = _("consultation, help, complaint, report or suggestion")
    problem = str(fields.get("problem") or "").strip()
    if not problem:
        errors["problem"] = _("required")
    elif len(problem) > PROBLEM_LIMIT:
        errors["problem"] = _("at most %(n)s characters", n=PROBLEM_LIMIT)
    if errors:
        raise ValidationError(_("Some fields need correcting; nothing was filed."), errors)
    return {"citizen_name": name, "citizen_phone": phone,
            "title": first_line(problem, TITLE_LENGTH),
            "description": problem, "nature": nature,
            "town_id": town.id if town else None,
            "community_id": community.id if community else None,
            "category_id": category.id if category else None}


def file_for_resident(fields, actor, files=None):
    """A station user files a resident's problem: a registered case, and the SMS with its number."""
    from . import outbox
    from .cases import new_case

    station = own_station(actor)
    errors, clean, prepared = {}, None, []
    try:
        clean = _resident_fields(fields, station)
    except ValidationError as error:
        errors.update(error.fields)
    try:
        prepared = _check_photos(files)
    except ValidationError as error:
        errors["photos"] = "; ".join(map(str, error.fields.values())) or error.message
    if errors:
        raise ValidationError(_("Some fields need correcting; nothing was filed."), errors)
    case = new_case("station", clean, actor, station_id=station.id)
    if prepared:
        from .photos import attach_photos
        attach_photos(case, prepared, actor)
    outbox.queue_sms(case.citizen_phone, outbox.case_reply_text(case), kind="case_number",
                     case_id=case.id)
    db.session.commit()
    outbox.deliver_soon()
    return case


def _check_photos(files):
    """Photos checked by the web helper's module; none when none were sent."""
    if not files:
        return []
    try:
        from .photos import check_photos
    except ImportError:
        raise ValidationError(_("Photos cannot be attached here yet."),
                              {"photos": _("not accepted")}) from None
    return check_photos(files)
