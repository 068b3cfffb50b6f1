"""Factory helpers: reference data, users, shows and calls, made through the service layer."""
from datetime import timedelta
from types import SimpleNamespace

from callin.extensions import db
from callin.models import ROLES, Category, Community, Department, Town
from callin.models.base import utcnow
from callin.services import calls, shows, telephony
from callin.services.users import create_user

PASSWORD = "secret-password"
HOME_PHONES = iter(f"138536{n:05d}" for n in range(10000, 99999))


def make_reference():
    """Two departments, two towns with a community each, one category with two children."""
    dept_a = Department(code="heating", name="诸城市热力有限公司", kind="utility")
    dept_b = Department(code="water", name="诸城市自来水公司", kind="utility")
    town_a, town_b = Town(name="密州街道"), Town(name="龙都街道")
    heating = Category(name="供暖")
    db.session.add_all([dept_a, dept_b, town_a, town_b, heating])
    db.session.flush()
    community_a = Community(name="东坡社区", town_id=town_a.id)
    community_b = Community(name="龙城社区", town_id=town_b.id)
    cold = Category(name="暖气不热", parent_id=heating.id)
    fees = Category(name="取暖费收费", parent_id=heating.id)
    db.session.add_all([community_a, community_b, cold, fees])
    db.session.commit()
    return SimpleNamespace(dept_a=dept_a, dept_b=dept_b, town_a=town_a, town_b=town_b,
                           community_a=community_a, community_b=community_b,
                           category=heating, cold=cold, fees=fees)


def make_users(ref):
    """One user per role, username = role; guest and department belong to department A."""
    result = {}
    for role in ROLES:
        department = ref.dept_a.id if role in ("guest", "department") else None
        result[role] = create_user(role, PASSWORD, role, role.title(), department)
    return result


def make_show(producer, department, live=False, title="行风在线 · 热力公司", studio="main"):
    """A show starting now; started (live, lines open) when asked."""
    show = shows.create_show({"title": title, "department_id": department.id, "studio": studio,
                              "starts_at": (utcnow() - timedelta(minutes=5)).isoformat()},
                             producer)
    if live:
        shows.start_show(show.id, producer)
    return db.session.get(type(show), show.id)


def ring(phone=None, call_ref=None, line=1):
    """A ringing event through the webhook's service; returns the new call id."""
    body = {"event": "ringing", "call_ref": call_ref or f"ref-{next(HOME_PHONES)}",
            "line": line, "caller": phone or next(HOME_PHONES), "at": utcnow().isoformat()}
    return telephony.handle_event(body)


def card(ref, **overrides):
    """A complete screening card for a caller from town A."""
    values = {"name": "王建国", "town_id": ref.town_a.id, "community_id": ref.community_a.id,
              "category_id": ref.cold.id, "topic": "小区暖气温度不达标",
              "detail": "3号楼室温只有14度。", "consent": True, "host_note": "老人，说话慢"}
    values.update(overrides)
    return values


def make_call(show, users, ref, state="ready", phone=None, **card_overrides):
    """A call in `state`, moved there the way producers and the host do it."""
    producer, host = users["producer"], users["host"]
    if state == "screening_manual":
        return calls.create_manual_call(show.id, phone or next(HOME_PHONES), producer).id
    call_id = ring(phone)
    if state == "ringing":
        return call_id
    calls.answer_call(call_id, producer)
    if state == "screening":
        return call_id
    calls.update_card(call_id, card(ref, **card_overrides), None, producer)
    if state == "rejected":
        calls.reject_call(call_id, "与本期无关", producer)
        return call_id
    calls.make_ready(call_id, None, producer)
    if state == "ready":
        return call_id
    calls.air_call(call_id, host)
    if state == "on_air":
        return call_id
    calls.end_call(call_id, host, dropped=(state == "dropped"))
    return call_id
