"""Concurrent writers on PostgreSQL: versions, pushes and stale edits under real contention."""
import threading

import pytest

from callin.errors import Conflict
from callin.extensions import db
from callin.models import Call, Show, User
from callin.services import calls

from .factories import make_call

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def as_user(user_id):
    """The user loaded in this thread's own session."""
    return db.session.get(User, user_id)


def run_together(app, *jobs):
    """Run each job in its own thread and app context, released at the same moment."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def runner(index, job):
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                results[index] = job()
            except Exception as error:  # collected and asserted on by the caller
                results[index] = error
            finally:
                db.session.remove()
    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_writers_get_consecutive_versions_and_exact_pushes(app, socket_client, login_as,
                                                               live_show, users, ref):
    first = make_call(live_show, users, ref, state="screening")
    second = make_call(live_show, users, ref, state="screening")
    sio = socket_client(login_as("producer"))
    start = sio.emit("watch", {"show_id": live_show.id}, namespace="/live", callback=True)["version"]
    sio.get_received("/live")
    db.session.commit()
    producer = users["producer"].id
    results = run_together(
        app,
        lambda: calls.update_card(first, {"topic": "甲的问题"}, None, as_user(producer)).id,
        lambda: calls.update_card(second, {"topic": "乙的问题"}, None, as_user(producer)).id)
    assert results == [first, second]
    db.session.expire_all()
    assert db.session.get(Show, live_show.id).version == start + 2
    pushes = sorted((e["args"][0] for e in sio.get_received("/live") if e["name"] == "queue"),
                    key=lambda p: p["version"])
    assert [p["version"] for p in pushes] == [start + 1, start + 2]
    topics = [{c["id"]: c["topic"] for c in p["calls"]} for p in pushes]
    # the first commit's push shows exactly one of the two changes, the second shows both
    assert sum(1 for cid in (first, second) if topics[0][cid]) == 1
    assert topics[1][first] == "甲的问题" and topics[1][second] == "乙的问题"


def test_two_producers_saving_one_card_at_once_one_conflicts(app, live_show, users, ref):
    call_id = make_call(live_show, users, ref, state="screening")
    seen = db.session.get(Call, call_id).version
    db.session.commit()
    producer, admin = users["producer"].id, users["admin"].id
    results = run_together(
        app,
        lambda: calls.update_card(call_id, {"topic": "导播甲"}, seen, as_user(producer)).id,
        lambda: calls.update_card(call_id, {"topic": "导播乙"}, seen, as_user(admin)).id)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    winners = [r for r in results if r == call_id]
    assert len(conflicts) == 1 and len(winners) == 1
    assert conflicts[0].code == "stale_version"
    db.session.expire_all()
    saved = db.session.get(Call, call_id)
    assert saved.topic == ("导播甲" if results[0] == call_id else "导播乙")
    assert saved.version == seen + 1


def test_two_hosts_pressing_next_at_once_air_one_call(app, live_show, users, ref):
    ready = [make_call(live_show, users, ref, state="ready") for _ in range(2)]
    db.session.commit()
    host = users["host"].id
    results = run_together(app, lambda: calls.next_call(live_show.id, as_user(host)).id,
                           lambda: calls.next_call(live_show.id, as_user(host)).id)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"], results
    db.session.expire_all()
    states = [db.session.get(Call, i).state for i in ready]
    assert states == ["on_air", "ready"]


def test_two_processes_ending_one_show_at_once_give_one_case_per_call(app, live_show, users, ref):
    from callin.models import Case
    from callin.services import shows
    first = make_call(live_show, users, ref, state="done")
    calls.set_outcome(first, {"outcome": "commitment", "commitment_days": 3}, users["producer"])
    make_call(live_show, users, ref, state="done")
    db.session.commit()
    producer = users["producer"].id
    results = run_together(app, lambda: shows.end_show(live_show.id, as_user(producer)).id,
                           lambda: shows.end_show(live_show.id, as_user(producer)).id)
    assert sorted(type(r).__name__ for r in results) == ["IllegalTransition", "int"], results
    db.session.expire_all()
    call_ids = db.session.scalars(db.select(Case.call_id)).all()
    assert sorted(call_ids) == sorted(set(call_ids)) and len(call_ids) == 2
