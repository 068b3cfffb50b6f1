"""The JSON API through the test client: roles, filtering, errors, tokens, CSRF."""
import json
import re

import pytest

from callin.extensions import db
from callin.models import ROLES, Call, Show

from .factories import PASSWORD, make_call

from .conftest import ANONYMOUS


def _scene(live_show, users, ref):
    ready = make_call(live_show, users, ref, state="ready")
    screening = make_call(live_show, users, ref, state="screening")
    done = make_call(live_show, users, ref, state="done")
    return {"show": live_show.id, "ready": ready, "screening": screening, "done": done,
            "caller": db.session.get(Call, ready).caller_id}


# (method, path template, body, roles allowed, status when allowed)
MATRIX = [
    ("GET", "/api/v1/shows", None, ROLES, 200),
    ("GET", "/api/v1/shows/{show}/report", None, ("admin", "producer", "host", "office"), 200),
    ("GET", "/api/v1/callers/{caller}/history", None, ("admin", "producer"), 200),
    ("GET", "/api/v1/reference", None, ROLES, 200),
    ("POST", "/api/v1/shows", {"title": "新节目", "starts_at": "2026-12-03T09:00+08:00"},
     ("admin", "producer"), 201),
    ("PATCH", "/api/v1/calls/{screening}", {"topic": "新的问题"}, ("admin", "producer"), 200),
    ("POST", "/api/v1/calls/{screening}/reject", {"reason": "无关"}, ("admin", "producer"), 200),
    ("POST", "/api/v1/shows/{show}/lines", {"open": True}, ("admin", "producer"), 200),
    ("POST", "/api/v1/shows/{show}/calls", {"phone": "13953612345"}, ("admin", "producer"), 201),
    ("PUT", "/api/v1/shows/{show}/queue", {"call_ids": ["{ready}"]}, ("admin", "producer"), 200),
    ("POST", "/api/v1/shows/{show}/next", None, ("host",), 200),
    ("POST", "/api/v1/calls/{ready}/air", None, ("host",), 200),
    ("POST", "/api/v1/calls/{done}/outcome", {"outcome": "answered"},
     ("admin", "producer", "host"), 200),
    ("POST", "/api/v1/shows/{show}/notes", {"text": "请注意时间"},
     ("admin", "producer", "host", "guest"), 201),
    ("POST", "/api/v1/calls/{screening}/flag", {"flag": "warning", "reason": "情绪激动"},
     ("admin", "producer"), 200),
]


def _fill(value, ids):
    if isinstance(value, str):
        return int(ids[value[1:-1]]) if re.fullmatch(r"\{\w+\}", value) else value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _ready_ids(show_id):
    from sqlalchemy import select
    return list(db.session.scalars(select(Call.id).where(
        Call.show_id == show_id, Call.state == "ready").order_by(Call.position)))


@pytest.mark.parametrize("method,path,body,allowed,status", MATRIX,
                         ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_role_matrix(api, live_show, users, ref, method, path, body, allowed, status):
    """Every role and an anonymous caller against each endpoint: 401, 403 or success."""
    ids = _scene(live_show, users, ref)
    for role in ROLES + (ANONYMOUS,):
        if role in allowed:
            continue
        response = api(role)(method, _fill(path, ids), _fill(body, ids))
        expected = 401 if role == ANONYMOUS else 403
        assert response.status_code == expected, (role, response.json)
        assert response.json["error"]["message"]
    for role in allowed:
        if method != "GET":
            ids = _scene(live_show, users, ref)  # a fresh scene: the last one may have changed
            ids["ready"] = _ready_ids(live_show.id)[-1]
        payload = _fill(body, ids)
        if path.endswith("/queue"):
            payload = {"call_ids": list(reversed(_ready_ids(live_show.id)))}
        if path.endswith("/next"):
            from callin.services.calls import end_call
            for call in db.session.scalars(select_on_air(live_show.id)):
                end_call(call.id, users["host"])
        response = api(role)(method, _fill(path, ids), payload)
        assert response.status_code == status, (role, response.json)


def select_on_air(show_id):
    from sqlalchemy import select
    return select(Call).where(Call.show_id == show_id, Call.state == "on_air")


PHONE_DIGITS = re.compile(r"1[3-9]\d{9}|0536\d{7}|\d{3} \d{4} \d{4}")


@pytest.mark.parametrize("role", ROLES + (ANONYMOUS,))
def test_queue_is_filtered_for_the_asking_role(api, live_show, users, ref, role):
    ids = _scene(live_show, users, ref)
    on_air = make_call(live_show, users, ref, state="on_air", phone="13853699999")
    response = api(role)("GET", f"/api/v1/shows/{ids['show']}/queue")
    assert response.status_code == 200
    body = response.json
    assert set(body) >= {"show_id", "version", "state", "calls"}
    assert body["show_id"] == ids["show"] and body["state"] == "live"
    text = json.dumps(body, ensure_ascii=False)
    if role in ("producer", "admin"):
        assert "138 5369 9999" in text
        assert {c["id"] for c in body["calls"]} >= {ids["screening"], ids["ready"], on_air}
    else:
        assert not PHONE_DIGITS.search(text), text
        assert not any({"phone", "phone_e164", "geography"} & set(c) for c in body["calls"])
    if role in ("host", "office", "guest"):
        assert [c["id"] for c in body["calls"] if c["state"] in ("ready", "on_air")] == \
            [on_air, ids["ready"]] or {c["id"] for c in body["calls"]} >= {on_air, ids["ready"]}
        assert ids["screening"] not in {c["id"] for c in body["calls"]}
    if role in ("department", "station", "field", ANONYMOUS):
        assert [c["id"] for c in body["calls"]] == [on_air]
        assert set(body["calls"][0]) == {"id", "state", "kind", "topic", "category", "on_air_at"}
        assert body["notes"] == []


def test_guest_of_another_department_sees_only_the_public_view(api, live_show, users, ref):
    users["guest"].department_id = ref.dept_b.id
    db.session.commit()
    make_call(live_show, users, ref, state="ready")
    body = api("guest")("GET", f"/api/v1/shows/{live_show.id}/queue").json
    assert body["calls"] == []


def test_guest_sees_masked_names_and_history(api, live_show, users, ref):
    make_call(live_show, users, ref, state="ready", name="王建国")
    body = api("guest")("GET", f"/api/v1/shows/{live_show.id}/queue").json
    assert body["calls"][0]["name"] == "王**"


def test_unknown_ids_are_404(api, live_show):
    producer = api("producer")
    assert producer("GET", "/api/v1/shows/999/queue").status_code == 404
    assert producer("PATCH", "/api/v1/calls/999", {"topic": "x"}).status_code == 404
    assert producer("POST", "/api/v1/calls/999/answer").status_code == 404
    assert api("host")("POST", "/api/v1/shows/999/next").status_code == 404


def test_illegal_transition_is_409_with_a_message(api, live_show, users, ref):
    ids = _scene(live_show, users, ref)
    response = api("producer")("POST", f"/api/v1/calls/{ids['done']}/answer")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "illegal_transition"
    assert response.json["error"]["message"]


def test_validation_is_400_with_fields(api, live_show, users, ref):
    ids = _scene(live_show, users, ref)
    response = api("producer")("PATCH", f"/api/v1/calls/{ids['screening']}",
                                   {"urgency": "extreme", "town_id": "abc"})
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]) == {"urgency", "town_id"}


def test_non_json_body_is_400(app, api, live_show, users, ref):
    ids = _scene(live_show, users, ref)
    client = app.test_client()
    token = client.post("/api/v1/auth/token",
                        json={"username": "producer", "password": PASSWORD}).json["token"]
    response = client.patch(f"/api/v1/calls/{ids['screening']}", data="topic=x",
                            headers={"Authorization": "Bearer " + token})
    assert response.status_code == 400 and "JSON" in response.json["error"]["message"]


def test_stale_card_edit_via_api_is_409(api, live_show, users, ref):
    ids = _scene(live_show, users, ref)
    producer = api("producer")
    seen = db.session.get(Call, ids["screening"]).version
    assert producer("PATCH", f"/api/v1/calls/{ids['screening']}",
                    {"topic": "甲", "version": seen}).status_code == 200
    second = producer("PATCH", f"/api/v1/calls/{ids['screening']}", {"topic": "乙", "version": seen})
    assert second.status_code == 409 and second.json["error"]["code"] == "stale_version"
    db.session.expire_all()
    assert db.session.get(Call, ids["screening"]).topic == "甲"


def test_shows_filter_by_state(api, live_show, users, ref):
    from .factories import make_show
    make_show(users["producer"], ref.dept_b, title="下周节目")
    body = api("office")("GET", "/api/v1/shows?state=live").json
    assert [s["id"] for s in body["shows"]] == [live_show.id]
    assert set(body["shows"][0]) >= {"id", "title", "state", "department", "starts_at"}
    assert api("office")("GET", "/api/v1/shows?state=paused").status_code == 400


def test_token_wrong_password_is_401_then_throttled(client, users):
    for _ in range(5):
        response = client.post("/api/v1/auth/token", json={"username": "host", "password": "nope"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/token", json={"username": "host", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["Retry-After"]


def test_token_answer_and_bad_token(client, users):
    response = client.post("/api/v1/auth/token", json={"username": "host", "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json) == {"token", "role", "expires_at"} and response.json["role"] == "host"
    bad = client.get("/api/v1/shows", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401


def test_expired_token_is_refused(app, client, users):
    app.config["TOKEN_TTL_HOURS"] = -1
    token = client.post("/api/v1/auth/token",
                        json={"username": "host", "password": PASSWORD}).json["token"]
    assert client.get("/api/v1/shows", headers={"Authorization": "Bearer " + token}).status_code == 401


def test_cookie_session_writes_need_the_csrf_token(app, login_as, live_show, users, ref):
    app.config["WTF_CSRF_ENABLED"] = True
    ids = _scene(live_show, users, ref)
    producer = login_as("producer")
    response = producer.patch(f"/api/v1/calls/{ids['screening']}", json={"topic": "无令牌"})
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf"
    page = producer.get("/producer/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = producer.patch(f"/api/v1/calls/{ids['screening']}", json={"topic": "有令牌"},
                              headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok"


def test_openapi_documents_the_stable_interfaces(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/auth/token", "/telephony/events", "/shows", "/shows/{show_id}/queue",
                 "/public/cases/{number}", "/cases"):
        assert path in spec["paths"]


def test_show_lifecycle_through_the_api(api, users, ref):
    producer = api("producer")
    created = producer("POST", "/api/v1/shows", {"title": "行风在线", "department_id": ref.dept_a.id,
                                                 "starts_at": "2026-12-03T09:00"})
    show_id = created.json["show"]["id"]
    assert producer("POST", f"/api/v1/shows/{show_id}/start").json["show"]["state"] == "live"
    assert producer("POST", f"/api/v1/shows/{show_id}/end").json["show"]["state"] == "ended"
    assert producer("POST", f"/api/v1/shows/{show_id}/end").status_code == 409
    assert db.session.get(Show, show_id).starts_at.hour == 1  # 09:00 Shanghai is 01:00 UTC


def test_report_counts(api, live_show, users, ref):
    _scene(live_show, users, ref)
    make_call(live_show, users, ref, state="rejected")
    report = api("producer")("GET", f"/api/v1/shows/{live_show.id}/report").json
    assert report["received"] == 4 and report["aired"] == 1 and report["screened_out"] == 1
    assert report["topics"] == [{"category": "供暖", "calls": 1}]


@pytest.mark.parametrize("path", ["/api/v1/shows/99999999999999999999/queue",
                                  "/api/v1/calls/99999999999999999999/answer"])
def test_ids_too_long_for_the_database_are_404(api, live_show, path):
    method = "GET" if path.endswith("queue") else "POST"
    response = api("producer")(method, path, None if method == "GET" else {})
    assert response.status_code == 404 and response.json["error"]["message"]


@pytest.mark.parametrize("body,field", [
    ({"town_id": "99999999999999999999"}, "town_id"),
    ({"category_id": 2**40}, "category_id"),
    ({"topic": "ok", "version": "abc"}, "version"),
])
def test_card_ids_and_versions_that_cannot_be_are_400(api, live_show, users, ref, body, field):
    ids = _scene(live_show, users, ref)
    response = api("producer")("PATCH", f"/api/v1/calls/{ids['screening']}", body)
    assert response.status_code == 400 and field in response.json["error"]["fields"]


def test_text_with_nul_characters_is_400(api, live_show, users, ref):
    ids = _scene(live_show, users, ref)
    response = api("producer")("PATCH", f"/api/v1/calls/{ids['screening']}",
                                   {"topic": "bad\x00text"})
    assert response.status_code == 400 and "NUL" in response.json["error"]["message"]


@pytest.mark.parametrize("order", [["abc"], [2**40], [True]])
def test_queue_order_with_impossible_ids_is_409(api, live_show, users, ref, order):
    _scene(live_show, users, ref)
    response = api("producer")("PUT", f"/api/v1/shows/{live_show.id}/queue",
                                   {"call_ids": order})
    assert response.status_code == 409 and response.json["error"]["code"] == "stale_queue"


def test_blank_title_is_refused(api, live_show):
    producer = api("producer")
    created = producer("POST", "/api/v1/shows", {"title": "   ", "starts_at": "2026-12-03T09:00"})
    assert created.status_code == 400 and "title" in created.json["error"]["fields"]
    edited = producer("PATCH", f"/api/v1/shows/{live_show.id}", {"title": ""})
    assert edited.status_code == 400 and "title" in edited.json["error"]["fields"]
