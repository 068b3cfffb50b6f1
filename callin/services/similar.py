"""Duplicates: similar open cases for a new report, and linking a report to an existing case."""
from datetime import timedelta
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, text as sql_text, update
from sqlalchemy.orm import joinedload

from .. import phones, policy
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..models import Case, CaseCitizen, Category
from ..models.base import UTCDateTime, iso, utcnow
from ..models.cases import OPEN_STATES_SQL
from ..similarity import THRESHOLD, bigrams, text_score
from ..states import OPEN_CASE_STATES, case_state_name
from ..validation import parse_id
from .cases import record

#: Only cases registered this recently are compared by text (same phone: any age).
WINDOW_DAYS = 180
#: How many recent open cases of the same town or category are scored, newest first.
TEXT_CANDIDATES = 200
PHONE_CANDIDATES = 50
#: Characters of the description compared besides the title (the start says what it is about).
DESCRIPTION_CHARS = 120
LINK_CHANNELS = ("hotline", "sms", "web", "station")


# ----------------------------------------------------------------------------- candidates
def _family(category_id):
    """The ids of a category's family: its top-level category and every child of that."""
    if category_id is None:
        return ()
    category = db.session.get(Category, category_id)
    if category is None:
        return ()
    top = category.parent_id or category.id
    children = db.session.scalars(select(Category.id).where(Category.parent_id == top)).all()
    return (top, *children)


# SQLite without statistics (the app never runs ANALYZE) would read every open case through the
# state index and sort them; the partial index of open cases, newest first (or a station's
# cases, newest first), stops at `limit`. PostgreSQL plans well on its own statistics.
_INDEX_HINTS = {"open": " INDEXED BY ix_cases_open_registered",
                "station": " INDEXED BY ix_cases_station"}
_ROWS_SQL = ("SELECT id, title, substr(description, 1, :head) AS head, town_id, category_id, "
             "citizen_phone, station_id, nature FROM cases{hint} WHERE {open} AND {where} "
             "ORDER BY registered_at DESC, id DESC LIMIT :limit")


def _open_rows(conditions, params, limit, recent=False):
    """Open cases matching `conditions`, newest first, with only the columns scoring needs.

    The open states are written as the partial index's own SQL, which SQLite needs to use it.
    `recent`: only the last WINDOW_DAYS, read through that index (or the station's).
    """
    hint = ""
    if recent:
        conditions = [*conditions, "registered_at >= :since"]
        params = {**params, "since": utcnow() - timedelta(days=WINDOW_DAYS)}
        if db.engine.dialect.name == "sqlite":
            hint = _INDEX_HINTS["station" if "station" in params else "open"]
    statement = sql_text(_ROWS_SQL.format(hint=hint, open=OPEN_STATES_SQL,
                                          where=" AND ".join(conditions)))
    binds = [bindparam("since", type_=UTCDateTime())] if recent else []
    if "family" in params:
        binds.append(bindparam("family", expanding=True))
    statement = statement.bindparams(*binds)
    return db.session.execute(statement, {**params, "head": DESCRIPTION_CHARS,
                                          "limit": limit}).all()


def _candidates(phone, grams, town_id, family, exclude_id, within_station, same_phone):
    """Rows to score: the same phone (any age; their ids go into `same_phone`), and recent
    cases of the same town or category."""
    rows = {}
    common, params = [], {}
    if exclude_id:
        common.append("id <> :exclude")
        params["exclude"] = exclude_id
    if phone:
        # the case's own citizen, then citizens linked or merged into it (ix_case_citizens_phone)
        for condition in ("citizen_phone = :phone",
                          "id IN (SELECT case_id FROM case_citizens WHERE phone = :phone)"):
            for row in _open_rows([condition, *common], {**params, "phone": phone},
                                  PHONE_CANDIDATES):
                rows[row.id] = row
                same_phone.add(row.id)
    if not grams:
        return rows.values()
    if within_station is not None:
        common.append("station_id = :station")
        params["station"] = within_station
    places = ([("town_id = :town", {"town": town_id})] if town_id else []) + \
             ([("category_id IN :family", {"family": list(family)})] if family else [])
    for condition, values in places:
        for row in _open_rows([condition, *common], {**params, **values}, TEXT_CANDIDATES,
                              recent=True):
            rows.setdefault(row.id, row)
    return rows.values()


@lru_cache(maxsize=1024)
def _signature(title, head):
    """A candidate's bigrams: of its title, and of its title with the start of its description."""
    # cached: while someone types, every lookup scores the same recent cases again
    return bigrams(title), bigrams(title + " " + head)


def _score(grams, row):
    """The text score of a candidate: the better of its title alone and title with description."""
    title, full = _signature(row.title, row.head)
    return max(text_score(grams, title), text_score(grams, full))


def similar_cases(phone=None, text="", town_id=None, category_id=None, exclude_id=None, limit=5,
                  within_station=None):
    """Open cases like a new report, best first, as (case, score, reasons).

    Reasons: "same_phone" (whatever the text), "similar_text_same_town", "same_category" (the
    text alike and the category in the same family). `phone` must be normalised already.
    `within_station` (a station id, or 0 for none) limits the text matches to that station's
    cases and leaves out other stations' reports of wrongdoing (举报) found by phone.
    """
    grams = bigrams(text)
    family = _family(category_id)
    found, same_phone = [], set()
    for row in _candidates(phone, grams, town_id, family, exclude_id, within_station, same_phone):
        if within_station is not None and row.station_id != within_station \
                and row.nature == "report":
            continue  # whoever types a phone number must not learn that it reported someone
        score = _score(grams, row) if grams else 0.0
        reasons = ["same_phone"] if row.id in same_phone else []
        if score >= THRESHOLD:
            if town_id and row.town_id == town_id:
                reasons.append("similar_text_same_town")
            if row.category_id in family:
                reasons.append("same_category")
        if reasons:
            found.append((score + (1.0 if "same_phone" in reasons else 0.0), row.id, score,
                          reasons))
    found.sort(key=lambda item: (-item[0], -item[1]))
    found = found[:limit]
    cases = {c.id: c for c in db.session.scalars(
        select(Case).options(joinedload(Case.town), joinedload(Case.category))
        .where(Case.id.in_([item[1] for item in found])))} if found else {}
    return [(cases[case_id], round(score, 2), reasons) for _rank, case_id, score, reasons in found]


# ----------------------------------------------------------------------------- who asks
_REASONS = {"same_phone": lambda: _("same phone"),
            "similar_text_same_town": lambda: _("similar text, same town"),
            "same_category": lambda: _("similar text, same category")}


def _station_scope(user):
    """None for the office (every case); the user's station id, or 0, for a station."""
    return (user.station_id or 0) if user.role == "station" else None


def _own(user, case):
    scope = _station_scope(user)
    return scope is None or (scope != 0 and case.station_id == scope)


def row_for(case, user, score=None, reasons=()):
    """A case as a suggestion: never the citizen; a station sees no title of a case not its own."""
    return {"id": case.id, "number": case.number,
            "title": case.title if _own(user, case) else None,
            "state": case.state, "state_name": case_state_name(case.state),
            "town": case.town.name if case.town else None,
            "category": case.category.name if case.category else None,
            "registered_at": iso(case.registered_at), "score": score,
            "reasons": [{"code": code, "text": _REASONS[code]()} for code in reasons]}


def _optional_id(data, name, errors):
    value = data.get(name)
    if value in (None, ""):
        return None
    key = parse_id(value)
    if key is None:
        errors[name] = _("unknown choice")
    return key


def suggest(data, user):
    """Suggestions for an intake form: {phone, text, town_id, category_id, exclude_id}."""
    policy.require(user, "case_intake")
    errors, phone = {}, None
    text = data.get("text") or ""
    if not isinstance(text, str) or len(text) > 8000:
        errors["text"] = _("at most %(n)s characters", n=8000)
        text = ""
    if data.get("phone") not in (None, ""):
        try:
            phone = phones.normalise(data["phone"])
        except ValidationError as error:
            errors.update(error.fields)
    ids = {name: _optional_id(data, name, errors)
           for name in ("town_id", "category_id", "exclude_id")}
    if errors:
        raise ValidationError(_("Some fields need correcting."), errors)
    found = similar_cases(phone, text, ids["town_id"], ids["category_id"], ids["exclude_id"],
                          within_station=_station_scope(user))
    return [row_for(case, user, score, reasons) for case, score, reasons in found]


def similar_to_case(case_id, user):
    """Open cases like an existing one, for the office's case page (candidates to merge into)."""
    policy.require(user, "case_office")
    key = parse_id(case_id)
    case = db.session.get(Case, key) if key else None
    if case is None:
        raise NotFound(_("Case %(id)s does not exist.", id=case_id))
    text = case.title + " " + case.description[:DESCRIPTION_CHARS]
    found = similar_cases(case.citizen_phone, text, case.town_id, case.category_id,
                          exclude_id=case.id)
    return [row_for(other, user, score, reasons) for other, score, reasons in found]


# ----------------------------------------------------------------------------- linking
def _clean_report(fields):
    if not isinstance(fields, dict):
        raise ValidationError(_("Send the report as a JSON object."))
    errors = {}
    name = str(fields.get("name") or "").strip()
    if len(name) > 50:
        errors["name"] = _("at most %(n)s characters", n=50)
    text = str(fields.get("text") or "").strip()
    if not text:
        errors["text"] = _("required")
    elif len(text) > 4000:
        errors["text"] = _("at most %(n)s characters", n=4000)
    phone = None
    try:
        phone = phones.normalise(fields.get("phone"))
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(_("Some fields of the report need correcting."), errors)
    return name, phone, text


def _phones_on(case):
    """The phones of every citizen on a case: its own, and those linked or merged into it."""
    return {case.citizen_phone} | set(db.session.scalars(
        select(CaseCitizen.phone).where(CaseCitizen.case_id == case.id)))


def _linkable(case_id, phone, user):
    """The case if this user may link to it; else the same 404 as for a missing case."""
    key = parse_id(case_id)
    case = db.session.get(Case, key) if key else None
    if case is not None and not _own(user, case):
        # A station links to another station's case only for the same citizen's phone.
        if phone not in _phones_on(case) or case.nature == "report":
            case = None
    if case is None:
        raise NotFound(_("Case %(id)s does not exist.", id=case_id))
    return case


def link_report(case_id, fields, channel, actor):
    """Attach a report to an open case: its citizen (once per phone), its text on the trail."""
    policy.require(actor, "case_intake")
    name, phone, text = _clean_report(fields)
    channel = "station" if actor.role == "station" else (channel or "hotline")
    if channel not in LINK_CHANNELS:
        raise ValidationError(_("Choose how the report came in."),
                              {"channel": _("hotline, sms, web or station")})
    case = _linkable(case_id, phone, actor)
    # Raise the version first: the row lock makes concurrent links of one case take turns.
    db.session.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1))
    db.session.refresh(case)
    if case.state not in OPEN_CASE_STATES:
        db.session.rollback()
        raise Conflict(_("Case %(number)s is finished; register the report as a new case.",
                         number=case.number), code="case_not_open")
    if phone not in _phones_on(case):
        # The citizen gets a return visit like every other citizen on the case.
        db.session.add(CaseCitizen(case_id=case.id, name=name, phone=phone))
    record(case, "linked_report", actor, _("Linked report from %(channel)s: %(text)s",
                                           channel=_channel_name(channel), text=text))
    db.session.commit()
    return case


def _channel_name(channel):
    names = {"hotline": _("the hotline"), "sms": _("a text message"), "web": _("the web form"),
             "station": _("a liaison station")}
    return names[channel]


def linked_row(case, user):
    """What the linker gets back: the suggestion row, the version, the lookup code to pass on."""
    return {**row_for(case, user), "version": case.version, "lookup_code": case.lookup_code}
