"""The office pages: who may open them, what each workbench list asks for, the hotline form."""
import json
import re
from datetime import timedelta
from html import unescape

import pytest

from callin.extensions import db
from callin.models import ROLES
from callin.models.base import utcnow
from callin.services.cases import (dispatch_case, register_case, reply_case, review_reply,
                                   send_back, sign_case)
from callin.services.extensions import request_extension

OFFICE_PAGES = ("/office/", "/office/hotline")
OFFICE_ROLES = ("office", "admin")


def _case(users, ref, title, phone="13853612345"):
    return register_case({"title": title, "nature": "complaint", "phone": phone,
                          "citizen_name": "王建国", "town_id": ref.town_a.id,
                          "category_id": ref.cold.id}, users["office"])


def _dispatched(users, ref, title):
    case = _case(users, ref, title)
    dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    return case


def _replied(users, ref, title):
    case = _dispatched(users, ref, title)
    sign_case(case.id, users["department"])
    reply_case(case.id, {"reply_public": "已处理。", "resolved": "yes"}, users["department"])
    return case


def _one_case_per_step(users, ref):
    """A case in each step the workbench lists, keyed by the list that must show it."""
    returned = _dispatched(users, ref, "退回的工单")
    send_back(returned.id, "不属于本单位职责", users["department"])
    awaiting = _replied(users, ref, "等待回访的工单")
    review_reply(awaiting.id, True, "", users["office"])
    asking = _dispatched(users, ref, "申请延期的工单")
    request_extension(asking.id, 2, "等待材料", users["department"])
    overdue = _dispatched(users, ref, "超期的工单")
    overdue.reply_due_at = utcnow() - timedelta(days=2)
    db.session.commit()
    return {"triage": _case(users, ref, "新登记的工单"), "returned": returned,
            "review": _replied(users, ref, "待审核的答复"), "overdue": overdue,
            "visits": awaiting, "extensions": asking}


def _sections(html):
    """Each workbench list's name and the API filters its script sends (data attributes)."""
    return {name: unescape(query) for name, query in
            re.findall(r'data-section="(\w+)" data-query="([^"]*)"', html)}


@pytest.mark.parametrize("path", OFFICE_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_office_pages_by_role(login_as, path, role):
    status = login_as(role).get(path).status_code
    assert status == (200 if role in OFFICE_ROLES else 403)


@pytest.mark.parametrize("path", OFFICE_PAGES)
def test_office_pages_send_anonymous_visitors_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", OFFICE_ROLES)
def test_workbench_lists_ask_the_api_for_each_step(login_as, users, ref, role):
    cases = _one_case_per_step(users, ref)
    client = login_as(role)
    sections = _sections(client.get("/office/").get_data(as_text=True))
    assert set(sections) == set(cases) | {"search"}
    for name, case in cases.items():
        answer = client.get("/api/v1/cases?" + sections[name])
        assert answer.status_code == 200, (name, answer.get_json())
        numbers = [row["number"] for row in answer.get_json()["cases"]]
        assert numbers == [case.number], (name, numbers)


def test_workbench_rows_link_to_the_case_page(login_as):
    html = login_as("office").get("/office/").get_data(as_text=True)
    assert 'data-case-base="/cases/"' in html and 'data-role="link"' in html


def test_workbench_offers_every_active_department_for_dispatch(login_as, ref):
    html = login_as("office").get("/office/").get_data(as_text=True)
    datalist = re.search(r'<datalist id="office-departments">(.*?)</datalist>', html, re.S).group(1)
    assert ref.dept_a.name in datalist and ref.dept_b.name in datalist
    assert 'id="tpl-dispatch"' in html and 'list="office-departments"' in html


def test_workbench_words_for_the_script_are_valid_json(login_as):
    html = login_as("office").get("/office/").get_data(as_text=True)
    raw = re.search(r'<script id="office-strings" type="application/json">(.*?)</script>',
                    html, re.S).group(1)
    words = json.loads(raw)
    assert {"registered", "returned", "awaiting_visit", "closed"} <= set(words["states"])
    assert set(words["natures"]) == {"consultation", "help", "complaint", "report", "suggestion"}
    assert "{number}" in words["dispatched"]


def test_workbench_search_form_keeps_the_filters_of_the_address(login_as, ref):
    address = f"/office/?phone=13853612345&state=open&department_id={ref.dept_b.id}&cursor=zzqq"
    html = login_as("office").get(address).get_data(as_text=True)
    assert 'name="phone" value="13853612345"' in html
    assert '<option value="open" selected>' in html
    assert f'name="department" list="office-departments" value="{ref.dept_b.name}"' in html
    assert 'value="zzqq"' not in html   # a page cursor is not a search filter


def test_search_filters_reach_the_case(login_as, users, ref):
    wanted = _case(users, ref, "路灯不亮", phone="13853600001")
    _case(users, ref, "水压不足", phone="13853600002")
    client = login_as("office")
    for query in ("phone=13853600001", f"number={wanted.number}", "text=路灯",
                  "state=open&phone=138 5360 0001"):
        rows = client.get("/api/v1/cases?" + query).get_json()["cases"]
        assert [row["number"] for row in rows] == [wanted.number], query


def test_hotline_form_starts_with_the_phone_and_has_the_case_fields(login_as, ref):
    html = login_as("office").get("/office/hotline").get_data(as_text=True)
    form = re.search(r'<form id="hotline-form".*?</form>', html, re.S).group(0)
    names = re.findall(r'name="(\w+)"', form)
    assert "autofocus" in re.search(r'<input[^>]*name="phone"[^>]*>', form).group(0)
    assert names == ["phone", "citizen_name", "town_id", "community_id", "category_top",
                     "category_child", "nature", "urgency", "title", "description"]
    assert ref.town_a.name in form and ref.category.name in form
    for field in ("phone", "citizen_name", "town_id", "title", "description"):
        assert f'data-error-for="{field}"' in form


def test_hotline_lookup_shows_the_callers_earlier_cases(login_as, users, ref):
    earlier = _case(users, ref, "暖气不热", phone="13853612345")
    answer = login_as("office").get("/api/v1/callers/lookup?phone=138 5361 2345")
    assert answer.status_code == 200
    assert [row["number"] for row in answer.get_json()["cases"]] == [earlier.number]


def test_new_hotline_case_comes_with_its_lookup_code(login_as, users):
    answer = login_as("office").post("/api/v1/cases", json={"title": "路灯不亮"})
    assert answer.status_code == 201
    code = answer.get_json()["case"]["lookup_code"]
    assert len(code) == 6 and code.isdigit()
