"""Cases: from the show exactly once, the hotline, and the closed loop up to the reply review."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from callin.errors import Conflict, Forbidden, NotFound, ValidationError
from callin.extensions import db
from callin.models import Case, CaseCitizen, CaseEvent
from callin.services import calls, cases, shows
from callin.workdays import SHANGHAI

from .factories import make_call


def count_cases():
    return db.session.scalar(select(func.count()).select_from(Case))


def aired(show, users, ref, outcome, days=None, **card):
    call_id = make_call(show, users, ref, state="done", **card)
    body = {"outcome": outcome}
    if days:
        body["commitment_days"] = days
    calls.set_outcome(call_id, body, users["producer"])
    return call_id


def test_ending_a_show_opens_one_case_per_aired_issue(live_show, users, ref):
    committed = aired(live_show, users, ref, "commitment", days=5, topic="暖气不热")
    answered = aired(live_show, users, ref, "answered", topic="收费标准咨询")
    aired(live_show, users, ref, "no_issue")
    make_call(live_show, users, ref, state="ready")  # never aired: abandoned, no case
    shows.end_show(live_show.id, users["producer"])
    by_call = {c.call_id: c for c in db.session.scalars(select(Case))}
    assert set(by_call) == {committed, answered}
    commitment = by_call[committed]
    assert commitment.state == "dispatched" and commitment.lead_department_id == ref.dept_a.id
    assert commitment.promised_days == 5 and commitment.citizen_phone.startswith("+86")
    # five working days from the dispatch, counted on the calendar, end of day in Shanghai
    due = commitment.reply_due_at.astimezone(SHANGHAI)
    assert (due.hour, due.minute) == (23, 59)
    assert due.date() > commitment.dispatched_at.astimezone(SHANGHAI).date() + timedelta(days=4)
    assert by_call[answered].state == "awaiting_visit"
    assert by_call[answered].nature == "consultation"


def test_ending_twice_still_gives_one_case_per_call(live_show, users, ref):
    aired(live_show, users, ref, "commitment", days=3)
    shows.end_show(live_show.id, users["producer"])
    with pytest.raises(Conflict):
        shows.end_show(live_show.id, users["producer"])
    from callin.services.show_cases import cases_from_show
    cases_from_show(db.session.get(type(live_show), live_show.id), users["producer"])
    db.session.commit()
    assert count_cases() == 1


def test_case_numbers_are_readable_and_codes_six_digits(live_show, users, ref):
    case = cases.register_case({"title": "路灯不亮", "phone": "138 5361 2345"}, users["office"])
    second = cases.register_case({"title": "井盖缺失"}, users["office"])
    head, tail = case.number.split("-")
    assert len(head) == 4 and tail == "0001" and second.number.endswith("-0002")
    assert len(case.lookup_code) == 6 and case.lookup_code.isdigit()


def test_hotline_validation_reports_every_field(users):
    with pytest.raises(ValidationError) as caught:
        cases.register_case({"title": "", "nature": "gossip", "phone": "123"}, users["office"])
    assert set(caught.value.fields) >= {"title", "nature", "phone"}
    assert count_cases() == 0


@pytest.mark.parametrize("role", ["producer", "host", "guest", "department", "station", "field"])
def test_only_the_office_registers(users, role):
    with pytest.raises(Forbidden):
        cases.register_case({"title": "路灯不亮"}, users[role])


def _dispatched(users, ref, **fields):
    case = cases.register_case({"title": "路灯不亮", "nature": "help", **fields}, users["office"])
    return cases.dispatch_case(case.id, ref.dept_a.id, [ref.dept_b.id], users["office"])


def test_dispatch_sets_deadlines_and_departments(users, ref):
    case = _dispatched(users, ref)
    assert case.state == "dispatched" and case.sign_due_at < case.reply_due_at
    assert {(d.department_id, d.role) for d in case.departments} == {
        (ref.dept_a.id, "lead"), (ref.dept_b.id, "co")}


def test_sign_records_on_time_when_it_happens(users, ref):
    case = _dispatched(users, ref)
    cases.sign_case(case.id, users["department"])
    assert case.state == "in_progress" and case.signed_on_time is True


def test_send_back_then_redispatch_keeps_the_reply_clock(users, ref):
    case = _dispatched(users, ref)
    due = case.reply_due_at
    with pytest.raises(ValidationError):
        cases.send_back(case.id, " ", users["department"])
    cases.send_back(case.id, "不属于我单位职责", users["department"])
    assert case.state == "returned" and case.returned_count == 1
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    assert case.state == "dispatched" and case.reply_due_at == due


def test_reply_review_and_send_back(users, ref):
    case = _dispatched(users, ref)
    cases.sign_case(case.id, users["department"])
    with pytest.raises(ValidationError) as caught:
        cases.reply_case(case.id, {"resolved": "maybe"}, users["department"])
    assert set(caught.value.fields) == {"reply_public", "resolved"}
    cases.reply_case(case.id, {"reply_public": "已修复", "reply_internal": "更换灯泡",
                               "resolved": "yes"}, users["department"])
    assert case.state == "replied" and case.replied_on_time is True
    with pytest.raises(ValidationError):
        cases.review_reply(case.id, False, "", users["office"])
    cases.review_reply(case.id, False, "答复过于简单", users["office"])
    assert case.state == "in_progress"
    cases.reply_case(case.id, {"reply_public": "已修复并回访", "resolved": "yes"},
                     users["department"])
    cases.review_reply(case.id, True, "", users["office"])
    assert case.state == "awaiting_visit"


def test_a_co_department_sees_but_cannot_sign(users, ref):
    case = _dispatched(users, ref)
    users["department"].department_id = ref.dept_b.id  # now the co-handling department
    db.session.commit()
    assert cases.get_case(case.id, users["department"]).id == case.id
    with pytest.raises(Forbidden):
        cases.sign_case(case.id, users["department"])


def test_another_department_cannot_see_the_case(users, ref):
    case = cases.register_case({"title": "路灯不亮"}, users["office"])
    cases.dispatch_case(case.id, ref.dept_b.id, [], users["office"])
    with pytest.raises(NotFound):
        cases.get_case(case.id, users["department"])  # department A, case of B
    for role in ("producer", "host", "guest"):
        with pytest.raises(NotFound):
            cases.get_case(case.id, users[role])


def test_merge_keeps_every_citizen(users, ref):
    first = cases.register_case({"title": "路灯不亮", "citizen_name": "王", "phone": "13853600001"},
                                users["office"])
    second = cases.register_case({"title": "路灯还是不亮", "citizen_name": "李",
                                  "phone": "13853600002"}, users["office"])
    cases.merge_case(second.id, first.id, users["office"])
    assert second.state == "merged" and second.merged_into_id == first.id
    citizens = db.session.scalars(select(CaseCitizen.phone).where(
        CaseCitizen.case_id == first.id)).all()
    assert sorted(citizens) == ["+8613853600001", "+8613853600002"]
    with pytest.raises(Conflict):
        cases.merge_case(first.id, second.id, users["office"])


def test_reject_needs_a_reason_and_closes(users, ref):
    case = cases.register_case({"title": "邻里纠纷"}, users["office"])
    with pytest.raises(ValidationError):
        cases.reject_case(case.id, "", users["office"])
    cases.reject_case(case.id, "属于民事纠纷，请通过法律途径解决", users["office"])
    assert case.state == "rejected" and case.closed_at


def test_every_step_is_on_the_trail(users, ref):
    case = _dispatched(users, ref)
    cases.sign_case(case.id, users["department"])
    cases.add_note(case.id, "已派人查看", users["department"])
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)
                               .order_by(CaseEvent.id)).all()
    assert kinds == ["registered", "state", "state", "note"]
