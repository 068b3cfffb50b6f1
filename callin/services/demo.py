"""Demo data: reference lists, one user per role, past shows and a show that is live now."""
import random
from datetime import timedelta

from sqlalchemy import func, select

from .. import phones
from ..demo import reference_data as data
from ..extensions import db
from ..models import (ROLES, Call, Caller, Case, Category, Community, Department, Show,
                      Station, Town, User)
from ..models.base import utcnow
from ..states import CallState, ShowState
from . import calls, shows, telephony
from .callers import caller_for_phone
from .simulator import ringing_event
from .users import create_user

LIVE_DEPARTMENT = "heating"
#: What citizens ask each past show's guest department about (top-level category names).
PAST_SHOW_TOPICS = {"heating": "供暖", "housing-construction": "住房与物业",
                    "market-regulation": "市场监管", "human-resources": "社会保障",
                    "law-enforcement": "城市管理", "power-supply": "供电",
                    "education-sports": "教育", "medical-security": "医疗卫生"}

#: Liaison stations of the demo: (code, name, town, community, contact name, contact phone);
#: the same rows as docs/samples/stations.csv. The demo "station" user works for the first.
DEMO_STATIONS = (
    ("MZ-DP", "密州街道东坡社区联络站", "密州街道", "东坡社区", "张秀英", "13853612001"),
    ("MZ-CR", "密州街道超然社区联络站", "密州街道", "超然社区", "李建华", "13853612002"),
    ("LD-LC", "龙都街道龙城社区联络站", "龙都街道", "龙城社区", "王立新", "0536-6012003"),
    ("SW-ZF", "舜王街道诸冯社区联络站", "舜王街道", "诸冯社区", "刘玉兰", "13953612004"),
    ("ZG-QZ", "枳沟镇乔庄社区联络站", "枳沟镇", "乔庄社区", "赵德福", "15853612005"),
    ("XZ-ZK", "相州镇宅科社区联络站", "相州镇", "宅科社区", "孙春梅", "18853612006"),
)
#: Problems the demo station filed for its residents: (resident, phone, category, nature, text).
STATION_PROBLEMS = (
    ("张桂兰", "13853667301", "暖气不热", "help",
     "东坡社区3号楼暖气不热\n老人独居，室温只有13度，已向物业反映一周未处理。"),
    ("陈德胜", "13853667302", "垃圾清运", "complaint",
     "社区南门垃圾桶三天未清运\n天热有异味，居民意见较大，请尽快安排清运。"),
)


def is_empty():
    """Whether the database has no users yet (then `make run` loads the demo)."""
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def load_reference():
    """Departments, towns with communities, and the category tree."""
    for code, name, kind in data.DEPARTMENTS:
        db.session.add(Department(code=code, name=name, kind=kind))
    for town_name, communities in data.TOWNS:
        town = Town(name=town_name)
        db.session.add(town)
        db.session.flush()
        for name in communities:
            db.session.add(Community(town_id=town.id, name=name))
    for top_name, children in data.CATEGORIES:
        top = Category(name=top_name)
        db.session.add(top)
        db.session.flush()
        for name in children:
            db.session.add(Category(name=name, parent_id=top.id))
    db.session.commit()


def _department(code):
    return db.session.scalars(select(Department).where(Department.code == code)).one()


def load_stations():
    """The demo's liaison stations, placed in the seeded towns and communities."""
    towns = {t.name: t for t in db.session.scalars(select(Town))}
    for code, name, town_name, community_name, contact, phone in DEMO_STATIONS:
        town = towns[town_name]
        community = next(c for c in town.communities if c.name == community_name)
        db.session.add(Station(code=code, name=name, town_id=town.id, community_id=community.id,
                               contact_name=contact, contact_phone=phones.normalise(phone)))
    db.session.commit()


def load_users(password):
    """One user per role, named after the role; the guest belongs to the live show's department
    and the station user to the first demo station."""
    station = db.session.scalars(select(Station).where(Station.code == DEMO_STATIONS[0][0])).one()
    guest_dept = _department(LIVE_DEPARTMENT).id
    dept_user_dept = _department("housing-construction").id
    names = {"admin": "管理员", "producer": "导播 小刘", "host": "主持人 李明",
             "guest": "热力公司 孙德明", "office": "行风办 王芳", "department": "住建局联络员",
             "station": "东坡社区联络站 张秀英", "field": "直通车 赵强"}
    for role in ROLES:
        department = {"guest": guest_dept, "department": dept_user_dept}.get(role)
        create_user(role, password, role, names[role], department,
                    station_id=station.id if role == "station" else None)


def _card(rng, town, categories):
    names = {c.parent.name for c in categories}
    top_name, children = rng.choice([c for c in data.CATEGORIES if c[0] in names])
    topic, detail = rng.choice(data.PROBLEMS[top_name])
    category = next(c for c in categories if c.name in children and c.parent.name == top_name)
    community = rng.choice(town.communities)
    return {"name": rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES),
            "town_id": town.id, "community_id": community.id, "category_id": category.id,
            "topic": topic, "detail": detail}


def load_past_shows(rng, callers):
    """Eight weekly shows in the past, each with calls in final states, for caller history."""
    towns = db.session.scalars(select(Town)).all()
    children = db.session.scalars(select(Category).where(Category.parent_id.is_not(None))).all()
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for week, (code, guests) in enumerate(data.PAST_SHOW_GUESTS, start=1):
        department = _department(code)
        topic = PAST_SHOW_TOPICS.get(code)
        categories = [c for c in children if c.parent.name == topic] or children
        start = now - timedelta(days=7 * week)
        show = Show(title=f"行风在线 · {department.name}", department_id=department.id,
                    guest_names=guests, starts_at=start, state=ShowState.ENDED,
                    went_live_at=start, ended_at=start + timedelta(minutes=60))
        db.session.add(show)
        db.session.flush()
        for index in range(8):
            caller = callers[(week * 3 + index) % len(callers)]
            card = _card(rng, rng.choice(towns), categories)
            state = rng.choice((CallState.DONE,) * 5 + (CallState.ABANDONED, CallState.REJECTED))
            ring = start + timedelta(minutes=index * 6)
            call = Call(show_id=show.id, caller_id=caller.id, source="phone", state=state,
                        ringing_at=ring, screening_at=ring + timedelta(minutes=1),
                        created_at=ring, consent=True, **card)
            if state == CallState.DONE:
                call.ready_at = ring + timedelta(minutes=3)
                call.on_air_at = ring + timedelta(minutes=5 + rng.randint(0, 4))
                call.ended_at = call.on_air_at + timedelta(seconds=rng.randint(120, 300))
                call.outcome = rng.choice(("answered", "commitment", "field_visit"))
                call.commitment_days = 7 if call.outcome == "commitment" else None
                caller.last_aired_at = call.on_air_at
                caller.name = card["name"]
            elif state == CallState.REJECTED:
                call.rejection_reason = "与本期上线单位无关，已告知拨打12345"
                call.ended_at = ring + timedelta(minutes=2)
            else:
                call.ended_at = ring + timedelta(minutes=2)
            db.session.add(call)
    db.session.commit()


def load_live_show(rng, producer, host, callers):
    """A show live now with its lines open and calls in every live state."""
    department = _department(LIVE_DEPARTMENT)
    show = shows.create_show({
        "title": f"行风在线 · {department.name}", "department_id": department.id,
        "guest_names": dict(data.PAST_SHOW_GUESTS)[LIVE_DEPARTMENT],
        "starts_at": (utcnow() - timedelta(minutes=20)).isoformat()}, producer)
    shows.start_show(show.id, producer)
    towns = db.session.scalars(select(Town)).all()
    categories = db.session.scalars(select(Category).where(Category.parent_id.is_not(None))).all()
    heating = [c for c in categories if c.parent.name == "供暖"]
    plan = [CallState.DONE, CallState.DONE, CallState.ON_AIR, CallState.READY, CallState.READY,
            CallState.READY, CallState.SCREENING, CallState.SCREENING, CallState.RINGING,
            CallState.RINGING, CallState.ABANDONED, CallState.REJECTED]
    for index, target in enumerate(plan):
        event = ringing_event(rng, line=index % 8 + 1)
        if index < len(callers) // 2 and index % 3 == 0:
            event["caller"] = callers[index].phone  # a returning caller, to show history
        call_id = telephony.handle_event(event)
        _advance(rng, call_id, target, producer, host, towns, heating)
    return show


def _advance(rng, call_id, target, producer, host, towns, heating):
    if target in (CallState.RINGING, CallState.ABANDONED):
        if target == CallState.ABANDONED:
            calls.abandon_call(call_id, producer)
        return
    calls.answer_call(call_id, producer)
    card = _card(rng, rng.choice(towns), heating[0].parent.children)
    top = heating[0].parent.name
    card["topic"], card["detail"] = rng.choice(data.PROBLEMS[top])
    card["category_id"] = rng.choice(heating).id
    if target == CallState.REJECTED:
        calls.update_card(call_id, card, None, producer)
        calls.reject_call(call_id, "反映的是物业纠纷，已转告拨打12345", producer)
        return
    card["consent"] = target != CallState.SCREENING or rng.random() < 0.5
    calls.update_card(call_id, card, None, producer)
    if target == CallState.SCREENING:
        return
    calls.make_ready(call_id, None, producer)
    if target in (CallState.ON_AIR, CallState.DONE):
        calls.air_call(call_id, host)
    if target == CallState.DONE:
        calls.end_call(call_id, host, outcome=rng.choice((
            {"outcome": "answered"}, {"outcome": "commitment", "commitment_days": 3})))


def load_cases(rng):
    """Cases from the past shows, taken through the loop to different points, plus hotline ones."""
    from . import cases, return_visits
    from .deadlines import install_defaults
    from .show_cases import cases_from_show

    install_defaults()
    db.session.commit()
    office = db.session.scalars(select(User).where(User.username == "office")).one()
    liaison = db.session.scalars(select(User).where(User.username == "department")).one()
    for show in db.session.scalars(select(Show).where(Show.state == ShowState.ENDED)):
        cases_from_show(show, office)
    db.session.commit()
    housing = _department("housing-construction")
    for index, (top, problems) in enumerate(list(data.PROBLEMS.items())[:6]):
        topic, detail = problems[0]
        case = cases.register_case({"title": topic, "description": detail,
                                    "nature": ("help", "complaint", "consultation")[index % 3],
                                    "citizen_name": rng.choice(data.SURNAMES) + rng.choice(
                                        data.GIVEN_NAMES),
                                    "phone": f"1385366{rng.randint(1000, 9999)}"}, office)
        if index % 3 != 2:
            cases.dispatch_case(case.id, housing.id, [], office)
    load_station_cases(office)
    mine = db.session.scalars(select(Case).where(Case.lead_department_id == housing.id)
                              .order_by(Case.id)).all()
    for step, case in enumerate(mine[:4]):
        cases.sign_case(case.id, liaison)
        if step >= 1:
            cases.reply_case(case.id, {"reply_public": "已安排工作人员上门核实处理。",
                                       "reply_internal": "已派维修班组。", "resolved": "yes"},
                             liaison)
        if step >= 2:
            cases.review_reply(case.id, True, "", office)
        if step >= 3:
            return_visits.record_return_visit(case.id, {
                "result": "reached", "resolved": "yes", "satisfaction": "satisfied"}, office)


def load_station_cases(office):
    """A couple of cases the demo station filed for residents; the office dispatched the first."""
    from .cases import dispatch_case, new_case

    user = db.session.scalars(select(User).where(User.username == "station")).one()
    station = user.station
    categories = {c.name: c for c in db.session.scalars(
        select(Category).where(Category.parent_id.is_not(None)))}
    filed = []
    for name, phone, category, nature, text in STATION_PROBLEMS:
        fields = {"citizen_name": name, "citizen_phone": phones.normalise(phone),
                  "title": text.splitlines()[0], "description": text, "nature": nature,
                  "town_id": station.town_id, "community_id": station.community_id,
                  "category_id": categories[category].id}
        filed.append(new_case("station", fields, user, station_id=station.id))
    db.session.commit()
    dispatch_case(filed[0].id, _department("heating").id, [], office)


def seed(password, seed_value=2026):
    """Load the whole demo into an empty database."""
    rng = random.Random(seed_value)
    load_reference()
    load_stations()
    load_users(password)
    producer = db.session.scalars(select(User).where(User.username == "producer")).one()
    host = db.session.scalars(select(User).where(User.username == "host")).one()
    callers = [caller_for_phone(ringing_event(rng)["caller"]) for _ in range(14)]
    db.session.commit()
    callers = db.session.scalars(select(Caller).order_by(Caller.id)).all()
    callers[1].flag, callers[1].flag_reason = "warning", "多次来电情绪激动，注意引导"
    callers[2].flag, callers[2].flag_reason = "banned", "多次恶意骚扰热线"
    db.session.commit()
    load_past_shows(rng, callers)
    upcoming = _department("civil-affairs")
    shows.create_show({"title": f"行风在线 · {upcoming.name}", "department_id": upcoming.id,
                       "guest_names": "局长 周建民", "studio": "main",
                       "starts_at": (utcnow() + timedelta(days=7)).isoformat()}, producer)
    show = load_live_show(rng, producer, host, [c for c in callers if c.flag != "banned"])
    load_cases(rng)
    return show
