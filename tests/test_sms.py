"""SMS in and out: signed webhook, idempotency, the inbox during a show, auto-replies, retries."""
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select, update

from callin.extensions import db
from callin.models import Case, InboundMessage, OutboundSms, Show
from callin.models.base import utcnow
from callin.services import outbox
from callin.sms_backends import MEMORY

SECRET = "test-sms-secret"
URL = "/api/v1/sms/inbound"


@pytest.fixture(autouse=True)
def memory_backend():
    MEMORY.clear()
    yield MEMORY
    MEMORY.clear()


def signed_post(client, payload, secret=SECRET, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(URL, data=body, headers={"X-Callin-Signature": signature,
                                                "Content-Type": "application/json"})


def sms(message_id="gw-1", sender="138 5361 2345", text="小区路灯坏了一个月\n在3号楼前面"):
    return {"message_id": message_id, "from": sender, "to": "106900000001", "text": text,
            "received_at": "2026-11-28T19:05:00+08:00"}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def outbox_rows():
    db.session.expire_all()
    return db.session.scalars(select(OutboundSms).order_by(OutboundSms.id)).all()


# --- signature ------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "", "sha256=" + "0" * 64, "md5=abc"])
def test_missing_or_wrong_signature_is_401(client, header):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Callin-Signature"] = header
    response = client.post(URL, data=json.dumps(sms()), headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_signature"
    assert count(InboundMessage) == 0 and count(Case) == 0


def test_signature_with_another_secret_is_401(client):
    assert signed_post(client, sms(), secret="test-telephony-secret").status_code == 401
    assert count(InboundMessage) == 0


def test_signed_sms_without_a_show_opens_a_case_and_replies(client, memory_backend):
    response = signed_post(client, sms())
    assert response.status_code == 200
    body = response.json
    case = db.session.get(Case, body["case_id"])
    assert body == {"message_id": "gw-1", "case_id": case.id, "case_number": case.number,
                    "state": "case"}
    assert case.channel == "sms" and case.citizen_phone == "+8613853612345"
    assert case.title == "小区路灯坏了一个月" and "3号楼" in case.description
    message = db.session.scalars(select(InboundMessage)).one()
    assert message.case_id == case.id and message.show_id is None
    assert message.received_at.isoformat() == "2026-11-28T11:05:00+00:00"
    # the auto-reply went out through the memory backend with the number and the lookup code
    [sent] = memory_backend.sent
    assert sent["to"] == "+8613853612345"
    assert case.number in sent["text"] and case.lookup_code in sent["text"]
    [row] = outbox_rows()
    assert (row.state, row.kind, row.case_id, row.attempts) == ("sent", "case_number", case.id, 1)


def test_reply_is_chinese_and_names_the_tracking_page(app, client, memory_backend):
    app.config["PUBLIC_BASE_URL"] = "https://rexian.example.cn/"
    signed_post(client, sms())
    text = memory_backend.sent[0]["text"]
    assert "https://rexian.example.cn/track" in text
    assert "工单" in text and "查询码" in text


# --- idempotency ----------------------------------------------------------------------------

def test_same_message_id_twice_is_one_message_one_case_one_reply(client, memory_backend):
    first = signed_post(client, sms())
    again = signed_post(client, sms())
    assert again.status_code == 200 and again.json == first.json
    assert count(InboundMessage) == 1 and count(Case) == 1 and count(OutboundSms) == 1
    assert len(memory_backend.sent) == 1


def test_same_message_id_with_another_body_keeps_the_first_answer(client):
    first = signed_post(client, sms())
    other = signed_post(client, sms(sender="13953611111", text="完全不同的内容"))
    assert other.status_code == 200 and other.json == first.json
    assert count(Case) == 1
    assert db.session.scalars(select(InboundMessage.text)).one().startswith("小区路灯")


def test_same_id_on_another_channel_is_another_message(client):
    from callin.services.intake import receive_text
    signed_post(client, sms())
    web = receive_text("web", "gw-1", "13853612345", "网上留言")
    assert web.channel == "web" and count(InboundMessage) == 2 and count(Case) == 2


def test_a_repeat_is_caught_by_the_unique_key_and_gets_the_first_answer(client, monkeypatch):
    """No look before the insert (it would cost every SMS a SELECT): the unique key catches the
    repeat, its transaction is rolled back, and only then is the first answer looked up."""
    from callin.services import intake
    first = signed_post(client, sms()).json
    real, looks = intake.find_message, []

    def look(channel, message_id):
        looks.append((count(Case), count(OutboundSms)))  # what the repeat left behind
        return real(channel, message_id)
    monkeypatch.setattr(intake, "find_message", look)
    again = signed_post(client, sms())
    assert again.status_code == 200 and again.json == first
    assert looks == [(1, 1)]  # one look, after the rollback of the repeat's case and reply
    assert count(InboundMessage) == 1 and count(Case) == 1 and count(OutboundSms) == 1
    # the repeat's case number went back with its transaction: the next text gets the next one
    period, last = first["case_number"].split("-")
    following = signed_post(client, sms(message_id="gw-2")).json["case_number"]
    assert following == f"{period}-{int(last) + 1:04d}"


def test_concurrent_duplicates_make_one_case(app):
    """Gateway retries racing on separate connections (PostgreSQL; SQLite takes them in turn)."""
    workers = 4 if db.engine.dialect.name == "postgresql" else 1
    answers, barrier = [], threading.Barrier(workers)

    def post():
        client = app.test_client()
        with app.app_context():
            barrier.wait()
            answers.append(signed_post(client, sms(message_id="race")).json)
            db.session.remove()
    threads = [threading.Thread(target=post) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == workers
    assert len({json.dumps(a, sort_keys=True) for a in answers}) == 1
    assert answers[0]["case_id"] is not None
    db.session.expire_all()
    assert count(InboundMessage) == 1 and count(Case) == 1 and count(OutboundSms) == 1


# --- malformed bodies -----------------------------------------------------------------------

def _without(name):
    body = sms()
    del body[name]
    return body


@pytest.mark.parametrize("payload,field", [
    (_without("message_id"), "message_id"),
    (_without("from"), "from"),
    (_without("to"), "to"),
    (_without("text"), "text"),
    (_without("received_at"), "received_at"),
    ({**sms(), "message_id": 42}, "message_id"),
    ({**sms(), "message_id": "   "}, "message_id"),
    ({**sms(), "message_id": "x" * 101}, "message_id"),
    ({**sms(), "from": 13853612345}, "from"),
    ({**sms(), "text": ["a"]}, "text"),
    ({**sms(), "text": "   "}, "text"),
    ({**sms(), "text": "长" * 2001}, "text"),
    ({**sms(), "to": None}, "to"),
    ({**sms(), "received_at": "yesterday"}, "received_at"),
    ({**sms(), "received_at": 1764327900}, "received_at"),
    ({**sms(), "received_at": "0001-01-01T00:00:00"}, "received_at"),
])
def test_malformed_body_is_400_naming_the_field(client, payload, field):
    response = signed_post(client, payload)
    assert response.status_code == 400, response.json
    assert field in response.json["error"]["fields"]
    assert count(InboundMessage) == 0 and count(Case) == 0 and count(OutboundSms) == 0


@pytest.mark.parametrize("raw", [b"[1, 2]", b"\"text\"", b"{not json", b"\xff\xfe", b""])
def test_body_that_is_not_a_json_object_is_400(client, raw):
    response = signed_post(client, None, raw=raw)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation"
    assert count(InboundMessage) == 0


def test_nul_characters_are_400(client):
    response = signed_post(client, sms(text="路灯\u0000坏了"))
    assert response.status_code == 400 and "NUL" in response.json["error"]["message"]
    assert count(InboundMessage) == 0


@pytest.mark.parametrize("sender", ["12345", "1385361234", "abc", "+86 138 5361 234",
                                    "8613853612345678"])
def test_invalid_phone_is_400_not_a_new_caller(client, sender):
    response = signed_post(client, sms(sender=sender))
    assert response.status_code == 400
    assert "from" in response.json["error"]["fields"]
    assert sender in response.json["error"]["message"]  # "<number> is not a valid phone number"
    assert count(InboundMessage) == 0 and count(Case) == 0


def test_phone_forms_are_normalised(client):
    signed_post(client, sms(message_id="a", sender="+86 138-5361-2345"))
    signed_post(client, sms(message_id="b", sender="0536-6012345"))
    phones = db.session.scalars(select(InboundMessage.from_phone).order_by(InboundMessage.id))
    assert list(phones) == ["+8613853612345", "+865366012345"]


# --- during a live show ---------------------------------------------------------------------

def test_live_show_puts_the_text_in_the_inbox_with_a_push(client, socket_client, login_as,
                                                         live_show, memory_backend):
    sio = socket_client(login_as("producer"))
    ack = sio.emit("watch", {"show_id": live_show.id}, namespace="/live", callback=True)
    sio.get_received("/live")
    response = signed_post(client, sms())
    assert response.status_code == 200
    assert response.json == {"message_id": "gw-1", "case_id": None, "case_number": None,
                             "state": "inbox"}
    assert count(Case) == 0
    message = db.session.scalars(select(InboundMessage)).one()
    assert (message.state, message.show_id) == ("inbox", live_show.id)
    pushed = [e["args"][0] for e in sio.get_received("/live") if e["name"] == "queue"]
    assert [p["version"] for p in pushed] == [ack["version"] + 1]
    # the citizen is told the text arrived; no case number yet
    [sent] = memory_backend.sent
    assert sent["to"] == "+8613853612345"
    [row] = outbox_rows()
    assert (row.kind, row.inbound_id, row.case_id, row.state) == ("ack", message.id, None, "sent")
    # a repeat changes nothing: no second push, no second acknowledgement
    assert signed_post(client, sms()).json == response.json
    assert [e for e in sio.get_received("/live") if e["name"] == "queue"] == []
    assert count(OutboundSms) == 1


def test_case_from_an_inbox_text_sends_the_case_number(client, live_show, users,
                                                       memory_backend):
    from callin.services.intake import case_from_text
    signed_post(client, sms())
    message = db.session.scalars(select(InboundMessage)).one()
    case = case_from_text(message, users["producer"], nature="complaint")
    db.session.commit()
    outbox.deliver_due()
    assert (message.state, message.case_id, message.handled_by_id) == \
        ("case", case.id, users["producer"].id)
    assert case.nature == "complaint" and case.citizen_phone == "+8613853612345"
    assert [r.kind for r in outbox_rows()] == ["ack", "case_number"]
    assert case.number in memory_backend.sent[-1]["text"]


def test_a_show_that_ended_means_a_case_again(client, live_show, users):
    from callin.services import shows
    shows.end_show(live_show.id, users["producer"])
    assert db.session.get(Show, live_show.id).state == "ended"
    assert signed_post(client, sms()).json["state"] == "case"


# --- outbound failures and retries ----------------------------------------------------------

def _make_due():
    db.session.execute(update(OutboundSms).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_failed_send_keeps_the_case_and_retries(app, client, memory_backend):
    memory_backend.fail_next(1)
    response = signed_post(client, sms())
    assert response.status_code == 200 and response.json["case_number"]
    assert count(Case) == 1
    [row] = outbox_rows()
    assert (row.state, row.attempts) == ("pending", 1)
    assert "unavailable" in row.last_error and row.next_attempt_at > utcnow()
    assert outbox.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    _make_due()
    assert outbox.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    [row] = outbox_rows()
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(memory_backend.sent) == 1


def test_after_the_last_attempt_the_sms_is_failed(app, client, memory_backend):
    app.config["SMS_MAX_ATTEMPTS"] = 3
    memory_backend.fail_next(10)
    signed_post(client, sms())
    _make_due()
    assert outbox.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    _make_due()
    assert outbox.deliver_due() == {"sent": 0, "retry": 0, "failed": 1}
    [row] = outbox_rows()
    assert (row.state, row.attempts) == ("failed", 3)
    _make_due()
    assert outbox.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert memory_backend.sent == [] and count(Case) == 1


def test_backoff_grows_between_attempts(app, client, memory_backend):
    memory_backend.fail_next(2)
    signed_post(client, sms())
    first_wait = outbox_rows()[0].next_attempt_at - utcnow()
    _make_due()
    outbox.deliver_due()
    second_wait = outbox_rows()[0].next_attempt_at - utcnow()
    assert timedelta(seconds=20) < first_wait < second_wait


def test_two_deliverers_never_send_one_row_twice(app, memory_backend):
    """Two sweeps at once (a second connection on PostgreSQL); each row goes out once."""
    app.config["SMS_DELIVER_INLINE"] = True
    for n in range(20):
        outbox.queue_sms("+8613853612345", f"消息 {n}", kind="test")
    db.session.commit()
    counts = []
    if db.engine.dialect.name == "postgresql":
        barrier = threading.Barrier(2)

        def sweep():
            with app.app_context():
                barrier.wait()
                counts.append(outbox.deliver_due())
                db.session.remove()
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        counts = [outbox.deliver_due(limit=12), outbox.deliver_due()]
    assert sum(c["sent"] for c in counts) == 20
    assert sorted(m["text"] for m in memory_backend.sent) == sorted(f"消息 {n}" for n in range(20))
    assert {r.state for r in outbox_rows()} == {"sent"}


def test_a_claimed_row_is_not_taken_again_until_stuck(app, memory_backend):
    row = outbox.queue_sms("+8613853612345", "一条", kind="test")
    db.session.commit()
    [claimed] = outbox._claim(10)
    assert (claimed.id, claimed.attempts) == (row.id, 1)
    assert outbox._claim(10) == []  # a second deliverer finds nothing to take
    assert outbox.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    # a deliverer that died mid-send: after STUCK_AFTER the row is due again
    db.session.execute(update(OutboundSms).values(
        next_attempt_at=utcnow() - outbox.STUCK_AFTER - timedelta(seconds=1)))
    db.session.commit()
    assert outbox.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    assert db.session.get(OutboundSms, row.id).attempts == 2


# --- the HTTP gateway backend, against a real local server ----------------------------------

class _Gateway(BaseHTTPRequestHandler):
    answers = []
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"auth": self.headers.get("Authorization"),
                                    "body": json.loads(body)})
        status = type(self).answers.pop(0) if type(self).answers else 200
        payload = json.dumps({"id": "gw-out-1"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(app):
    _Gateway.answers, _Gateway.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_BACKEND="http", SMS_GATEWAY_TOKEN="gw-token", SMS_GATEWAY_TIMEOUT_S=5,
                      SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_address[1]}/send")
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_http_backend_posts_json_with_the_token(client, gateway):
    response = signed_post(client, sms())
    [request] = gateway.received
    assert request["auth"] == "Bearer gw-token"
    assert request["body"]["to"] == "+8613853612345"
    assert response.json["case_number"] in request["body"]["text"]
    [row] = outbox_rows()
    assert request["body"]["ref"] == f"callin-sms-{row.id}"
    assert (row.state, row.provider_ref) == ("sent", "gw-out-1")


def test_http_backend_500_is_retried(client, gateway):
    gateway.answers = [500]
    signed_post(client, sms())
    [row] = outbox_rows()
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "gateway answered HTTP 500")
    _make_due()
    assert outbox.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    assert len(gateway.received) == 2 and outbox_rows()[0].state == "sent"


def test_http_backend_unreachable_is_a_failure_not_an_error(app, client):
    with ThreadingHTTPServer(("127.0.0.1", 0), _Gateway) as closed:
        port = closed.server_address[1]
    app.config.update(SMS_BACKEND="http", SMS_GATEWAY_URL=f"http://127.0.0.1:{port}/send")
    response = signed_post(client, sms())
    assert response.status_code == 200 and count(Case) == 1
    [row] = outbox_rows()
    assert row.state == "pending" and "unreachable" in row.last_error


# --- the sweep command ----------------------------------------------------------------------

def test_sweep_sends_due_sms(app, client, memory_backend):
    memory_backend.fail_next(1)
    signed_post(client, sms())
    _make_due()
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "SMS sent: 1" in result.output
    assert len(memory_backend.sent) == 1
