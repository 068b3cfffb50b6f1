"""Service tests for the live show: the screening card, the queue, the studio, shows, notes."""
import pytest
from sqlalchemy import func, select

from callin.errors import Conflict, Forbidden, Unauthorized, ValidationError
from callin.extensions import db
from callin.models import Call, CallEvent, Caller, Note, Show
from callin.services import calls, callers, notes, shows
from callin.states import IllegalTransition

from .factories import card, make_call, make_show


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def version_of(show):
    return fresh(Show, show.id).version


def test_each_committed_change_raises_the_show_version_by_one(live_show, users, ref):
    start = version_of(live_show)
    call_id = make_call(live_show, users, ref, state="screening")  # ring + answer
    assert version_of(live_show) == start + 2
    calls.update_card(call_id, card(ref), None, users["producer"])
    calls.make_ready(call_id, None, users["producer"])
    assert version_of(live_show) == start + 4


def test_a_refused_change_does_not_raise_the_version(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    before = version_of(live_show)
    with pytest.raises(ValidationError):
        calls.make_ready(call_id, None, users["producer"])
    assert version_of(live_show) == before


def test_manual_call_starts_in_screening_with_the_card(live_show, users, ref):
    call = calls.create_manual_call(live_show.id, "0536 601 2345", users["producer"],
                                    {"name": "李红", "topic": "暖气漏水"})
    call = fresh(Call, call.id)
    assert call.state == "screening" and call.name == "李红" and call.source == "manual"
    assert call.caller.phone == "+865366012345" and call.caller.name == "李红"


def test_manual_call_with_a_bad_field_writes_nothing(live_show, users, ref):
    with pytest.raises(ValidationError) as caught:
        calls.create_manual_call(live_show.id, "13853612345", users["producer"],
                                 {"urgency": "panic"})
    assert "urgency" in caught.value.fields
    assert db.session.scalar(select(func.count()).select_from(Call)) == 0
    assert db.session.scalar(select(func.count()).select_from(Caller)) == 0


def test_card_validation_reports_every_field(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    with pytest.raises(ValidationError) as caught:
        calls.update_card(call_id, {"topic": "x" * 201, "town_id": 9999, "consent": "yes",
                                    "airtime_limit_s": 5, "colour": "red"}, None,
                          users["producer"])
    assert set(caught.value.fields) == {"topic", "town_id", "consent", "airtime_limit_s", "colour"}
    assert fresh(Call, call_id).topic == ""


def test_community_must_belong_to_the_town(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    with pytest.raises(ValidationError) as caught:
        calls.update_card(call_id, {"town_id": ref.town_a.id, "community_id": ref.community_b.id},
                          None, users["producer"])
    assert "community_id" in caught.value.fields


def test_stale_card_edit_is_refused_not_applied(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    seen = fresh(Call, call_id).version
    calls.update_card(call_id, {"topic": "第一位导播的内容"}, seen, users["producer"])
    with pytest.raises(Conflict) as caught:
        calls.update_card(call_id, {"topic": "第二位导播的内容"}, seen, users["producer"])
    assert caught.value.code == "stale_version" and caught.value.status == 409
    assert fresh(Call, call_id).topic == "第一位导播的内容"


def test_ready_needs_topic_and_consent(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    with pytest.raises(ValidationError) as caught:
        calls.make_ready(call_id, None, users["producer"])
    assert set(caught.value.fields) == {"topic", "consent"}
    calls.update_card(call_id, card(ref, consent=False), None, users["producer"])
    with pytest.raises(ValidationError) as caught:
        calls.make_ready(call_id, None, users["producer"])
    assert set(caught.value.fields) == {"consent"}
    assert fresh(Call, call_id).state == "screening"


def test_banned_caller_cannot_be_made_ready(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    calls.update_card(call_id, card(ref), None, users["producer"])
    callers.flag_caller(call_id, "banned", "恶意骚扰", users["producer"])
    with pytest.raises(Conflict) as caught:
        calls.make_ready(call_id, None, users["producer"])
    assert caught.value.code == "caller_banned" and "恶意骚扰" in caught.value.message


def test_flag_needs_a_reason(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    with pytest.raises(ValidationError):
        callers.flag_caller(call_id, "warning", "  ", users["producer"])


def test_queue_order_follows_readiness_and_can_be_reordered(live_show, users, ref):
    ids = [make_call(live_show, users, ref, state="ready") for _ in range(3)]
    assert [fresh(Call, i).position for i in ids] == [1, 2, 3]
    calls.reorder_queue(live_show.id, [ids[2], ids[0], ids[1]], users["producer"])
    assert [fresh(Call, i).position for i in ids] == [2, 3, 1]
    on_air = calls.next_call(live_show.id, users["host"])
    assert on_air.id == ids[2] and fresh(Call, ids[2]).state == "on_air"


@pytest.mark.parametrize("order", [[], "1,2", None])
def test_reorder_must_name_every_ready_call(live_show, users, ref, order):
    make_call(live_show, users, ref, state="ready")
    with pytest.raises(Conflict) as caught:
        calls.reorder_queue(live_show.id, order, users["producer"])
    assert caught.value.code == "stale_queue"


def test_next_with_a_call_on_air_or_an_empty_queue_is_a_conflict(live_show, users, ref):
    with pytest.raises(Conflict) as caught:
        calls.next_call(live_show.id, users["host"])
    assert caught.value.code == "queue_empty"
    make_call(live_show, users, ref, state="on_air")
    make_call(live_show, users, ref, state="ready")
    with pytest.raises(Conflict) as caught:
        calls.next_call(live_show.id, users["host"])
    assert caught.value.code == "call_on_air"


@pytest.mark.parametrize("role", ["producer", "admin", "guest", "office"])
def test_only_the_host_airs_and_ends(live_show, users, ref, role):
    ready = make_call(live_show, users, ref, state="ready")
    with pytest.raises(Forbidden):
        calls.air_call(ready, users[role])
    with pytest.raises(Forbidden):
        calls.next_call(live_show.id, users[role])
    on_air = make_call(live_show, users, ref, state="on_air") if role == "producer" else None
    if on_air:
        with pytest.raises(Forbidden):
            calls.end_call(on_air, users[role])


def test_anonymous_actor_is_unauthorized(live_show, users, ref):
    with pytest.raises(Unauthorized):
        calls.next_call(live_show.id, None)


def test_end_records_times_outcome_and_last_aired(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="on_air")
    calls.end_call(call_id, users["host"],
                   outcome={"outcome": "commitment", "commitment_days": 5})
    call = fresh(Call, call_id)
    assert call.state == "done" and call.outcome == "commitment" and call.commitment_days == 5
    assert call.ended_at >= call.on_air_at and call.caller.last_aired_at == call.on_air_at


@pytest.mark.parametrize("outcome,field", [
    ({"outcome": "commitment"}, "commitment_days"),
    ({"outcome": "commitment", "commitment_days": 400}, "commitment_days"),
    ({"outcome": "maybe"}, "outcome"),
])
def test_outcome_validation(live_show, users, ref, outcome, field):
    call_id = make_call(live_show, users, ref, state="done")
    with pytest.raises(ValidationError) as caught:
        calls.set_outcome(call_id, outcome, users["producer"])
    assert field in caught.value.fields
    assert fresh(Call, call_id).outcome is None


def test_outcome_only_for_aired_calls(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="ready")
    with pytest.raises(Conflict):
        calls.set_outcome(call_id, {"outcome": "answered"}, users["producer"])


def test_illegal_move_is_refused_and_logged_nowhere(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="ringing")
    events = db.session.scalar(select(func.count()).select_from(CallEvent))
    with pytest.raises(IllegalTransition):
        calls.reject_call(call_id, "不相关", users["producer"])
    assert fresh(Call, call_id).state == "ringing"
    assert db.session.scalar(select(func.count()).select_from(CallEvent)) == events


def test_every_move_leaves_a_trail(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="done")
    moves = db.session.execute(select(CallEvent.from_state, CallEvent.to_state, CallEvent.actor_label)
                               .where(CallEvent.call_id == call_id, CallEvent.kind == "state")
                               .order_by(CallEvent.id)).all()
    assert [(a, b) for a, b, _ in moves] == [("ringing", "screening"), ("screening", "ready"),
                                            ("ready", "on_air"), ("on_air", "done")]
    assert [label for *_, label in moves] == ["producer", "producer", "host", "host"]


def test_one_live_show_per_studio(live_show, users, ref):
    other = make_show(users["producer"], ref.dept_b)
    with pytest.raises(Conflict) as caught:
        shows.start_show(other.id, users["producer"])
    assert caught.value.code == "studio_busy"
    assert fresh(Show, other.id).state == "scheduled"
    elsewhere = make_show(users["producer"], ref.dept_b, studio="studio-2")
    shows.start_show(elsewhere.id, users["producer"])
    assert fresh(Show, elsewhere.id).state == "live"


def test_end_show_abandons_waiting_calls_and_closes_lines(live_show, users, ref):
    waiting = [make_call(live_show, users, ref, state=s) for s in ("ringing", "screening", "ready")]
    done = make_call(live_show, users, ref, state="done")
    shows.end_show(live_show.id, users["producer"])
    show = fresh(Show, live_show.id)
    assert show.state == "ended" and not show.lines_open and show.ended_at
    assert {fresh(Call, i).state for i in waiting} == {"abandoned"}
    assert fresh(Call, done).state == "done"


def test_end_show_with_a_call_on_air_is_refused(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="on_air")
    with pytest.raises(Conflict):
        shows.end_show(live_show.id, users["producer"])
    assert fresh(Show, live_show.id).state == "live"
    assert fresh(Call, call_id).state == "on_air"


def test_show_cannot_start_twice_or_end_before_live(users, ref):
    show = make_show(users["producer"], ref.dept_a)
    with pytest.raises(IllegalTransition):
        shows.end_show(show.id, users["producer"])
    shows.start_show(show.id, users["producer"])
    with pytest.raises(IllegalTransition):
        shows.start_show(show.id, users["producer"])


def test_create_show_validation(users, ref):
    with pytest.raises(ValidationError) as caught:
        shows.create_show({"title": "", "starts_at": "next week", "department_id": 999,
                           "airtime_limit_s": 5}, users["producer"])
    assert set(caught.value.fields) == {"title", "starts_at", "department_id", "airtime_limit_s"}
    assert db.session.scalar(select(func.count()).select_from(Show)) == 0


def test_notes_canned_and_free_with_recipient(live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="ready")
    notes.post_note(live_show.id, {"canned": "wrap_up", "recipient": "host"}, users["producer"])
    notes.post_note(live_show.id, {"text": "下一位很急", "call_id": call_id}, users["guest"])
    rows = db.session.scalars(select(Note).order_by(Note.id)).all()
    assert rows[0].canned == "wrap_up" and rows[0].recipient == "host" and rows[0].text
    assert rows[1].author_role == "guest" and rows[1].call_id == call_id


@pytest.mark.parametrize("fields,field", [
    ({"text": ""}, "text"), ({"text": "x" * 501}, "text"),
    ({"text": "hi", "recipient": "everyone"}, "recipient"), ({"canned": "dance"}, "canned"),
])
def test_bad_notes_are_refused(live_show, users, fields, field):
    with pytest.raises(ValidationError) as caught:
        notes.post_note(live_show.id, fields, users["producer"])
    assert field in caught.value.fields
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0


def test_caller_history_lists_earlier_calls(live_show, users, ref):
    first = make_call(live_show, users, ref, state="done", phone="13853600001")
    second = make_call(live_show, users, ref, state="ready", phone="13853600001")
    history = callers.caller_history(fresh(Call, second).caller_id, users["producer"])
    assert [c["id"] for c in history["calls"]] == [second, first]
    assert history["caller"]["geography"] == "山东省潍坊市"
    with pytest.raises(Forbidden):
        callers.caller_history(fresh(Call, second).caller_id, users["host"])
