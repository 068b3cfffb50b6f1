"""Public tracking and board pages; the admin's case settings (deadlines, calendar, ladder)."""
import re
from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from callin.errors import Forbidden, ValidationError
from callin.extensions import db
from callin.models import ROLES, CalendarDay, DeadlineRule, Reveal, SupervisionStep
from callin.services import case_queries, case_settings, cases, deadlines, return_visits
from callin.states import state_name
from callin.workdays import SHANGHAI

PHONE, PHONE_SHOWN, NAME = "13853612345", "138 5361 2345", "王建国"
OTHER_ROLES = [role for role in ROLES if role != "admin"]
SETTINGS_PAGES = ["/admin/cases/deadlines", "/admin/cases/calendar",
                  "/admin/cases/supervision", "/admin/cases/reveals"]


def text(response):
    return response.get_data(as_text=True)


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def hotline_case(users, title="路灯不亮"):
    return cases.register_case({"title": title, "phone": PHONE, "citizen_name": NAME,
                                "nature": "help"}, users["office"])


def closed_case(users, ref, title="小区路灯不亮", reply="已更换灯泡，路灯恢复正常。"):
    """A case taken the whole way round the loop: dispatched, replied, accepted, visited."""
    case = hotline_case(users, title)
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    cases.sign_case(case.id, users["department"])
    cases.reply_case(case.id, {"reply_public": reply, "reply_internal": "内部：换了镇流器",
                               "resolved": "yes"}, users["department"])
    cases.review_reply(case.id, True, "", users["office"])
    return_visits.record_return_visit(case.id, {"result": "reached", "resolved": "yes",
                                                "satisfaction": "satisfied"}, users["office"])
    return case


def assert_no_personal_data(html):
    for secret in (PHONE, PHONE_SHOWN, "+86" + PHONE, NAME, NAME[0] + "**", "138****2345"):
        assert secret not in html, secret


@pytest.fixture
def admin(login_as):
    return login_as("admin")


# ---- /track ----

def test_track_shows_the_case_for_the_right_number_and_code(client, users, ref):
    case = closed_case(users, ref)
    response = client.get(f"/track?number={case.number}&code={case.lookup_code}")
    html = text(response)
    assert response.status_code == 200
    assert case.number in html and "小区路灯不亮" in html
    assert "已更换灯泡，路灯恢复正常。" in html
    with force_locale("zh"):
        closed = state_name("closed")
    assert closed != "closed" and f'data-testid="case-state">{closed}<' in html
    assert case.closed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in html
    assert "内部：换了镇流器" not in html                    # the internal reply stays inside
    assert_no_personal_data(html)
    assert response.headers["Cache-Control"] == "no-store"


def test_track_form_post_and_a_number_typed_loosely(client, users):
    case = hotline_case(users)
    loose = "  " + case.number.replace("-", "").translate(str.maketrans("0123456789",
                                                                         "０１２３４５６７８９"))
    response = client.post("/track", data={"number": loose, "code": case.lookup_code})
    assert response.status_code == 200 and case.number in text(response)
    assert "路灯不亮" in text(response)
    assert_no_personal_data(text(response))


def test_track_gives_the_same_404_for_a_wrong_number_and_a_wrong_code(client, users):
    case = hotline_case(users)
    other = hotline_case(users, "井盖缺失")
    wrong_code = f"{(int(case.lookup_code) + 1) % 10**6:06d}"
    answers = []
    for number, code in ((case.number, wrong_code), ("2001-9999", case.lookup_code),
                         (other.number, case.lookup_code if case.lookup_code
                          != other.lookup_code else wrong_code)):
        response = client.get("/track", query_string={"number": number, "code": code})
        assert response.status_code == 404
        html = text(response)
        assert "路灯不亮" not in html and "井盖缺失" not in html
        assert_no_personal_data(html)
        found = re.search(r'data-testid="not-found">([^<]*)<', html)
        answers.append(found and found.group(1).strip())
    assert answers[0] and answers[0] == answers[1] == answers[2]


def test_track_without_a_query_shows_the_empty_form(client):
    response = client.get("/track")
    assert response.status_code == 200
    assert 'name="number"' in text(response) and 'name="code"' in text(response)
    assert 'data-testid="not-found"' not in text(response)


@pytest.mark.parametrize("number, code, field", [("", "123456", "number"),
                                                 ("2611-0001", "", "code"),
                                                 ("2611-0001", "12a45", "code")])
def test_track_asks_for_both_fields_before_looking_up(client, users, number, code, field):
    response = client.post("/track", data={"number": number, "code": code})
    assert response.status_code == 400
    assert f'id="{field}-error"' in text(response)


# ---- /board ----

def test_board_lists_a_closed_case_without_personal_data(client, users, ref):
    case = closed_case(users, ref)
    still_open = hotline_case(users, "垃圾桶满了没人清运")
    response = client.get("/board")
    html = text(response)
    assert response.status_code == 200
    assert "小区路灯不亮" in html and "已更换灯泡，路灯恢复正常。" in html
    assert ref.dept_a.name in html
    assert case.closed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d") in html
    assert still_open.title not in html
    assert case.number not in html and case.lookup_code not in html
    assert_no_personal_data(html)


def test_public_pages_need_no_login(client):
    assert client.get("/board").status_code == 200
    assert client.get("/track").status_code == 200


# ---- who may open the settings pages ----

@pytest.mark.parametrize("path", SETTINGS_PAGES)
def test_settings_pages_open_for_the_admin(admin, path):
    assert admin.get(path).status_code == 200


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_settings_pages_are_403_for_every_other_role(login_as, role):
    client = login_as(role)
    for path in SETTINGS_PAGES:
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_cannot_change_settings(login_as, admin, users, role):
    admin.get("/admin/cases/deadlines")  # installs the default rules and ladder
    rule = db.session.scalars(select(DeadlineRule)).first()
    entry = case_settings.add_calendar_day({"day": "2027-01-01", "kind": "holiday"},
                                           users["admin"])
    client = login_as(role)
    posts = {f"/admin/cases/deadlines/{rule.id}": {"sign_days": "3", "reply_days": "30"},
             "/admin/cases/calendar": {"day": "2027-02-06", "kind": "workday"},
             f"/admin/cases/calendar/{entry.id}/delete": {},
             "/admin/cases/supervision": {"reminder": "2", "supervision": "4", "listed": "9"}}
    for path, data in posts.items():
        assert client.post(path, data=data).status_code == 403, path
    db.session.expire_all()
    assert db.session.get(DeadlineRule, rule.id).reply_days != 30
    assert count(CalendarDay) == 1
    assert db.session.get(SupervisionStep, "listed").overdue_days == 5


def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in SETTINGS_PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_the_services_refuse_other_roles(users, role):
    with pytest.raises(Forbidden):
        case_settings.list_deadline_rules(users[role])
    with pytest.raises(Forbidden):
        case_settings.add_calendar_day({"day": "2027-01-01", "kind": "holiday"}, users[role])
    with pytest.raises(Forbidden):
        case_settings.save_ladder({"reminder": "1", "supervision": "2", "listed": "3"},
                                  users[role])
    assert count(CalendarDay) == 0


# ---- deadline rules ----

def _rule(nature="help", urgency="normal"):
    db.session.expire_all()
    return db.session.scalars(select(DeadlineRule).where(
        DeadlineRule.nature == nature, DeadlineRule.urgency == urgency)).one()


def test_an_empty_rule_table_is_filled_with_the_defaults(admin):
    assert count(DeadlineRule) == 0
    html = text(admin.get("/admin/cases/deadlines"))
    assert count(DeadlineRule) == len(deadlines.DEFAULT_RULES) == 10
    assert count(SupervisionStep) == 3
    rule = _rule()
    assert (rule.sign_hours, rule.sign_days, rule.reply_days) == (None, 1, 5)
    assert html.count('name="reply_days"') == 10


def test_editing_a_rule_changes_the_deadline(admin, users):
    admin.get("/admin/cases/deadlines")
    rule = _rule()
    response = admin.post(f"/admin/cases/deadlines/{rule.id}",
                          data={"sign_hours": "", "sign_days": "2", "reply_days": "0"})
    assert response.status_code == 302
    rule = _rule()
    assert (rule.sign_hours, rule.sign_days, rule.reply_days) == (None, 2, 0)
    start = datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI)   # a Tuesday
    case = SimpleNamespace(nature="help", urgency="normal", promised_days=None)
    due = deadlines.reply_due(case, start)
    assert due.astimezone(SHANGHAI).date() == date(2026, 11, 3)   # 0 days: the same day


@pytest.mark.parametrize("data, field", [
    ({"sign_days": "1", "reply_days": "-1"}, "reply_days"),
    ({"sign_days": "1", "reply_days": "five"}, "reply_days"),
    ({"sign_days": "1", "reply_days": ""}, "reply_days"),
    ({"sign_days": "1", "reply_days": "500"}, "reply_days"),
    ({"sign_hours": "2", "sign_days": "1", "reply_days": "5"}, "sign_hours"),
    ({"reply_days": "5"}, "sign_days"),
    ({"sign_hours": "0", "reply_days": "5"}, "sign_hours"),
])
def test_a_bad_rule_is_refused_and_nothing_is_written(admin, data, field):
    admin.get("/admin/cases/deadlines")
    rule = _rule()
    before = (rule.sign_hours, rule.sign_days, rule.reply_days)
    response = admin.post(f"/admin/cases/deadlines/{rule.id}?lang=en", data=data)
    html = text(response)
    assert response.status_code == 400
    assert f'id="rule-{rule.id}-{field}-error"' in html
    assert "The deadline rule was not saved." in html
    typed = data.get("reply_days", "")
    typed_back = rf'name="reply_days" form="rule-form-{rule.id}"[^>]*value="{re.escape(typed)}"'
    assert re.search(typed_back, html.replace("\n", " "))
    rule = _rule()
    assert (rule.sign_hours, rule.sign_days, rule.reply_days) == before


def test_an_unknown_rule_is_404(admin):
    assert admin.post("/admin/cases/deadlines/9999", data={"sign_days": "1",
                                                          "reply_days": "3"}).status_code == 404


# ---- the holiday calendar ----

def _reply_due_from_2026_12_30():
    case = SimpleNamespace(nature="help", urgency="normal", promised_days=None)
    start = datetime.combine(date(2026, 12, 30), time(10, 0), tzinfo=SHANGHAI)
    return deadlines.reply_due(case, start).astimezone(SHANGHAI).date()


def test_a_2027_holiday_added_on_the_page_moves_a_deadline(admin):
    admin.get("/admin/cases/deadlines")                       # help/normal: 5 working days
    # Wed 2026-12-30; Thu 31 is day 1, then 2027 by weekends: Fri 1, Mon 4, Tue 5, Wed 6.
    assert _reply_due_from_2026_12_30() == date(2027, 1, 6)
    response = admin.post("/admin/cases/calendar",
                          data={"day": "2027-01-01", "kind": "holiday", "note": "元旦"})
    assert response.status_code == 302
    # New Year's Day off: Thu 31, Mon 4, Tue 5, Wed 6, Thu 7.
    assert _reply_due_from_2026_12_30() == date(2027, 1, 7)
    html = text(admin.get("/admin/cases/calendar"))
    assert "2027-01-01" in html and "元旦" in html and 'data-testid="in-use"' in html


def test_deleting_the_entry_puts_the_deadline_back(admin, users):
    entry = case_settings.add_calendar_day({"day": "2027-01-01", "kind": "holiday"},
                                           users["admin"])
    assert _reply_due_from_2026_12_30() == date(2027, 1, 7)
    assert admin.post(f"/admin/cases/calendar/{entry.id}/delete").status_code == 302
    assert count(CalendarDay) == 0
    assert _reply_due_from_2026_12_30() == date(2027, 1, 6)


def test_an_entry_in_a_year_the_package_knows_is_shown_as_ignored(admin, users):
    before = _reply_due_from_2026_12_30()
    response = admin.post("/admin/cases/calendar", data={"day": "2026-12-31", "kind": "holiday"},
                          follow_redirects=True)
    html = text(response)
    assert response.status_code == 200 and "2026-12-31" in html
    assert 'data-testid="ignored"' in html and 'data-testid="in-use"' not in html
    assert _reply_due_from_2026_12_30() == before             # the official calendar wins


@pytest.mark.parametrize("data, field", [
    ({"day": "not a date", "kind": "holiday"}, "day"),
    ({"day": "2027-02-30", "kind": "holiday"}, "day"),
    ({"day": "", "kind": "holiday"}, "day"),
    ({"day": "2027-01-01", "kind": "day off"}, "kind"),
    ({"day": "2027-01-01", "kind": ""}, "kind"),
    ({"day": "2027-01-01", "kind": "holiday", "note": "x" * 101}, "note"),
])
def test_a_bad_calendar_entry_is_refused_and_nothing_is_written(admin, data, field):
    response = admin.post("/admin/cases/calendar", data=data)
    html = text(response)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html
    if data.get("note"):
        assert data["note"] in html                              # what was typed comes back
    assert count(CalendarDay) == 0


def test_the_same_day_twice_is_refused(admin, users):
    case_settings.add_calendar_day({"day": "2027-01-01", "kind": "holiday"}, users["admin"])
    response = admin.post("/admin/cases/calendar", data={"day": "2027-01-01", "kind": "workday"})
    assert response.status_code == 400 and 'id="day-error"' in text(response)
    assert count(CalendarDay) == 1
    assert db.session.scalars(select(CalendarDay)).one().kind == "holiday"


def test_service_refuses_an_unknown_kind(users):
    with pytest.raises(ValidationError) as caught:
        case_settings.add_calendar_day({"day": "2027-01-01", "kind": "vacation"}, users["admin"])
    assert set(caught.value.fields) == {"kind"}


# ---- the supervision ladder ----

def test_the_ladder_is_saved(admin):
    response = admin.post("/admin/cases/supervision",
                          data={"reminder": "2", "supervision": "4", "listed": "8"})
    assert response.status_code == 302
    assert deadlines.ladder() == {"reminder": 2, "supervision": 4, "listed": 8}


@pytest.mark.parametrize("data, field", [
    ({"reminder": "0", "supervision": "3", "listed": "5"}, "reminder"),
    ({"reminder": "1", "supervision": "1", "listed": "5"}, "supervision"),
    ({"reminder": "1", "supervision": "3", "listed": "-5"}, "listed"),
    ({"reminder": "1", "supervision": "3", "listed": ""}, "listed"),
])
def test_a_bad_ladder_is_refused_and_nothing_is_written(admin, data, field):
    admin.get("/admin/cases/supervision")
    response = admin.post("/admin/cases/supervision", data=data)
    assert response.status_code == 400 and f'id="{field}-error"' in text(response)
    assert deadlines.ladder() == deadlines.DEFAULT_LADDER


# ---- reveals ----

def test_the_reveals_page_lists_who_saw_which_case(admin, users, ref):
    case = hotline_case(users)
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    case_queries.reveal_citizen(case.id, users["department"])
    assert count(Reveal) == 1
    html = text(admin.get("/admin/cases/reveals"))
    assert "department" in html and case.number in html
    at = db.session.scalars(select(Reveal)).one().at.astimezone(SHANGHAI)
    assert at.strftime("%Y-%m-%d %H:%M") in html
    assert_no_personal_data(html)
