"""POST /api/v1/telephony/events: signature, idempotency, malformed bodies, state effects."""
import hashlib
import hmac
import json

import pytest
from sqlalchemy import func, select

from callin.extensions import db
from callin.models import Call, Caller, TelephonyEvent
from callin.models.base import utcnow

from .factories import make_call, make_show

SECRET = "test-telephony-secret"


def signed_post(client, payload, secret=SECRET, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/api/v1/telephony/events", data=body,
                       headers={"X-Callin-Signature": signature,
                                "Content-Type": "application/json"})


def event(kind="ringing", ref="pbx-1", caller="13853612345", line=2):
    return {"event": kind, "call_ref": ref, "line": line, "caller": caller,
            "at": utcnow().isoformat()}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_ringing_creates_a_ringing_call_on_the_live_show(client, live_show):
    response = signed_post(client, event())
    assert response.status_code == 200
    call = db.session.get(Call, response.json["call_id"])
    assert call.show_id == live_show.id and call.state == "ringing" and call.line == 2
    assert call.caller.phone == "+8613853612345"


def test_same_event_twice_is_a_no_op(client, live_show):
    first = signed_post(client, event())
    version = db.session.get(type(live_show), live_show.id).version
    second = signed_post(client, event())
    assert second.status_code == 200 and second.json == first.json
    db.session.expire_all()
    assert count(Call) == 1 and count(TelephonyEvent) == 1
    assert db.session.get(type(live_show), live_show.id).version == version


@pytest.mark.parametrize("header", [None, "sha256=" + "0" * 64, "md5=abc", ""])
def test_missing_or_wrong_signature_is_401(client, live_show, header):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Callin-Signature"] = header
    response = client.post("/api/v1/telephony/events", data=json.dumps(event()), headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_signature"
    assert count(Call) == 0 and count(TelephonyEvent) == 0


def test_signature_with_another_secret_is_401(client, live_show):
    assert signed_post(client, event(), secret="other").status_code == 401
    assert count(Call) == 0


@pytest.mark.parametrize("payload,field", [
    ({**event(), "event": "dialtone"}, "event"),
    ({**event(), "call_ref": ""}, "call_ref"),
    ({**event(), "line": "two"}, "line"),
    ({**event(), "caller": None}, "caller"),
    ({**event(), "at": "yesterday"}, "at"),
    ({k: v for k, v in event().items() if k != "call_ref"}, "call_ref"),
])
def test_malformed_body_is_400_with_the_field(client, live_show, payload, field):
    response = signed_post(client, payload)
    assert response.status_code == 400
    assert field in response.json["error"]["fields"]
    assert count(Call) == 0 and count(TelephonyEvent) == 0


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_body_that_is_not_a_json_object_is_400(client, live_show, raw):
    response = signed_post(client, None, raw=raw)
    assert response.status_code == 400
    assert response.json["error"]["message"]


def test_invalid_caller_number_is_400_and_writes_nothing(client, live_show):
    response = signed_post(client, event(caller="12345"))
    assert response.status_code == 400 and "caller" in response.json["error"]["fields"]
    assert count(Call) == 0 and count(Caller) == 0 and count(TelephonyEvent) == 0


def test_invalid_caller_number_is_400_even_when_no_show_takes_calls(client):
    response = signed_post(client, event(caller="138-5361-ABCD"))
    assert response.status_code == 400 and "caller" in response.json["error"]["fields"]
    assert count(TelephonyEvent) == 0


def test_ringing_without_open_lines_makes_no_call(client, users, ref):
    make_show(users["producer"], ref.dept_a, live=False)
    response = signed_post(client, event())
    assert response.status_code == 200 and response.json == {"call_id": None}
    assert count(Call) == 0


def test_closed_lines_take_no_new_calls(client, live_show, users):
    from callin.services.shows import set_lines
    set_lines(live_show.id, False, users["producer"])
    assert signed_post(client, event()).json == {"call_id": None}
    assert count(Call) == 0


def test_answered_moves_ringing_to_screening(client, live_show):
    call_id = signed_post(client, event()).json["call_id"]
    assert signed_post(client, event("answered")).json == {"call_id": call_id}
    assert db.session.get(Call, call_id).state == "screening"


@pytest.mark.parametrize("state", ["ringing", "screening", "ready"])
def test_hangup_before_air_abandons(client, live_show, users, ref, state):
    call_id = make_call(live_show, users, ref, state=state)
    ref_value = db.session.get(Call, call_id).call_ref
    response = signed_post(client, event("hangup", ref=ref_value))
    assert response.json == {"call_id": call_id}
    db.session.expire_all()
    assert db.session.get(Call, call_id).state == "abandoned"


def test_hangup_on_air_marks_the_line_dropped(client, live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="on_air")
    ref_value = db.session.get(Call, call_id).call_ref
    signed_post(client, event("hangup", ref=ref_value))
    db.session.expire_all()
    call = db.session.get(Call, call_id)
    assert call.state == "dropped" and call.ended_at is not None
    assert call.caller.last_aired_at is not None


def test_hangup_after_the_host_ended_changes_nothing(client, live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="done")
    ref_value = db.session.get(Call, call_id).call_ref
    assert signed_post(client, event("hangup", ref=ref_value)).json == {"call_id": call_id}
    db.session.expire_all()
    assert db.session.get(Call, call_id).state == "done"


def test_event_for_an_unknown_call_is_recorded_once(client, live_show):
    assert signed_post(client, event("hangup", ref="never-rang")).json == {"call_id": None}
    assert signed_post(client, event("hangup", ref="never-rang")).json == {"call_id": None}
    assert count(TelephonyEvent) == 1


@pytest.mark.parametrize("raw_number,expected", [
    ("+86 138 5361 2345", "+8613853612345"),
    ("8613853612345", "+8613853612345"),
    ("0536-6012345", "+865366012345"),
    ("6012345", "+865366012345"),
])
def test_caller_numbers_in_any_common_form_are_one_caller(client, live_show, raw_number, expected):
    call_id = signed_post(client, event(caller=raw_number)).json["call_id"]
    assert db.session.get(Call, call_id).caller.phone == expected
