"""The /live namespace: authentication, filtered pushes after commit, versions, resync."""
import json
import re

import pytest

from callin.errors import ValidationError
from callin.extensions import db
from callin.models import Call
from callin.services import calls
from callin.services.users import issue_token

from .factories import card, make_call

PHONE_DIGITS = re.compile(r"1[3-9]\d{9}|0536\d{7}|\d{3} \d{4} \d{4}")


def queue_events(sio):
    return [e["args"][0] for e in sio.get_received("/live") if e["name"] == "queue"]


def watch(sio, show_id):
    return sio.emit("watch", {"show_id": show_id}, namespace="/live", callback=True)


def test_watch_ack_is_the_queue_body(socket_client, login_as, live_show, users, ref):
    make_call(live_show, users, ref, state="ready")
    producer = login_as("producer")
    sio = socket_client(producer)
    assert sio.is_connected("/live")
    ack = watch(sio, live_show.id)
    http = producer.get(f"/api/v1/shows/{live_show.id}/queue").json
    assert ack == http


def test_token_auth_and_bad_token(socket_client, live_show, users):
    token, _ = issue_token(users["host"])
    sio = socket_client(auth={"token": token})
    assert sio.is_connected("/live")
    assert not socket_client(auth={"token": "wrong"}).is_connected("/live")


def test_anonymous_gets_the_public_view_only(socket_client, live_show, users, ref):
    make_call(live_show, users, ref, state="ready")
    on_air = make_call(live_show, users, ref, state="on_air")
    sio = socket_client()
    ack = watch(sio, live_show.id)
    assert [c["id"] for c in ack["calls"]] == [on_air]
    assert ack["notes"] == []


def test_push_after_commit_with_the_next_version(socket_client, login_as, live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    sio = socket_client(login_as("producer"))
    ack = watch(sio, live_show.id)
    sio.get_received("/live")
    calls.update_card(call_id, card(ref), None, users["producer"])
    pushed = queue_events(sio)
    assert len(pushed) == 1
    assert pushed[0]["version"] == ack["version"] + 1
    # the push carries the committed state: what a fresh read returns now
    mine = next(c for c in pushed[0]["calls"] if c["id"] == call_id)
    assert mine["topic"] == card(ref)["topic"]
    db.session.expire_all()
    assert db.session.get(Call, call_id).topic == mine["topic"]


def test_refused_change_pushes_nothing(socket_client, login_as, live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    sio = socket_client(login_as("producer"))
    watch(sio, live_show.id)
    sio.get_received("/live")
    with pytest.raises(ValidationError):
        calls.make_ready(call_id, None, users["producer"])  # no topic, no consent
    assert queue_events(sio) == []


def test_versions_step_by_one_across_a_sequence(socket_client, login_as, live_show, users, ref):
    sio = socket_client(login_as("producer"))
    start = watch(sio, live_show.id)["version"]
    sio.get_received("/live")
    make_call(live_show, users, ref, state="done")  # ring, answer, card, ready, air, end
    versions = [p["version"] for p in queue_events(sio)]
    assert versions == list(range(start + 1, start + 7))


@pytest.mark.parametrize("role", ["host", "guest", "office", "department", "station", "field"])
def test_studio_and_public_pushes_carry_no_phone_digits(socket_client, login_as, live_show,
                                                        users, ref, role):
    sio = socket_client(login_as(role))
    watch(sio, live_show.id)
    sio.get_received("/live")
    make_call(live_show, users, ref, state="ready", phone="13853677777")
    make_call(live_show, users, ref, state="on_air", phone="05366123456")
    pushed = queue_events(sio)
    assert pushed, "the studio must receive pushes"
    text = json.dumps(pushed, ensure_ascii=False)
    assert not PHONE_DIGITS.search(text)
    assert "13853677777" not in text and "6123456" not in text


def test_producer_push_has_the_phone(socket_client, login_as, live_show, users, ref):
    sio = socket_client(login_as("producer"))
    watch(sio, live_show.id)
    make_call(live_show, users, ref, state="ringing", phone="13853677777")
    last = queue_events(sio)[-1]
    assert any(c.get("phone") == "138 5367 7777" for c in last["calls"])


def test_each_audience_gets_its_own_view_of_one_change(socket_client, login_as, live_show,
                                                       users, ref):
    producer, host = socket_client(login_as("producer")), socket_client(login_as("host"))
    for sio in (producer, host):
        watch(sio, live_show.id)
        sio.get_received("/live")
    make_call(live_show, users, ref, state="ringing")
    (p,), (h,) = queue_events(producer), queue_events(host)
    assert p["version"] == h["version"]
    assert len(p["calls"]) == 1 and h["calls"] == []  # the host does not see ringing calls


def test_reconnect_gets_the_full_current_state(socket_client, login_as, live_show, users, ref):
    client = login_as("host")
    sio = socket_client(client)
    first = watch(sio, live_show.id)
    sio.disconnect("/live")
    ready = make_call(live_show, users, ref, state="ready")  # changes while disconnected
    again = socket_client(client)
    state = watch(again, live_show.id)
    assert state["version"] > first["version"]
    assert [c["id"] for c in state["calls"]] == [ready]
    assert queue_events(again) == []  # nothing replayed twice: the ack is the state


def test_disconnected_client_gets_no_push(socket_client, login_as, live_show, users, ref):
    sio = socket_client(login_as("host"))
    watch(sio, live_show.id)
    sio.disconnect("/live")
    make_call(live_show, users, ref, state="ready")
    assert not sio.is_connected("/live")


def test_watching_another_show_leaves_the_first(socket_client, login_as, live_show, users, ref):
    from .factories import make_show
    other = make_show(users["producer"], ref.dept_b, studio="studio-2", live=True)
    sio = socket_client(login_as("producer"))
    watch(sio, live_show.id)
    watch(sio, other.id)
    sio.get_received("/live")
    make_call(live_show, users, ref, state="screening_manual")  # a change on the first show
    assert queue_events(sio) == []
    make_call(other, users, ref, state="screening_manual")
    assert [p["show_id"] for p in queue_events(sio)] == [other.id]


@pytest.mark.parametrize("payload", [{}, {"show_id": "abc"}, None])
def test_watch_with_bad_input_answers_an_error(socket_client, login_as, live_show, payload):
    sio = socket_client(login_as("producer"))
    ack = sio.emit("watch", payload, namespace="/live", callback=True)
    assert ack["error"]["code"] == "validation"


def test_watch_unknown_show_is_not_found(socket_client, login_as, live_show):
    sio = socket_client(login_as("producer"))
    assert watch(sio, 9999)["error"]["code"] == "not_found"


def test_a_logged_in_screen_may_ask_for_the_public_view(socket_client, login_as, live_show,
                                                         users, ref):
    make_call(live_show, users, ref, state="ready", phone="13853677777")
    sio = socket_client(login_as("producer"))
    ack = sio.emit("watch", {"show_id": live_show.id, "audience": "public"}, namespace="/live",
                   callback=True)
    assert ack["calls"] == [] and ack["notes"] == []
    make_call(live_show, users, ref, state="on_air", phone="13853688888")
    text = json.dumps(queue_events(sio), ensure_ascii=False)
    assert "5368 8888" not in text and "5367 7777" not in text


def test_asking_for_a_higher_view_gives_nothing_more(socket_client, login_as, live_show,
                                                     users, ref):
    make_call(live_show, users, ref, state="ready", phone="13853677777")
    sio = socket_client(login_as("host"))
    ack = sio.emit("watch", {"show_id": live_show.id, "audience": "producer"},
                   namespace="/live", callback=True)
    assert "5367 7777" not in json.dumps(ack, ensure_ascii=False)
    assert ack["calls"] and "phone" not in ack["calls"][0]


def test_the_guest_sees_the_notes_the_guest_sent(socket_client, login_as, live_show, users):
    from callin.services.notes import post_note
    post_note(live_show.id, {"text": "请问下一位的问题", "recipient": "producer"}, users["guest"])
    post_note(live_show.id, {"text": "只给主持人", "recipient": "host"}, users["producer"])
    ack = watch(socket_client(login_as("guest")), live_show.id)
    assert [n["text"] for n in ack["notes"]] == ["请问下一位的问题"]
