"""Texts on air: the producer's inbox, texts in the live queue, cases at the show's end, /onair form."""
import hashlib
import hmac
import json
import re

import pytest
from sqlalchemy import func, select

from callin.extensions import db, limiter
from callin.models import Call, Case, InboundMessage, OutboundSms
from callin.services import calls, inbox, intake, shows
from callin.sms_backends import MEMORY

from .factories import make_call

SMS_SECRET = "test-sms-secret"
PHONE = "138 5361 2345"
E164 = "+8613853612345"
TEXT = "小区路灯坏了一个月\n在3号楼前面，晚上很黑"
PHONE_DIGITS = re.compile(r"1[3-9]\d{9}|0536\d{7}|\d{3} \d{4} \d{4}|5361")


@pytest.fixture(autouse=True)
def clean_slate():
    MEMORY.clear()
    limiter.reset()
    yield
    MEMORY.clear()


def signed_sms(client, message_id="gw-1", sender=PHONE, text=TEXT):
    body = json.dumps({"message_id": message_id, "from": sender, "to": "106900000001",
                       "text": text, "received_at": "2026-11-28T19:05:00+08:00"}).encode()
    signature = "sha256=" + hmac.new(SMS_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/api/v1/sms/inbound", data=body,
                       headers={"X-Callin-Signature": signature,
                                "Content-Type": "application/json"})


def a_text(message_id="gw-1", sender=PHONE, text=TEXT):
    """A text received through the intake service while the show is live: in its inbox."""
    message = intake.receive_text("sms", message_id, sender, text)
    assert message.state == "inbox"
    return message.id


def queue_events(sio):
    return [e["args"][0] for e in sio.get_received("/live") if e["name"] == "queue"]


def watch(sio, show_id):
    return sio.emit("watch", {"show_id": show_id}, namespace="/live", callback=True)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fresh(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


# --- the inbox reaches the producer only ----------------------------------------------------

def test_sms_during_live_show_is_pushed_to_producers_only(app, client, socket_client, login_as,
                                                          live_show):
    screens = {"producer": socket_client(login_as("producer")),
               "host": socket_client(login_as("host")),
               "guest": socket_client(login_as("guest")), "public": socket_client()}
    for sio in screens.values():
        watch(sio, live_show.id)
        sio.get_received("/live")
    assert signed_sms(client).status_code == 200
    pushed = {name: queue_events(sio) for name, sio in screens.items()}
    assert all(len(events) == 1 for events in pushed.values()), pushed
    producer = pushed["producer"][0]
    assert [(m["channel"], m["text"], m["phone_e164"]) for m in producer["inbox"]] == [
        ("sms", TEXT, E164)]
    for name in ("host", "guest", "public"):
        body = json.dumps(pushed[name][0], ensure_ascii=False)
        assert "inbox" not in pushed[name][0]
        assert "路灯" not in body and not PHONE_DIGITS.search(body), name


def test_inbox_endpoint_lists_waiting_texts_oldest_first(api, live_show, users):
    first, second = a_text("gw-1"), a_text("gw-2", text="第二条")
    inbox.dismiss_text(second, users["producer"], "")
    third = a_text("gw-3", text="第三条")
    answer = api("producer")("GET", f"/api/v1/shows/{live_show.id}/inbox")
    assert answer.status_code == 200
    assert [m["id"] for m in answer.json["messages"]] == [first, third]
    assert answer.json["messages"][0]["phone_e164"] == E164


# --- into the queue, on air, and a case at the end --------------------------------------------

def test_queued_text_is_a_ready_call_at_the_end_of_the_queue(api, live_show, users, ref,
                                                              socket_client, login_as):
    voice = make_call(live_show, users, ref, state="ready")
    message_id = a_text(text="我家的电话是13853612345\n" + TEXT)
    answer = api("producer")("POST", f"/api/v1/inbox/{message_id}/queue")
    assert answer.status_code == 200, answer.json
    call = fresh(Call, answer.json["call"]["id"])
    first = db.session.get(Call, voice)
    assert (call.state, call.source, call.consent) == ("ready", "sms", True)
    assert call.position == first.position + 1
    assert call.topic == "我家的电话是13853612345" and call.detail.endswith(TEXT)
    assert call.caller.phone == E164
    message = db.session.get(InboundMessage, message_id)
    assert (message.state, message.call_id, message.handled_by_id) == (
        "queued", call.id, users["producer"].id)

    producer = api("producer")("GET", f"/api/v1/shows/{live_show.id}/queue").json
    assert producer["inbox"] == []
    kinds = {c["id"]: c["kind"] for c in producer["calls"]}
    assert kinds == {voice: "call", call.id: "text"}
    host_sio = socket_client(login_as("host"))
    host = watch(host_sio, live_show.id)
    guest = watch(socket_client(login_as("guest")), live_show.id)
    mine = next(c for c in host["calls"] if c["id"] == call.id)
    assert mine["kind"] == "text" and "路灯坏了" in mine["text"]
    assert next(c for c in guest["calls"] if c["id"] == call.id)["kind"] == "text"
    for body in (host, guest):
        assert not PHONE_DIGITS.search(json.dumps(body, ensure_ascii=False))

    # the host reads the voice call, then the text, and ends it
    calls.next_call(live_show.id, users["host"])
    calls.end_call(voice, users["host"])
    calls.next_call(live_show.id, users["host"])
    assert fresh(Call, call.id).state == "on_air"
    public = watch(socket_client(), live_show.id)
    assert [(c["id"], c["kind"]) for c in public["calls"]] == [(call.id, "text")]
    assert not PHONE_DIGITS.search(json.dumps(public, ensure_ascii=False))
    calls.end_call(call.id, users["host"], outcome={"outcome": "commitment",
                                                    "commitment_days": 5})

    shows.end_show(live_show.id, users["producer"])
    cases = db.session.scalars(select(Case).where(Case.call_id == call.id)).all()
    assert len(cases) == 1
    case = cases[0]
    assert (case.channel, case.show_id, case.citizen_phone) == ("sms", live_show.id, E164)
    assert case.promised_days == 5 and case.lead_department_id == ref.dept_a.id
    message = fresh(InboundMessage, message_id)
    assert (message.state, message.case_id) == ("case", case.id)
    replies = db.session.scalars(select(OutboundSms).where(
        OutboundSms.inbound_id == message_id, OutboundSms.kind == "case_number")).all()
    assert len(replies) == 1 and case.number in replies[0].text
    assert replies[0].state == "sent"
    assert any(case.number in text for _, text in sent_texts())
    # the voice call got its case too, on the show channel
    assert db.session.scalars(select(Case.channel).where(Case.call_id == voice)).all() == ["show"]


def sent_texts():
    return [(item["to"], item["text"]) for item in MEMORY.sent]


def test_texts_left_in_the_inbox_become_cases_and_dismissed_ones_do_not(live_show, users):
    untouched = a_text("gw-1")
    dismissed = a_text("gw-2", sender="13953600001", text="广告：低价出售")
    queued = a_text("gw-3", sender="13953600002", text="排队没播到的短信")
    inbox.dismiss_text(dismissed, users["producer"], "广告")
    inbox.queue_text(queued, users["producer"])
    shows.end_show(live_show.id, users["producer"])

    case = db.session.scalars(select(Case).where(Case.citizen_phone == E164)).one()
    assert (case.channel, case.show_id, case.title) == ("sms", live_show.id, "小区路灯坏了一个月")
    assert fresh(InboundMessage, untouched).state == "case"
    assert fresh(InboundMessage, dismissed).state == "dismissed"
    assert fresh(InboundMessage, dismissed).dismiss_reason == "广告"
    assert count(Case, Case.citizen_phone == "+8613953600001") == 0
    # queued but never aired (abandoned when the show ended): not lost either
    assert fresh(InboundMessage, queued).state == "case"
    assert count(Case, Case.citizen_phone == "+8613953600002") == 1
    assert count(OutboundSms, OutboundSms.kind == "case_number") == 2


def test_text_to_case_by_the_producer(api, live_show, ref):
    message_id = a_text()
    bad = api("producer")("POST", f"/api/v1/inbox/{message_id}/case",
                          {"title": "x" * 201, "town_id": 999999, "colour": "red"})
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) == {"title", "town_id", "colour"}
    assert fresh(InboundMessage, message_id).state == "inbox" and count(Case) == 0

    answer = api("producer")("POST", f"/api/v1/inbox/{message_id}/case",
                             {"title": "路灯不亮", "town_id": ref.town_a.id})
    assert answer.status_code == 201, answer.json
    case = db.session.get(Case, answer.json["case"]["id"])
    assert (case.channel, case.title, case.town_id, case.show_id) == (
        "sms", "路灯不亮", ref.town_a.id, live_show.id)
    assert fresh(InboundMessage, message_id).state == "case"
    assert any(case.number in text for _, text in sent_texts())


def test_dismiss_keeps_the_text_out_of_the_queue(api, live_show):
    message_id = a_text()
    answer = api("admin")("POST", f"/api/v1/inbox/{message_id}/dismiss", {"reason": "重复"})
    assert answer.status_code == 200 and answer.json["message"]["state"] == "dismissed"
    assert count(Call) == 0 and count(Case) == 0


# --- who may act, and stale actions ------------------------------------------------------------

@pytest.mark.parametrize("role", ["host", "guest", "office", "department", "station", "field"])
def test_only_producers_and_admins_handle_texts(api, live_show, role):
    message_id = a_text()
    send = api(role)
    assert send("GET", f"/api/v1/shows/{live_show.id}/inbox").status_code == 403
    for action in ("queue", "case", "dismiss"):
        assert send("POST", f"/api/v1/inbox/{message_id}/{action}", {}).status_code == 403
    assert fresh(InboundMessage, message_id).state == "inbox"
    assert api("anonymous")("POST", f"/api/v1/inbox/{message_id}/queue").status_code == 401


@pytest.mark.parametrize("first, then", [("queue", "queue"), ("dismiss", "case"),
                                          ("case", "dismiss"), ("queue", "case")])
def test_a_stale_action_is_a_409_and_changes_nothing(api, live_show, first, then):
    message_id = a_text()
    assert api("producer")("POST", f"/api/v1/inbox/{message_id}/{first}").status_code in (200, 201)
    before = (count(Call), count(Case), fresh(InboundMessage, message_id).state)
    answer = api("admin")("POST", f"/api/v1/inbox/{message_id}/{then}")
    assert answer.status_code == 409
    assert answer.json["error"]["code"] == "stale_message"
    assert "already handled" in answer.json["error"]["message"] or "已" in \
        answer.json["error"]["message"]
    assert (count(Call), count(Case), fresh(InboundMessage, message_id).state) == before


def test_a_banned_senders_text_is_not_queued(api, live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening", phone=PHONE)
    from callin.services.callers import flag_caller
    flag_caller(call_id, "banned", "骚扰", users["producer"])
    message_id = a_text()
    answer = api("producer")("POST", f"/api/v1/inbox/{message_id}/queue")
    assert answer.status_code == 409 and answer.json["error"]["code"] == "caller_banned"
    assert fresh(InboundMessage, message_id).state == "inbox"
    assert count(Call, Call.source == "sms") == 0


# --- the message form on /onair ------------------------------------------------------------------

def onair_post(client, **fields):
    values = {"name": "李女士", "phone": PHONE, "text": "想问一下暖气什么时候来", "key": "a" * 32}
    values.update(fields)
    return client.post("/onair", data=values)


def test_web_message_reaches_the_inbox(client, live_show):
    page = client.get("/onair")
    assert page.status_code == 200 and 'data-testid="message-form"' in page.text
    answer = onair_post(client)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/onair#message")
    again = onair_post(client)  # the same form sent twice is one message
    assert again.status_code == 302
    message = db.session.scalars(select(InboundMessage)).one()
    assert (message.channel, message.state, message.show_id, message.from_phone, message.name) == (
        "web", "inbox", live_show.id, E164, "李女士")
    followed = client.get("/onair")
    assert PHONE not in followed.text and E164 not in followed.text and "李女士" not in followed.text


@pytest.mark.parametrize("fields, errors", [
    ({"phone": ""}, ["phone"]),
    ({"phone": "12345"}, ["phone"]),
    ({"text": "  "}, ["text"]),
    ({"text": "长" * 501, "name": "名" * 51}, ["text", "name"]),
])
def test_web_message_errors_keep_what_was_typed(client, live_show, fields, errors):
    answer = onair_post(client, **{"text": "<script>alert(1)</script>路灯", **fields})
    assert answer.status_code == 400
    for name in errors:
        assert f'id="err-{name}"' in answer.text
    kept = {"text": "<script>alert(1)</script>路灯", **fields}
    if kept["text"].strip():
        assert ("&lt;script&gt;alert(1)&lt;/script&gt;路灯" in answer.text
                or kept["text"][:20] in answer.text)
    assert "<script>alert(1)" not in answer.text
    assert count(InboundMessage) == 0


def test_web_message_while_no_show_is_live(client, app, users):
    page = client.get("/onair")
    assert 'data-testid="message-closed"' in page.text and "/complaints/new" in page.text
    assert 'data-testid="message-form"' not in page.text
    answer = onair_post(client, text="没直播也想说")
    assert answer.status_code == 409
    assert "/complaints/new" in answer.text and "没直播也想说" in answer.text
    assert count(InboundMessage) == 0


def test_web_message_honeypot_saves_nothing(client, live_show):
    assert onair_post(client, website="http://spam").status_code == 302
    assert count(InboundMessage) == 0


def test_web_message_rate_limit(client, app, live_show):
    app.config["ONAIR_MESSAGE_RATE_LIMIT"] = "2 per minute"
    for n in range(2):
        assert onair_post(client, key=f"{n:032x}").status_code == 302
    answer = onair_post(client, key="f" * 32)
    assert answer.status_code == 429
    assert "<html" in answer.text.lower() and "429" in answer.text
    assert count(InboundMessage) == 2
    # another address is not held back
    other = app.test_client()
    assert other.post("/onair", data={"phone": PHONE, "text": "别的地址", "key": "e" * 32},
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_web_message_needs_the_csrf_token(client, app, live_show):
    app.config["WTF_CSRF_ENABLED"] = True
    assert onair_post(client).status_code == 400
    assert count(InboundMessage) == 0
