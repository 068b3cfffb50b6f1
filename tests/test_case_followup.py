"""Cases after the reply: return visits, extensions, supervision sweep, lists, reveals, public."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from callin.errors import Conflict, NotFound, ValidationError
from callin.extensions import db
from callin.models import Notice, Reveal
from callin.models.base import utcnow
from callin.services import case_queries, cases, extensions, return_visits, supervision


def awaiting(users, ref, **fields):
    """A case replied to and accepted by the office: waiting for its return visit."""
    case = cases.register_case({"title": "路灯不亮", "phone": "13853600001",
                                "citizen_name": "王建国", **fields}, users["office"])
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    cases.sign_case(case.id, users["department"])
    cases.reply_case(case.id, {"reply_public": "已修复", "resolved": "yes"}, users["department"])
    cases.review_reply(case.id, True, "", users["office"])
    return case


def visit(case, users, **fields):
    return return_visits.record_return_visit(case.id, fields, users["office"])


def test_satisfied_visit_closes(users, ref):
    case = awaiting(users, ref)
    visit(case, users, result="reached", resolved="yes", satisfaction="satisfied")
    assert case.state == "closed" and case.closed_at


def test_unsatisfied_and_department_at_fault_reopens_and_counts(users, ref):
    case = awaiting(users, ref)
    visit(case, users, result="reached", resolved="no", satisfaction="unsatisfied",
          department_at_fault=True, comment="灯还是不亮")
    assert case.state == "in_progress" and case.reopened_count == 1


def test_unsatisfied_but_not_the_departments_fault_closes(users, ref):
    case = awaiting(users, ref)
    visit(case, users, result="reached", resolved="partly", satisfaction="unsatisfied")
    assert case.state == "closed"


def test_unreachable_three_times_closes_without_a_rating(users, ref):
    case = awaiting(users, ref)
    for _ in range(2):
        visit(case, users, result="unreachable")
        assert case.state == "awaiting_visit"
    visit(case, users, result="unreachable")
    assert case.state == "closed"


def test_visit_validation(users, ref):
    case = awaiting(users, ref)
    with pytest.raises(ValidationError) as caught:
        visit(case, users, result="reached")
    assert set(caught.value.fields) == {"resolved", "satisfaction"}
    other = cases.register_case({"title": "井盖"}, users["office"])
    with pytest.raises(Conflict):
        visit(other, users, result="reached", resolved="yes", satisfaction="satisfied")


def test_merged_citizens_each_keep_their_return_visit(users, ref):
    case = awaiting(users, ref)
    duplicate = cases.register_case({"title": "同一路灯", "phone": "13853600002"}, users["office"])
    cases.merge_case(duplicate.id, case.id, users["office"])
    visit(case, users, result="reached", resolved="yes", satisfaction="satisfied")
    assert case.state == "awaiting_visit"  # the second citizen has not been asked yet
    visit(case, users, result="reached", resolved="yes", satisfaction="basically")
    assert case.state == "closed"


def test_extension_before_the_deadline_moves_it(users, ref):
    case = cases.register_case({"title": "路灯不亮"}, users["office"])
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    due = case.reply_due_at
    with pytest.raises(ValidationError):
        extensions.request_extension(case.id, 0, "", users["department"])
    request = extensions.request_extension(case.id, 3, "需要协调供电公司", users["department"])
    with pytest.raises(Conflict):
        extensions.request_extension(case.id, 2, "再等等", users["department"])
    extensions.decide_extension(request.id, True, "同意", users["office"])
    assert case.reply_due_at > due and case.extension_count == 1
    with pytest.raises(Conflict):
        extensions.decide_extension(request.id, False, "", users["office"])


def test_extension_after_the_deadline_is_refused(users, ref):
    case = cases.register_case({"title": "路灯不亮"}, users["office"])
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    case.reply_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        extensions.request_extension(case.id, 3, "来不及了", users["department"])
    assert caught.value.code == "deadline_passed"


def test_sweep_twice_sends_nothing_twice(users, ref):
    case = cases.register_case({"title": "路灯不亮"}, users["office"])
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    case.reply_due_at = utcnow() - timedelta(days=20)
    db.session.commit()
    first = supervision.sweep()
    assert first == {"reminder": 1, "supervision": 1, "listed": 1}
    assert supervision.sweep() == {"reminder": 0, "supervision": 0, "listed": 0}
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 3


def test_sweep_leaves_cases_within_their_deadline(users, ref):
    case = cases.register_case({"title": "路灯不亮"}, users["office"])
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    assert supervision.sweep() == {"reminder": 0, "supervision": 0, "listed": 0}


def test_department_list_shows_only_its_cases(users, ref):
    mine = cases.register_case({"title": "甲单位的"}, users["office"])
    cases.dispatch_case(mine.id, ref.dept_a.id, [], users["office"])
    theirs = cases.register_case({"title": "乙单位的"}, users["office"])
    cases.dispatch_case(theirs.id, ref.dept_b.id, [], users["office"])
    listed = case_queries.list_cases({}, users["department"])["cases"]
    assert [c["id"] for c in listed] == [mine.id]
    assert {c["id"] for c in case_queries.list_cases({}, users["office"])["cases"]} == {
        mine.id, theirs.id}


def test_department_sees_the_citizen_masked_and_reveal_is_logged(users, ref):
    case = cases.register_case({"title": "路灯", "citizen_name": "王建国",
                                "phone": "13853612345"}, users["office"])
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    row = case_queries.list_cases({}, users["department"])["cases"][0]
    assert row["citizen_name"] == "王**" and row["citizen_phone"] == "138****2345"
    office_row = case_queries.list_cases({}, users["office"])["cases"][0]
    assert office_row["citizen_phone"] == "138 5361 2345"
    shown = case_queries.reveal_citizen(case.id, users["department"])
    assert shown["citizen_phone"] == "138 5361 2345"
    logged = db.session.scalars(select(Reveal)).all()
    assert [(r.user_id, r.case_id) for r in logged] == [(users["department"].id, case.id)]
    assert case_queries.reveals(users["admin"])[0]["case"] == case.number


def test_keyset_pages_cover_every_case_once(users, ref):
    made = [cases.register_case({"title": f"第{n}件"}, users["office"]).id for n in range(7)]
    seen, cursor = [], None
    while True:
        args = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = case_queries.list_cases(args, users["office"])
        seen += [c["id"] for c in page["cases"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_list_filters_are_checked(users):
    with pytest.raises(ValidationError) as caught:
        case_queries.list_cases({"state": "lost", "nature": "x", "colour": "red",
                                 "cursor": "garbage", "since": "yesterday"}, users["office"])
    assert {"state", "nature", "colour"} <= set(caught.value.fields)


def test_text_and_phone_filters(users):
    cases.register_case({"title": "小区路灯不亮", "phone": "13853600009"}, users["office"])
    cases.register_case({"title": "井盖缺失"}, users["office"])
    assert [c["title"] for c in case_queries.list_cases({"text": "路灯"},
                                                        users["office"])["cases"]] == ["小区路灯不亮"]
    found = case_queries.list_cases({"phone": "138-5360-0009"}, users["office"])["cases"]
    assert [c["title"] for c in found] == ["小区路灯不亮"]


def test_public_tracking_same_404_for_wrong_number_or_code(users, ref):
    case = awaiting(users, ref)
    shown = case_queries.public_case(case.number, case.lookup_code)
    assert shown["reply_public"] == "已修复" and "citizen_phone" not in shown
    for number, code in ((case.number, "000000" if case.lookup_code != "000000" else "111111"),
                         ("9999-9999", case.lookup_code), (case.number, "")):
        with pytest.raises(NotFound) as caught:
            case_queries.public_case(number, code)
        assert caught.value.message == "No case matches that number and code." or caught.value.message


def test_public_board_is_anonymous(users, ref):
    case = awaiting(users, ref)
    visit(case, users, result="reached", resolved="yes", satisfaction="satisfied")
    board = case_queries.public_board()
    assert board and "王建国" not in str(board) and "13853600001" not in str(board)
    assert set(board[0]) == {"title", "town", "department", "reply_public", "closed_at"}


def test_list_of_cases_with_a_pending_extension(users, ref):
    asking = cases.register_case({"title": "要延期的"}, users["office"])
    cases.dispatch_case(asking.id, ref.dept_a.id, [], users["office"])
    quiet = cases.register_case({"title": "不延期的"}, users["office"])
    cases.dispatch_case(quiet.id, ref.dept_a.id, [], users["office"])
    extensions.request_extension(asking.id, 2, "等待材料", users["department"])
    listed = case_queries.list_cases({"extension": "pending"}, users["office"])["cases"]
    assert [c["id"] for c in listed] == [asking.id]


def _all_pages(args, user, limit=2):
    seen, cursor = [], None
    for _ in range(20):  # a cursor that fails to move on must fail the test, not hang it
        page = case_queries.list_cases({**args, "limit": str(limit),
                                        **({"cursor": cursor} if cursor else {})}, user)
        seen += [c["id"] for c in page["cases"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen
    raise AssertionError(f"paging never ended: {seen}")


def test_department_pages_cover_its_lead_and_co_cases_newest_first(users, ref):
    mine = []
    for n in range(5):
        case = cases.register_case({"title": f"第{n}件"}, users["office"])
        lead, co = (ref.dept_a.id, []) if n % 2 else (ref.dept_b.id, [ref.dept_a.id])
        cases.dispatch_case(case.id, lead, co, users["office"])
        mine.append(case.id)
    other = cases.register_case({"title": "只给乙"}, users["office"])
    cases.dispatch_case(other.id, ref.dept_b.id, [], users["office"])
    assert _all_pages({}, users["department"]) == list(reversed(mine))
    assert _all_pages({"department_id": str(ref.dept_a.id)}, users["office"]) == list(
        reversed(mine))
    # a department filtering on another department's id gets nothing, not that department's list
    assert _all_pages({"department_id": str(ref.dept_b.id)}, users["department"]) == []


def test_keyset_pages_are_right_in_a_database_session_outside_utc(users, ref):
    made = [cases.register_case({"title": f"第{n}件"}, users["office"]).id for n in range(5)]
    if db.engine.dialect.name == "postgresql":
        # the cursor's time must not be read in the session's zone (Asia/Shanghai is UTC+8)
        db.session.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
    assert _all_pages({}, users["office"]) == list(reversed(made))


def test_stations_and_field_teams_read_only_the_public_trail(users, ref):
    from callin.models import Station
    station = Station(code="T-1", name="测试联络站")
    db.session.add(station)
    db.session.flush()
    users["station"].station_id = station.id
    case = cases.register_case({"title": "路灯不亮", "phone": "13853600001"}, users["office"])
    case.station_id, case.needs_field_visit = station.id, True
    db.session.commit()
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    cases.sign_case(case.id, users["department"])
    cases.add_note(case.id, "内部：责任人张三", users["department"])
    cases.reply_case(case.id, {"reply_public": "已修复", "reply_internal": "换了灯泡，费用自理",
                               "resolved": "yes"}, users["department"])
    for role in ("station", "field"):
        shown = case_queries.detail(case.id, users[role])
        assert shown["reply_public"] == "已修复" and shown["reply_internal"] == ""
        assert all(e["public"] for e in shown["events"]) and shown["events"]
        assert "责任人张三" not in str(shown)
    office = case_queries.detail(case.id, users["office"])
    assert office["reply_internal"] == "换了灯泡，费用自理"
    assert any("责任人张三" in e["text"] for e in office["events"])


def test_text_search_finds_words_in_title_or_description_and_nothing_else(users):
    lamp = cases.register_case({"title": "小区路灯不亮", "description": "晚上出门要带手电"},
                               users["office"]).id
    heat = cases.register_case({"title": "暖气不热", "description": "室温只有十五度，100%不达标"},
                               users["office"]).id
    found = lambda words: [c["id"] for c in case_queries.list_cases(  # noqa: E731
        {"text": words}, users["office"])["cases"]]
    assert found("路灯") == [lamp] and found("手电") == [lamp] and found("暖气不热") == [heat]
    assert found("灯") == [lamp]                  # one character: no pairs, LIKE alone
    assert sorted(found("不")) == sorted([lamp, heat])
    assert found("100%") == [heat] and found("0%不") == [heat] and found("_") == []
    assert found("不亮晚上") == []               # pairs of both fields, but not written together
    assert found("路灯路灯") == [] and found("鲸鱼") == []
    if db.engine.dialect.name == "postgresql":
        indexes = db.session.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'cases'")).scalars().all()
        assert "ix_cases_text_bigrams" in indexes
