"""The case API: who may do what, who sees which case (page, API, socket), public tracking."""
import pytest

from callin.models import ROLES
from callin.services import cases
from callin.services.users import issue_token

from .conftest import ANONYMOUS


def _case_of(users, department, title="路灯不亮"):
    case = cases.register_case({"title": title, "phone": "13853612345", "citizen_name": "王建国"},
                               users["office"])
    return cases.dispatch_case(case.id, department.id, [], users["office"])


@pytest.mark.parametrize("role", ROLES + (ANONYMOUS,))
def test_visibility_matrix_by_api(api, users, ref, role):
    mine = _case_of(users, ref.dept_a, "甲单位的")
    theirs = _case_of(users, ref.dept_b, "乙单位的")
    send = api(role)
    listing = send("GET", "/api/v1/cases")
    own = send("GET", f"/api/v1/cases/{mine.id}")
    other = send("GET", f"/api/v1/cases/{theirs.id}")
    if role == ANONYMOUS:
        assert (listing.status_code, own.status_code, other.status_code) == (401, 401, 401)
    elif role in ("admin", "office"):
        assert {c["id"] for c in listing.json["cases"]} == {mine.id, theirs.id}
        assert own.status_code == other.status_code == 200
        assert own.json["citizen_phone"] == "138 5361 2345"
    elif role == "department":  # department A
        assert [c["id"] for c in listing.json["cases"]] == [mine.id]
        assert own.status_code == 200 and own.json["citizen_phone"] == "138****2345"
        assert other.status_code == 404  # the same answer as for a case that does not exist
    elif role in ("station", "field"):
        assert listing.status_code == 200 and listing.json["cases"] == []
        assert own.status_code == other.status_code == 404
    else:  # producer, host, guest: no case list at all
        assert listing.status_code == 403
        assert own.status_code == other.status_code == 404


def test_guessed_ids_answer_like_missing_ones(api, users, ref):
    theirs = _case_of(users, ref.dept_b)
    send = api("department")
    guessed = send("GET", f"/api/v1/cases/{theirs.id}")
    missing = send("GET", "/api/v1/cases/999999")
    assert guessed.status_code == missing.status_code == 404
    assert send("POST", f"/api/v1/cases/{theirs.id}/sign").status_code == 404
    assert send("POST", f"/api/v1/cases/{theirs.id}/reveal").status_code == 404


def test_the_closed_loop_through_the_api(api, users, ref):
    office, department = api("office"), api("department")
    created = office("POST", "/api/v1/cases", {"title": "小区路灯不亮", "nature": "help",
                                                "phone": "13853612345"})
    assert created.status_code == 201
    case_id = created.json["case"]["id"]
    version = created.json["case"]["version"]
    stale = office("POST", f"/api/v1/cases/{case_id}/dispatch",
                   {"lead_department_id": ref.dept_a.id, "version": version + 5})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_version"
    assert office("POST", f"/api/v1/cases/{case_id}/dispatch",
                  {"lead_department_id": ref.dept_a.id, "version": version}).status_code == 200
    assert department("POST", f"/api/v1/cases/{case_id}/sign").status_code == 200
    assert department("POST", f"/api/v1/cases/{case_id}/notes",
                      {"text": "已派人查看"}).status_code == 201
    assert department("POST", f"/api/v1/cases/{case_id}/reply", {
        "reply_public": "已更换灯泡", "resolved": "yes"}).status_code == 200
    assert office("POST", f"/api/v1/cases/{case_id}/review", {"accept": True}).status_code == 200
    visit = office("POST", f"/api/v1/cases/{case_id}/return-visits", {
        "result": "reached", "resolved": "yes", "satisfaction": "satisfied"})
    assert visit.status_code == 201 and visit.json["case"]["state"] == "closed"
    detail = office("GET", f"/api/v1/cases/{case_id}").json
    assert [e["to_state"] for e in detail["events"] if e["kind"] == "state"] == [
        "dispatched", "in_progress", "replied", "awaiting_visit", "closed"]


@pytest.mark.parametrize("role", ["producer", "host", "guest", "station", "field"])
def test_roles_without_case_work_cannot_act(api, users, ref, role):
    case = _case_of(users, ref.dept_a)
    send = api(role)
    for path, body in ((f"/api/v1/cases/{case.id}/dispatch", {"lead_department_id": ref.dept_b.id}),
                       (f"/api/v1/cases/{case.id}/reject", {"reason": "x"}),
                       ("/api/v1/cases", {"title": "x"})):
        assert send("POST", path, body).status_code in (403, 404)


def test_illegal_case_move_is_409(api, users, ref):
    case = _case_of(users, ref.dept_a)
    response = api("office")("POST", f"/api/v1/cases/{case.id}/review", {"accept": True})
    assert response.status_code == 409 and response.json["error"]["code"] == "illegal_transition"


def test_public_tracking_endpoint(api, users, ref):
    case = _case_of(users, ref.dept_a)
    anonymous = api(ANONYMOUS)
    shown = anonymous("GET", f"/api/v1/public/cases/{case.number}?code={case.lookup_code}")
    assert shown.status_code == 200 and shown.json["state"] == "dispatched"
    assert "13853612345" not in shown.get_data(as_text=True)
    wrong_code = anonymous("GET", f"/api/v1/public/cases/{case.number}?code=abc")
    wrong_number = anonymous("GET", f"/api/v1/public/cases/0000-0000?code={case.lookup_code}")
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert wrong_code.json == wrong_number.json


def test_a_department_screen_hears_its_own_dispatches_only(socket_client, users, ref):
    token, _ = issue_token(users["department"])
    sio = socket_client(auth={"token": token})
    sio.get_received("/live")
    _case_of(users, ref.dept_b)
    assert [e for e in sio.get_received("/live") if e["name"] == "department"] == []
    mine = _case_of(users, ref.dept_a)
    pushed = [e["args"][0] for e in sio.get_received("/live") if e["name"] == "department"]
    assert pushed == [{"kind": "dispatched", "case_id": mine.id}]


def test_hotline_caller_lookup_shows_history(api, users, ref, live_show):
    from .factories import make_call
    make_call(live_show, users, ref, state="done", phone="13853612345")
    _case_of(users, ref.dept_a)
    found = api("office")("GET", "/api/v1/callers/lookup?phone=138-5361-2345").json
    assert found["phone"] == "138 5361 2345" and found["geography"] == "山东省潍坊市"
    assert len(found["calls"]) == 1 and len(found["cases"]) == 1
    assert api("office")("GET", "/api/v1/callers/lookup?phone=12").status_code == 400
    assert api("department")("GET", "/api/v1/callers/lookup?phone=13853612345").status_code == 403


def test_models_answer_what_a_user_may_do(users, ref):
    case = _case_of(users, ref.dept_a)
    assert case.can_sign(users["department"]) and not case.can_sign(users["office"])
    assert not case.can_reply(users["department"])
    assert not case.can_dispatch(users["office"])
    cases.sign_case(case.id, users["department"])
    assert case.can_reply(users["department"]) and case.can_request_extension(users["department"])


def test_guessing_lookup_codes_is_throttled(api, app, users, ref):
    case = _case_of(users, ref.dept_a)
    anonymous = api(ANONYMOUS)
    limit = app.config["LOOKUP_MAX_MISSES_NUMBER"]
    for guess in range(limit):
        code = f"{guess:06d}" if f"{guess:06d}" != case.lookup_code else "999999x"
        assert anonymous("GET", f"/api/v1/public/cases/{case.number}?code={code}").status_code == 404
    blocked = anonymous("GET", f"/api/v1/public/cases/{case.number}?code={case.lookup_code}")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"]
