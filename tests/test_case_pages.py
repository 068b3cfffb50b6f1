"""The case pages: one case (/cases/<id>) and the department portal (/department/).

These need the cases_ui blueprint registered by create_app().
"""
import re
from datetime import timedelta

import pytest

from callin.extensions import db
from callin.i18n import local_time
from callin.models import ROLES, CaseEvent
from callin.models.base import utcnow
from callin.services import cases

PHONE, SHOWN, MASKED = "13853612345", "138 5361 2345", "138****2345"
NAME, MASKED_NAME = "王建国", "王**"

#: data-testid of each action form → the Case rule that decides whether it is shown.
ACTIONS = {"dispatch": "can_dispatch", "sign": "can_sign", "send-back": "can_send_back",
           "reply": "can_reply", "extension": "can_request_extension", "review": "can_review",
           "visit": "can_visit", "merge": "can_merge", "reject": "can_reject",
           "note": "can_note"}


def _registered(users, title="路灯不亮"):
    return cases.register_case({"title": title, "phone": PHONE, "citizen_name": NAME},
                               users["office"])


def _dispatched(users, department, title="路灯不亮"):
    case = _registered(users, title)
    return cases.dispatch_case(case.id, department.id, [], users["office"])


def _page(client, path):
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def _actions_shown(html):
    return set(re.findall(r'data-testid="action-([a-z-]+)"', html))


# ---- who may open the case page ----

def test_case_page_shows_the_case_to_the_office_unmasked(login_as, users, ref):
    case = _dispatched(users, ref.dept_a)
    status, html = _page(login_as("office"), f"/cases/{case.id}")
    assert status == 200
    assert case.number in html and "路灯不亮" in html and ref.dept_a.name in html
    assert SHOWN in html and NAME in html
    assert 'data-testid="reveal"' not in html  # nothing is masked, nothing to reveal


def test_case_page_shows_the_lead_department_a_masked_citizen(login_as, users, ref):
    case = _dispatched(users, ref.dept_a)
    status, html = _page(login_as("department"), f"/cases/{case.id}")
    assert status == 200 and case.number in html
    assert MASKED in html and MASKED_NAME in html
    assert PHONE not in html and SHOWN not in html and NAME not in html
    assert 'data-testid="reveal"' in html  # revealing is a deliberate, logged action


def test_case_page_is_a_404_for_another_department(login_as, users, ref):
    case = _dispatched(users, ref.dept_a)
    users["department"].department_id = ref.dept_b.id
    db.session.commit()
    client = login_as("department")
    guessed, guessed_html = _page(client, f"/cases/{case.id}")
    missing, _ = _page(client, "/cases/999999")
    assert guessed == missing == 404
    assert case.number not in guessed_html and "路灯不亮" not in guessed_html


def test_co_handling_department_sees_the_case(login_as, users, ref):
    case = _registered(users)
    cases.dispatch_case(case.id, ref.dept_b.id, [ref.dept_a.id], users["office"])
    status, html = _page(login_as("department"), f"/cases/{case.id}")
    assert status == 200 and MASKED in html
    assert _actions_shown(html) == {"note"}  # co-handling: no sign, reply or send back


@pytest.mark.parametrize("role", ("producer", "host", "guest"))
def test_case_page_is_closed_to_the_studio_roles(login_as, users, ref, role):
    case = _dispatched(users, ref.dept_a)
    status, html = _page(login_as(role), f"/cases/{case.id}")
    assert status in (403, 404)
    assert case.number not in html and PHONE not in html


@pytest.mark.parametrize("role", ("station", "field"))
def test_case_page_is_a_404_for_roles_that_do_not_see_the_case(login_as, users, ref, role):
    case = _dispatched(users, ref.dept_a)
    assert login_as(role).get(f"/cases/{case.id}").status_code == 404


def test_case_page_sends_anonymous_visitors_to_login(client, users, ref):
    case = _dispatched(users, ref.dept_a)
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- what the case page shows ----

def test_case_page_shows_the_trail_in_shanghai_time(login_as, users, ref):
    case = _dispatched(users, ref.dept_a)
    cases.add_note(case.id, "内部备注：已电话联系", users["office"])
    events = db.session.query(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.id).all()
    status, html = _page(login_as("office"), f"/cases/{case.id}")
    trail = html[html.index('data-testid="trail"'):]
    assert status == 200 and trail.count('<li class="event') == len(events) == 3
    assert "内部备注：已电话联系" in trail
    assert trail.count('<li class="event is-public">') == 2  # registered and dispatched
    for event in events:
        assert f'datetime="{event.at.isoformat()}">{local_time(event.at)}<' in trail


def test_case_page_marks_an_overdue_case(login_as, users, ref):
    case = _dispatched(users, ref.dept_a)
    assert 'data-testid="overdue"' not in _page(login_as("office"), f"/cases/{case.id}")[1]
    case.reply_due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert 'data-testid="overdue"' in _page(login_as("office"), f"/cases/{case.id}")[1]


def test_department_sees_sign_and_the_office_does_not(login_as, users, ref):
    case = _dispatched(users, ref.dept_a)
    department = _actions_shown(_page(login_as("department"), f"/cases/{case.id}")[1])
    office = _actions_shown(_page(login_as("office"), f"/cases/{case.id}")[1])
    assert {"sign", "send-back", "extension", "note"} == department
    assert "sign" not in office and "reply" not in office and "dispatch" not in office
    assert {"merge", "note"} == office


def _walk(users, ref):
    """One case at each step of the loop, named after the step."""
    office, liaison = users["office"], users["department"]
    steps = {"registered": _registered(users).id}
    steps["dispatched"] = _dispatched(users, ref.dept_a).id
    steps["in_progress"] = _dispatched(users, ref.dept_a).id
    cases.sign_case(steps["in_progress"], liaison)
    steps["returned"] = _dispatched(users, ref.dept_a).id
    cases.send_back(steps["returned"], "不归我们管", liaison)
    steps["replied"] = _dispatched(users, ref.dept_a).id
    cases.sign_case(steps["replied"], liaison)
    cases.reply_case(steps["replied"], {"reply_public": "已修好", "resolved": "yes"}, liaison)
    steps["awaiting_visit"] = _dispatched(users, ref.dept_a).id
    cases.sign_case(steps["awaiting_visit"], liaison)
    cases.reply_case(steps["awaiting_visit"], {"reply_public": "已修好", "resolved": "yes"},
                     liaison)
    cases.review_reply(steps["awaiting_visit"], True, "", office)
    steps["rejected"] = _registered(users).id
    cases.reject_case(steps["rejected"], "不属于受理范围", office)
    return steps


@pytest.mark.parametrize("role", ("office", "admin", "department"))
def test_actions_shown_are_the_ones_the_case_allows(login_as, users, ref, role):
    steps = _walk(users, ref)
    client, user = login_as(role), users[role]
    for step, case_id in steps.items():
        case = cases.get_case(case_id, users["office"])
        if role == "department" and not any(d.department_id == user.department_id
                                            for d in case.departments):
            continue  # not yet dispatched: the department does not see it at all
        status, html = _page(client, f"/cases/{case_id}")
        expected = {name for name, rule in ACTIONS.items() if getattr(case, rule)(user)}
        assert status == 200, step
        assert _actions_shown(html) == expected, step
    if role == "department":
        reply = _actions_shown(_page(client, f"/cases/{steps['in_progress']}")[1])
        assert "reply" in reply and "sign" not in reply
    else:
        assert "dispatch" in _actions_shown(_page(client, f"/cases/{steps['returned']}")[1])
        assert "visit" in _actions_shown(_page(client, f"/cases/{steps['awaiting_visit']}")[1])
        assert _actions_shown(_page(client, f"/cases/{steps['rejected']}")[1]) == set()


def test_dispatch_form_carries_the_version_the_user_saw(login_as, users, ref):
    case = _registered(users)
    html = _page(login_as("office"), f"/cases/{case.id}")[1]
    assert f'name="version" value="{case.version}"' in html


# ---- the department portal ----

@pytest.mark.parametrize("role", ROLES)
def test_department_portal_is_for_department_users_only(login_as, users, role):
    status = login_as(role).get("/department/").status_code
    assert status == (200 if role == "department" else 403)


def test_department_portal_sends_anonymous_visitors_to_login(client):
    response = client.get("/department/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_department_portal_lists_only_its_cases_masked(login_as, users, ref):
    mine = _dispatched(users, ref.dept_a, "甲单位的")
    theirs = _dispatched(users, ref.dept_b, "乙单位的")
    status, html = _page(login_as("department"), "/department/")
    assert status == 200
    assert mine.number in html and f'href="/cases/{mine.id}"' in html
    assert theirs.number not in html and "乙单位的" not in html
    assert MASKED in html and MASKED_NAME in html
    assert PHONE not in html and SHOWN not in html and NAME not in html


def test_department_portal_filters(login_as, users, ref):
    first = _dispatched(users, ref.dept_a, "路灯不亮")
    second = _dispatched(users, ref.dept_a, "井盖丢失")
    second.reply_due_at = utcnow() - timedelta(days=2)
    db.session.commit()
    client = login_as("department")
    overdue = _page(client, "/department/?overdue=1")[1]
    assert second.number in overdue and first.number not in overdue
    by_text = _page(client, "/department/?text=井盖")[1]
    assert second.number in by_text and first.number not in by_text
    by_number = _page(client, f"/department/?number={first.number}")[1]
    assert first.number in by_number and second.number not in by_number
    closed = _page(client, "/department/?state=closed")[1]
    assert first.number not in closed and second.number not in closed
    opened = _page(client, "/department/?state=open")[1]
    assert first.number in opened and second.number in opened


def test_department_portal_reports_a_bad_filter_on_the_page(login_as, users, ref):
    _dispatched(users, ref.dept_a)
    status, html = _page(login_as("department"), "/department/?state=nonsense")
    assert status == 200
    assert re.search(r'data-error-for="state">[^<]+<', html)


def test_department_portal_pages_with_a_cursor(login_as, users, ref):
    numbers = [_dispatched(users, ref.dept_a, f"第{n}件").number for n in range(3)]
    client = login_as("department")
    whole = _page(client, "/department/")[1]
    assert all(number in whole for number in numbers)
    assert re.search(r'id="more"[^>]*\shidden', whole)  # one page only: no "more" button
    first = client.get("/api/v1/cases?limit=2").json
    assert first["next_cursor"]
    rest = _page(client, "/department/?cursor=" + first["next_cursor"])[1]
    assert numbers[0] in rest and numbers[1] not in rest and numbers[2] not in rest


def test_a_pending_extension_is_decided_on_the_case_page(login_as, users, ref):
    from callin.services import extensions
    case = cases.register_case({"title": "路灯不亮"}, users["office"])
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    request = extensions.request_extension(case.id, 3, "需要协调供电公司", users["department"])
    office_page = login_as("office").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "需要协调供电公司" in office_page
    assert f'data-url="/extensions/{request.id}/decision"' in office_page
    department_page = login_as("department").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "需要协调供电公司" in department_page and "action-decide" not in department_page
