"""Duplicates: similar open cases on a fixed Chinese corpus, linking a report, who sees what."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from callin.errors import Conflict, Forbidden, NotFound, ValidationError
from callin.extensions import db
from callin.models import ROLES, Case, CaseCitizen, CaseEvent, Category, Station
from callin.models.base import utcnow
from callin.services import cases, return_visits, similar
from callin.services.similar import similar_cases
from callin.similarity import bigrams, text_score

from .conftest import ANONYMOUS

# The corpus: (town, category, title, description, phone). Towns: A 密州街道, B 龙都街道.
CORPUS = {
    "heat": ("A", "heat", "阳光小区3号楼暖气一直不热",
             "来电人称东关街道阳光小区3号楼从11月15日供暖以来室温只有14度左右，找物业没人处理。",
             "13853610001"),
    "light": ("A", "lights", "和平路与兴华街路口路灯不亮",
              "听众反映和平路与兴华街交叉路口的路灯已经坏了一周，晚上路口一片漆黑，行人和车辆都不安全。",
              "13853610002"),
    "garbage": ("A", "rubbish", "幸福小区垃圾清运不及时",
                "幸福小区门口垃圾桶满了好几天没人清运，垃圾堆到路边，臭味很大，苍蝇多。",
                "13853610003"),
    "stall": ("B", "streets", "菜市场门口占道经营",
              "龙城菜市场门口小商贩占道经营，早上车辆无法通行，经常堵车。", "13853610004"),
    "noise": ("A", "noise", "工地夜间施工噪音扰民",
              "常山路北侧工地每天夜间施工，凌晨一两点还在打桩，噪音很大，附近居民无法休息。",
              "13853610005"),
    "water": ("B", "water", "龙城社区突然停水没有通知",
              "龙城社区昨天上午突然停水，到晚上才恢复，小区群里和公告栏都没有通知。", "13853610006"),
    "wages": ("B", "wages", "建筑工地拖欠农民工工资",
              "在兴华路一处建筑工地干活，老板拖欠二十多名工人工资三个月不给，找劳动监察没有结果。",
              "13853610007"),
    "road": ("A", "roads", "人民路中段路面坑洼",
             "人民路中段道路坑洼不平，一下雨就积水，电动车容易摔倒。", "13853610008"),
    "heatfee": ("A", "fees", "空置房被要求全额缴纳取暖费",
                "去年购买的商品房尚未入住，热力公司要求按全额缴纳取暖费，询问空置房能否只交基本热费。",
                "13853610009"),
    "dog": ("A", "streets", "小区遛狗不拴绳",
            "幸福小区里很多人遛狗不拴绳，吓到小孩，狗粪也没人清理。", "13853610010"),
    "parking": ("A", "streets", "阳光小区门口乱停车堵消防通道",
                "阳光小区门口和消防通道长期被私家车占用，救护车都进不来。", "13853610011"),
    "leak": ("B", "water", "路口地下水管破裂漏水",
             "兴华路与龙源街交叉口地下水管破裂，水流到路面已经两天。", "13853610012"),
}

# A report as typed at intake -> the case it duplicates (same town, category not given).
MUST_FIND = [
    ("暖气不热 阳光小区三号楼家里暖气不热好几天了，屋里才十五度", "heat"),
    ("阳光小区三号楼家里暖气不热好几天了", "heat"),
    ("兴华街和平路路口的路灯坏了好几天，晚上不亮", "light"),
    ("幸福小区的垃圾好几天没有清运了，味道很难闻", "garbage"),
    ("工地半夜打桩 晚上十二点以后常山路工地还在打桩施工，噪音太大睡不着", "noise"),
    ("包工头拖欠我们农民工工资三个月了", "wages"),
    ("龙城社区今天停水了，也没提前通知", "water"),
    ("人民路上道路坑坑洼洼的，一下雨全是积水", "road"),
    ("市场门口摆摊占道经营的太多，车过不去", "stall"),
    ("空置房也要全额交取暖费，合理吗", "heatfee"),
    ("兴华路龙源街路口水管爆了，水流了两天", "leak"),
]

# A report in the same town that must NOT bring up this case: same place, another problem.
MUST_NOT_FIND = [
    ("阳光小区路灯不亮", "heat"),
    ("阳光小区路灯不亮，晚上出门看不见路", "heat"),
    ("阳光小区三号楼暖气不热", "parking"),
    ("幸福小区的垃圾好几天没有清运了", "dog"),
    ("和平路路口积水严重", "light"),
    ("工地拖欠工资", "noise"),
    ("龙城社区路灯不亮", "water"),
    ("人民路上乱停车", "road"),
    ("小区垃圾清运不及时", "heat"),
    ("暖气费收费标准是多少", "heat"),
    ("兴华路有人占道经营", "leak"),
    ("幸福小区暖气不热", "garbage"),
    ("阳光小区门口垃圾没人清运", "parking"),
]


@pytest.fixture
def world(app, ref, users):
    """The corpus as open cases, with their towns and categories, and a liaison station."""
    heating = ref.cold
    tops = {}
    for key, name in (("lights", "路灯"), ("rubbish", "垃圾清运"), ("streets", "占道经营"),
                      ("noise", "噪音扰民"), ("water", "停水漏水"), ("wages", "拖欠工资"),
                      ("roads", "道路坑洼")):
        tops[key] = Category(name=name)
    db.session.add_all(tops.values())
    station = Station(code="ZC-001", name="东坡社区联络站", town_id=ref.town_a.id)
    db.session.add(station)
    db.session.flush()
    categories = {**{k: c.id for k, c in tops.items()}, "heat": heating.id, "fees": ref.fees.id}
    towns = {"A": ref.town_a.id, "B": ref.town_b.id}
    made = {}
    for key, (town, category, title, description, phone) in CORPUS.items():
        made[key] = _case(users, title, description, "+86" + phone, towns[town],
                          categories[category])
    users["station"].station_id = station.id
    db.session.commit()
    return {"cases": made, "towns": towns, "categories": categories, "station": station}


def _case(users, title, description, phone, town_id, category_id, **extra):
    case = cases.new_case("hotline", {"title": title, "description": description,
                                      "citizen_name": "王建国", "citizen_phone": phone,
                                      "town_id": town_id, "category_id": category_id,
                                      "nature": extra.pop("nature", "help")},
                          users["office"], **extra)
    db.session.commit()
    return case.id


def _ids(found):
    return [case.id for case, _score, _reasons in found]


# ----------------------------------------------------------------------------- the text score
def test_bigrams_drop_filler_and_punctuation_and_read_numerals():
    grams = bigrams("请问，阳光小区三号楼的暖气一直不热啊！")
    assert {"3号", "号楼", "暖气", "不热"} <= set(grams)
    assert not any(c in gram for gram in grams for c in "的啊请，！")
    assert bigrams("１３号楼") == bigrams("十三号楼") == bigrams("13号楼")
    assert bigrams("") == {} and bigrams("。，！") == {}


def test_paraphrases_score_above_the_threshold_and_other_problems_below():
    texts = {key: title + " " + description for key, (_t, _c, title, description, _p)
             in CORPUS.items()}
    lowest_match = min(similar._score(bigrams(query), _Row(CORPUS[key]))
                       for query, key in MUST_FIND)
    highest_miss = max(similar._score(bigrams(query), _Row(CORPUS[key]))
                       for query, key in MUST_NOT_FIND)
    assert highest_miss < similar.THRESHOLD <= lowest_match
    assert text_score(bigrams(texts["heat"]), bigrams(texts["heat"])) == pytest.approx(1.0)


def _Row(entry):
    """A corpus entry shaped like a candidate row."""
    return SimpleNamespace(title=entry[2], head=entry[3][:similar.DESCRIPTION_CHARS])


# ----------------------------------------------------------------------------- similar_cases
@pytest.mark.parametrize("query,key", MUST_FIND)
def test_duplicates_in_the_same_town_are_found_first(world, query, key):
    town = world["towns"][CORPUS[key][0]]
    found = similar_cases(text=query, town_id=town)
    assert found and found[0][0].id == world["cases"][key]
    assert "similar_text_same_town" in found[0][2]
    assert found[0][1] >= similar.THRESHOLD


@pytest.mark.parametrize("query,key", MUST_NOT_FIND)
def test_other_problems_at_the_same_place_are_not_suggested(world, query, key):
    town = world["towns"][CORPUS[key][0]]
    assert world["cases"][key] not in _ids(similar_cases(text=query, town_id=town))


def test_same_category_in_another_town_is_found_with_its_reason(world):
    found = similar_cases(text="包工头拖欠我们农民工工资三个月了", town_id=world["towns"]["A"],
                          category_id=world["categories"]["wages"])
    assert _ids(found) == [world["cases"]["wages"]]
    assert found[0][2] == ["same_category"]


def test_a_subcategory_matches_its_family(world, ref):
    # the report is filed under 暖气不热, the fee case under 取暖费收费: both are 供暖
    found = similar_cases(text="空置房也要全额交取暖费", town_id=world["towns"]["B"],
                          category_id=ref.category.id)
    assert _ids(found) == [world["cases"]["heatfee"]]


def test_the_same_problem_in_another_town_and_category_is_not_suggested(world):
    found = similar_cases(text="阳光小区三号楼家里暖气不热好几天了", town_id=world["towns"]["B"],
                          category_id=world["categories"]["water"])
    assert world["cases"]["heat"] not in _ids(found)


def test_the_same_place_ranks_before_the_same_problem_elsewhere(world, users):
    # the same words about another building: suggested too, but after the real duplicate
    other = _case(users, "东坡社区3号楼暖气不热", "", "+8613853619999",
                  world["towns"]["A"], world["categories"]["heat"])
    found = similar_cases(text="阳光小区三号楼家里暖气不热好几天了", town_id=world["towns"]["A"])
    assert _ids(found)[:2] == [world["cases"]["heat"], other]


@pytest.mark.parametrize("ending", ["closed", "rejected", "merged"])
def test_finished_cases_are_never_suggested(world, users, ending):
    office = users["office"]
    twin = _case(users, *CORPUS["heat"][2:4], "+8613853610001", world["towns"]["A"],
                 world["categories"]["heat"])
    heat = world["cases"]["heat"]
    if ending == "rejected":
        cases.reject_case(twin, "重复来电", office)
    elif ending == "merged":
        cases.merge_case(twin, heat, office)
    else:
        db.session.get(Case, twin).state = "closed"
        db.session.commit()
    found = similar_cases(phone="+8613853610001", text=CORPUS["heat"][2],
                          town_id=world["towns"]["A"])
    assert _ids(found) == [heat]


def test_the_same_phone_is_found_whatever_the_text(world):
    found = similar_cases(phone="+8613853610010", text="完全是另外一件事：公交站牌倒了",
                          town_id=world["towns"]["B"])
    assert _ids(found) == [world["cases"]["dog"]]
    assert found[0][2] == ["same_phone"]
    # no text at all, no town, no category
    assert _ids(similar_cases(phone="+8613853610010")) == [world["cases"]["dog"]]


def test_the_same_phone_ranks_first_and_keeps_its_text_reasons(world):
    found = similar_cases(phone="+8613853610011", text="阳光小区三号楼家里暖气不热好几天了",
                          town_id=world["towns"]["A"])
    assert _ids(found)[:2] == [world["cases"]["parking"], world["cases"]["heat"]]
    heat = similar_cases(phone="+8613853610001", text="阳光小区三号楼暖气不热",
                         town_id=world["towns"]["A"])[0]
    assert heat[2] == ["same_phone", "similar_text_same_town"]


def test_exclude_id_leaves_the_case_itself_out(world):
    heat = world["cases"]["heat"]
    query = dict(phone="+8613853610001", text=CORPUS["heat"][2], town_id=world["towns"]["A"])
    assert heat in _ids(similar_cases(**query))
    assert heat not in _ids(similar_cases(**query, exclude_id=heat))


def test_old_cases_are_compared_by_phone_only(world):
    heat = db.session.get(Case, world["cases"]["heat"])
    heat.registered_at = utcnow() - timedelta(days=similar.WINDOW_DAYS + 5)
    db.session.commit()
    text = "阳光小区三号楼家里暖气不热好几天了"
    assert heat.id not in _ids(similar_cases(text=text, town_id=world["towns"]["A"]))
    assert heat.id in _ids(similar_cases(phone="+8613853610001", text=text))


def test_limit_caps_the_answer(world):
    found = similar_cases(text="阳光小区三号楼暖气不热", town_id=world["towns"]["A"], limit=1)
    assert len(found) == 1


# ----------------------------------------------------------------------------- stations
def test_a_station_compares_text_only_with_its_own_cases(world, users):
    station = world["station"].id
    own = _station_case(users, world)
    found = similar_cases(text="阳光小区三号楼家里暖气不热好几天了", town_id=world["towns"]["A"],
                          within_station=station)
    assert _ids(found) == [own]  # the hotline's case about the same heating is not shown
    assert similar_cases(text="阳光小区三号楼暖气不热", town_id=world["towns"]["A"],
                         within_station=0) == []


def _station_case(users, world):
    return _case(users, "阳光小区3号楼暖气不热", "东坡社区联络站代居民反映。", "+8613853618888",
                 world["towns"]["A"], None, station_id=world["station"].id)


def test_a_station_sees_other_cases_of_the_phone_without_title_or_reports(world, users, api):
    report = _case(users, "举报某单位违规收费", "", "+8613853610010", world["towns"]["A"], None,
                   nature="report")
    answer = api("station")("POST", "/api/v1/cases/similar", {"phone": "138 5361 0010"})
    assert answer.status_code == 200
    rows = answer.json["cases"]
    assert [r["id"] for r in rows] == [world["cases"]["dog"]]  # the report is left out
    assert rows[0]["title"] is None and rows[0]["number"] and rows[0]["state"] == "registered"
    office = api("office")("POST", "/api/v1/cases/similar", {"phone": "138 5361 0010"}).json
    assert {r["id"] for r in office["cases"]} == {world["cases"]["dog"], report}
    assert all(r["title"] for r in office["cases"])


# ----------------------------------------------------------------------------- the API
ROW_KEYS = {"id", "number", "title", "state", "state_name", "town", "category",
            "registered_at", "score", "reasons"}


@pytest.mark.parametrize("role", ROLES + (ANONYMOUS,))
def test_suggestions_by_role(world, api, role):
    answer = api(role)("POST", "/api/v1/cases/similar",
                       {"phone": "+86 138 5361 0001", "text": "阳光小区三号楼暖气不热",
                        "town_id": world["towns"]["A"]})
    if role == ANONYMOUS:
        assert answer.status_code == 401
    elif role in ("admin", "office", "station"):
        assert answer.status_code == 200
        assert world["cases"]["heat"] in [r["id"] for r in answer.json["cases"]]
    else:
        assert answer.status_code == 403


def test_suggestions_carry_no_personal_data(world, api):
    answer = api("office")("POST", "/api/v1/cases/similar",
                           {"phone": "13853610001", "text": "阳光小区三号楼家里暖气不热好几天了",
                            "town_id": world["towns"]["A"]})
    rows = answer.json["cases"]
    assert rows and all(set(row) == ROW_KEYS for row in rows)
    raw = answer.get_data(as_text=True)
    assert "王建国" not in raw and "5361" not in raw and "lookup_code" not in raw
    heat = rows[0]
    assert heat["id"] == world["cases"]["heat"] and heat["town"] == "密州街道"
    assert [r["code"] for r in heat["reasons"]] == ["same_phone", "similar_text_same_town"]
    assert all(r["text"] for r in heat["reasons"]) and 0 < heat["score"] <= 1


@pytest.mark.parametrize("body,field", [
    ({"phone": "12345"}, "phone"),
    ({"phone": "+1 650 253 0000"}, "phone"),
    ({"phone": "138abc"}, "phone"),
    ({"town_id": "abc"}, "town_id"),
    ({"category_id": -3}, "category_id"),
    ({"exclude_id": "1; drop table"}, "exclude_id"),
    ({"text": ["not", "text"]}, "text"),
    ({"text": "长" * 8001}, "text"),
])
def test_bad_suggestion_input_is_a_400_naming_the_field(world, api, body, field):
    answer = api("office")("POST", "/api/v1/cases/similar", body)
    assert answer.status_code == 400 and field in answer.json["error"]["fields"]


def test_suggestions_need_a_json_object(world, api):
    assert api("office")("POST", "/api/v1/cases/similar", ["x"]).status_code == 400


def test_the_case_page_lists_similar_cases_for_the_office(world, users, api):
    twin = _case(users, "阳光小区三号楼暖气不热", "家里暖气不热好几天了", "+8613853617777",
                 world["towns"]["A"], world["categories"]["heat"])
    answer = api("office")("GET", f"/api/v1/cases/{twin}/similar")
    assert answer.status_code == 200
    assert [r["id"] for r in answer.json["cases"]] == [world["cases"]["heat"]]
    assert api("department")("GET", f"/api/v1/cases/{twin}/similar").status_code == 403
    assert api("office")("GET", "/api/v1/cases/999999/similar").status_code == 404


# ----------------------------------------------------------------------------- linking
def _citizens(case_id):
    return db.session.scalars(select(CaseCitizen).where(CaseCitizen.case_id == case_id)
                              .order_by(CaseCitizen.id)).all()


def test_linking_adds_the_citizen_once_records_the_report_and_bumps_the_version(world, users):
    heat = world["cases"]["heat"]
    before = db.session.get(Case, heat).version
    report = {"name": "李秀英", "phone": "138-5361-7001", "text": "我家也在3号楼，暖气也不热"}
    case = similar.link_report(heat, report, "hotline", users["office"])
    assert case.version == before + 1
    assert [(c.name, c.phone) for c in _citizens(heat)][-1] == ("李秀英", "+8613853617001")
    again = similar.link_report(heat, {**report, "phone": "+86 138 5361 7001"}, "hotline",
                                users["office"])
    assert again.version == before + 2
    # the original citizen's own phone is not added either
    similar.link_report(heat, {"phone": "13853610001", "text": "又打来催问"}, "hotline",
                        users["office"])
    assert len(_citizens(heat)) == 2
    events = db.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == heat, CaseEvent.kind == "linked_report")).all()
    assert len(events) == 3 and not any(e.public for e in events)
    assert "我家也在3号楼，暖气也不热" in events[0].text and "李秀英" not in events[0].text


def test_a_linked_citizen_finds_the_case_again_by_their_phone(world, users):
    heat = world["cases"]["heat"]
    assert heat not in _ids(similar_cases(phone="+8613853617002"))
    similar.link_report(heat, {"name": "周大妈", "phone": "13853617002",
                               "text": "我们楼也不热"}, "hotline", users["office"])
    found = similar_cases(phone="+8613853617002", text="完全无关的话：公交站牌倒了")
    assert _ids(found) == [heat] and found[0][2] == ["same_phone"]


@pytest.mark.parametrize("ending", ["closed", "rejected", "merged"])
def test_a_finished_case_refuses_a_link_with_409(world, users, ending):
    heat, office = world["cases"]["heat"], users["office"]
    if ending == "rejected":
        cases.reject_case(heat, "不属于受理范围", office)
    elif ending == "merged":
        cases.merge_case(heat, world["cases"]["parking"], office)
    else:
        db.session.get(Case, heat).state = "closed"
        db.session.commit()
    version = db.session.get(Case, heat).version
    with pytest.raises(Conflict):
        similar.link_report(heat, {"phone": "13853617001", "text": "暖气不热"}, "hotline", office)
    assert db.session.get(Case, heat).version == version
    assert len(_citizens(heat)) == 1


def test_a_linked_citizen_gets_a_return_visit_too(world, users, ref):
    office, department = users["office"], users["department"]
    heat = world["cases"]["heat"]
    similar.link_report(heat, {"name": "李秀英", "phone": "13853617001", "text": "同样不热"},
                        "hotline", office)
    cases.dispatch_case(heat, ref.dept_a.id, [], office)
    cases.sign_case(heat, department)
    cases.reply_case(heat, {"reply_public": "已调整管网", "resolved": "yes"}, department)
    cases.review_reply(heat, True, "", office)
    reached = {"result": "reached", "resolved": "yes", "satisfaction": "satisfied"}
    return_visits.record_return_visit(heat, reached, office)
    assert db.session.get(Case, heat).state == "awaiting_visit"  # the linked citizen is next
    return_visits.record_return_visit(heat, reached, office)
    assert db.session.get(Case, heat).state == "closed"
    assert all(c.visited for c in _citizens(heat))


@pytest.mark.parametrize("report,field", [
    ({"text": "暖气不热"}, "phone"),
    ({"phone": "12345", "text": "暖气不热"}, "phone"),
    ({"phone": "13853617001"}, "text"),
    ({"phone": "13853617001", "text": "  "}, "text"),
    ({"phone": "13853617001", "text": "x", "name": "名" * 51}, "name"),
    ({"phone": "13853617001", "text": "x", "channel": "pigeon"}, "channel"),
])
def test_bad_link_input_is_a_400(world, api, report, field):
    heat = world["cases"]["heat"]
    answer = api("office")("POST", f"/api/v1/cases/{heat}/link", report)
    assert answer.status_code == 400 and field in answer.json["error"]["fields"]
    assert len(_citizens(heat)) == 1


@pytest.mark.parametrize("role", ROLES + (ANONYMOUS,))
def test_link_by_role(world, api, role):
    heat = world["cases"]["heat"]
    answer = api(role)("POST", f"/api/v1/cases/{heat}/link",
                       {"name": "李秀英", "phone": "13853617001", "text": "同样不热"})
    expected = {"admin": 200, "office": 200, "station": 404, ANONYMOUS: 401}.get(role, 403)
    assert answer.status_code == expected
    assert len(_citizens(heat)) == (2 if expected == 200 else 1)
    if expected == 200:
        row = answer.json["case"]
        assert row["id"] == heat and row["lookup_code"] and "citizen_phone" not in row


def test_link_api_answers_409_for_a_finished_case(world, users, api):
    heat = world["cases"]["heat"]
    cases.reject_case(heat, "不属于受理范围", users["office"])
    answer = api("office")("POST", f"/api/v1/cases/{heat}/link",
                           {"phone": "13853617001", "text": "暖气不热"})
    assert answer.status_code == 409 and answer.json["error"]["code"] == "case_not_open"


def test_a_station_links_to_its_own_case_or_one_of_the_same_phone_only(world, users, api):
    station = api("station")
    own = _station_case(users, world)
    hotline_case = world["cases"]["heat"]          # phone +8613853610001
    body = {"name": "张伟", "phone": "13853617002", "text": "暖气不热", "channel": "hotline"}
    assert station("POST", f"/api/v1/cases/{own}/link", body).status_code == 200
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == own,
                                                       CaseEvent.kind == "linked_report")).one()
    assert event.actor_id == users["station"].id  # and the channel is the station's own
    assert station("POST", f"/api/v1/cases/{hotline_case}/link", body).status_code == 404
    same_phone = station("POST", f"/api/v1/cases/{hotline_case}/link",
                         {**body, "phone": "138 5361 0001"})
    assert same_phone.status_code == 200 and same_phone.json["case"]["title"] is None
    assert station("POST", "/api/v1/cases/999999/link", body).status_code == 404


def test_link_report_service_checks_the_role(world, users):
    with pytest.raises(Forbidden):
        similar.link_report(world["cases"]["heat"], {"phone": "13853617001", "text": "x"},
                            "hotline", users["department"])
    with pytest.raises(NotFound):
        similar.link_report(999999, {"phone": "13853617001", "text": "x"}, "hotline",
                            users["office"])
    with pytest.raises(ValidationError):
        similar.link_report(world["cases"]["heat"], "not a dict", "hotline", users["office"])


# ----------------------------------------------------------------------------- pages
def test_the_hotline_page_has_the_suggestions_box(world, login_as):
    page = login_as("office").get("/office/hotline").get_data(as_text=True)
    assert 'data-testid="similar-suggestions"' in page
    assert "js/similar.js" in page
    assert page.index("js/similar.js") < page.index("js/hotline.js")


def test_no_case_count_changes_when_only_asking(world, api):
    count = db.session.scalar(select(func.count()).select_from(Case))
    api("office")("POST", "/api/v1/cases/similar", {"text": "阳光小区暖气不热",
                                                    "town_id": world["towns"]["A"]})
    assert db.session.scalar(select(func.count()).select_from(Case)) == count


def test_the_case_page_partial_names_its_case_and_loads_the_script(world, app):
    from flask import render_template

    heat = db.session.get(Case, world["cases"]["heat"])
    with app.test_request_context():
        html = render_template("cases/_similar.html", case=heat)
    assert f'data-similar-case="{heat.id}"' in html and "js/similar.js" in html
    assert "data-strings=" in html and "&#34;merge&#34;" in html  # JSON safely in an attribute
