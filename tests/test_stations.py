"""Liaison stations: filing for residents, who sees the station's cases, admin pages, users."""
import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from callin.extensions import db
from callin.models import Case, CaseAttachment, OutboundSms, Station, User
from callin.services import cases, stations, users as user_service
from callin.sms_backends import MEMORY

from .factories import PASSWORD

PHONE, E164, SHOWN, MASKED = "138-5361-2345", "+8613853612345", "138 5361 2345", "138****2345"
NAME, MASKED_NAME = "王建国", "王**"


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def text(response):
    return response.get_data(as_text=True)


def logged_in(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client


@pytest.fixture(autouse=True)
def memory_backend():
    MEMORY.clear()
    yield MEMORY
    MEMORY.clear()


@pytest.fixture
def posts(ref, users):
    """Station A (town A, community A) with the fixture's station user and a colleague;
    station B (town B) with a user of its own."""
    admin = users["admin"]
    a = stations.save_station({"code": "MZ-DP", "name": "东坡社区联络站", "town_id": ref.town_a.id,
                               "community_id": ref.community_a.id}, admin)
    b = stations.save_station({"code": "LD-LC", "name": "龙城社区联络站", "town_id": ref.town_b.id,
                               "community_id": ref.community_b.id}, admin)
    user_service.update_user(users["station"].id, {"station_id": str(a.id)}, admin)
    colleague = user_service.create_user("station-a2", PASSWORD, "station", "同事", station_id=a.id)
    other = user_service.create_user("station-b", PASSWORD, "station", "龙城", station_id=b.id)
    return {"a": a, "b": b, "user": users["station"], "colleague": colleague, "other": other}


def resident(ref, **overrides):
    form = {"citizen_name": NAME, "phone": PHONE, "town_id": str(ref.town_a.id),
            "community_id": str(ref.community_a.id), "category_id": str(ref.cold.id),
            "nature": "help", "problem": "3号楼暖气不热\n老人独居，室温只有13度。"}
    form.update(overrides)
    return form


def file_case(client, form, **extra):
    return client.post("/station/cases", data=dict(form, **extra),
                       content_type="multipart/form-data")


def filed(app, posts, ref, **overrides):
    response = file_case(logged_in(app, posts["user"]), resident(ref, **overrides))
    assert response.status_code == 302, text(response)
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return db.session.get(Case, case_id)


# ---- the landing page ----

def test_a_station_user_lands_on_the_station_page(app, posts):
    client = logged_in(app, posts["user"])
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/station/")
    page = text(client.get("/station/"))
    assert "东坡社区联络站" in page and 'data-testid="file-form"' in page
    # duplicate suggestions while typing (static/js/similar.js, wired in station.js)
    assert 'data-testid="similar-suggestions"' in page and "js/similar.js" in page
    assert 'type="file" name="photos"' in page


def test_a_station_user_gets_similar_cases_of_its_station(app, posts, ref):
    case = filed(app, posts, ref)
    answer = logged_in(app, posts["colleague"]).post("/api/v1/cases/similar", json={
        "phone": PHONE, "text": "暖气不热", "town_id": ref.town_a.id})
    assert answer.status_code == 200 and [r["id"] for r in answer.json["cases"]] == [case.id]


@pytest.mark.parametrize("role", ["admin", "office", "department", "producer"])
def test_other_roles_cannot_open_or_post_to_the_station_page(login_as, ref, role):
    client = login_as(role)
    assert client.get("/station/").status_code == 403
    assert file_case(client, resident(ref)).status_code == 403
    assert count(Case) == 0


def test_the_form_offers_the_station_town_and_community(app, posts, ref):
    page = text(logged_in(app, posts["user"]).get("/station/"))
    assert re.search(rf'<option value="{ref.town_a.id}" selected>', page)
    assert re.search(rf'<option value="{ref.community_a.id}" selected>', page)


# ---- filing ----

def test_filing_opens_a_station_case_and_texts_the_resident(app, posts, ref, memory_backend):
    case = filed(app, posts, ref)
    assert case.channel == "station" and case.station_id == posts["a"].id
    assert case.created_by_id == posts["user"].id and case.state == "registered"
    assert case.citizen_phone == E164 and case.citizen_name == NAME
    assert case.title == "3号楼暖气不热" and "室温只有13度" in case.description
    assert (case.town_id, case.community_id, case.category_id) == (
        ref.town_a.id, ref.community_a.id, ref.cold.id)
    [sms] = db.session.scalars(select(OutboundSms).where(OutboundSms.case_id == case.id)).all()
    assert sms.to_phone == E164 and case.number in sms.text and case.lookup_code in sms.text
    assert [m["to"] for m in memory_backend.sent] == [E164]


def test_the_confirmation_shows_the_number_and_lookup_code(app, posts, ref):
    case = filed(app, posts, ref)
    page = text(logged_in(app, posts["user"]).get(f"/station/filed/{case.id}"))
    assert case.number in page and case.lookup_code in page


def test_town_and_community_default_to_the_station_when_not_sent(app, posts, ref):
    case = stations.file_for_resident({"phone": PHONE, "problem": "路灯不亮"}, posts["user"])
    assert (case.town_id, case.community_id) == (ref.town_a.id, ref.community_a.id)
    assert case.nature == "help" and case.title == "路灯不亮"


def test_photos_are_attached_to_the_filed_case(app, posts, ref, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    image.seek(0)
    response = file_case(logged_in(app, posts["user"]), resident(ref),
                         photos=(image, "门口.png"))
    assert response.status_code == 302
    [photo] = db.session.scalars(select(CaseAttachment)).all()
    assert photo.width == 40 and photo.case_id == db.session.scalars(select(Case.id)).one()


def test_a_file_that_is_not_a_photo_files_nothing(app, posts, ref, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    response = file_case(logged_in(app, posts["user"]), resident(ref),
                         photos=(io.BytesIO(b"not an image at all"), "fake.jpg"))
    assert response.status_code == 400 and 'id="photos-error"' in text(response)
    assert count(Case) == 0 and count(OutboundSms) == 0


def test_missing_phone_and_problem_are_both_reported_and_the_typing_kept(app, posts, ref):
    response = file_case(logged_in(app, posts["user"]), resident(ref, phone="", problem=""))
    page = text(response)
    assert response.status_code == 400
    assert 'id="phone-error"' in page and 'id="problem-error"' in page
    assert f'value="{NAME}"' in page  # what was typed is still there
    assert count(Case) == 0 and count(OutboundSms) == 0


@pytest.mark.parametrize("field, value", [
    ("phone", "12345"), ("phone", "<script>"), ("community_id", "community_b"),
    ("category_id", "999999"), ("town_id", "abc"), ("nature", "gossip"),
    ("problem", "长" * 4001), ("citizen_name", "名" * 51)])
def test_each_bad_field_is_refused_with_its_reason(app, posts, ref, field, value):
    if value == "community_b":
        value = str(ref.community_b.id)  # a community of town B with town A chosen
    response = file_case(logged_in(app, posts["user"]), resident(ref, **{field: value}))
    assert response.status_code == 400
    assert f'id="{field}-error"' in text(response)
    assert "&lt;script&gt;" in text(response) or value != "<script>"
    assert count(Case) == 0


def test_a_station_user_without_a_station_cannot_file(login_as, ref):
    client = login_as("station")  # the fixture's user, not linked to any station
    assert 'data-testid="no-station"' in text(client.get("/station/"))
    assert file_case(client, resident(ref)).status_code == 403
    assert count(Case) == 0


def test_an_inactive_station_cannot_file(app, posts, ref, users):
    stations.set_station_active(posts["a"].id, False, users["admin"])
    response = file_case(logged_in(app, posts["user"]), resident(ref))
    assert response.status_code == 403 and count(Case) == 0


# ---- who sees the station's cases ----

def test_every_user_of_the_station_sees_its_cases_masked(app, posts, ref):
    case = filed(app, posts, ref)
    for user in (posts["user"], posts["colleague"]):
        client = logged_in(app, user)
        page = text(client.get("/station/"))
        assert case.number in page and MASKED in page and MASKED_NAME in page
        assert SHOWN not in page and E164 not in page
        [row] = client.get("/api/v1/cases").json["cases"]
        assert row["id"] == case.id and row["citizen_phone"] == MASKED
        assert client.get(f"/cases/{case.id}").status_code == 200
        assert client.get(f"/api/v1/cases/{case.id}").status_code == 200


def test_the_station_list_filters_by_state_and_text(app, posts, ref, users):
    first = filed(app, posts, ref)
    filed(app, posts, ref, problem="路灯不亮")
    cases.dispatch_case(first.id, ref.dept_a.id, [], users["office"])
    client = logged_in(app, posts["user"])
    assert [r["id"] for r in client.get("/api/v1/cases?state=dispatched").json["cases"]] == [
        first.id]
    assert len(client.get("/api/v1/cases?text=路灯").json["cases"]) == 1
    page = text(client.get("/station/?state=dispatched"))
    assert first.number in page and ref.dept_a.name in page


def test_another_station_sees_none_of_them(app, posts, ref):
    case = filed(app, posts, ref)
    client = logged_in(app, posts["other"])
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/api/v1/cases/{case.id}").status_code == 404
    assert client.get(f"/station/filed/{case.id}").status_code == 404
    assert client.get("/api/v1/cases").json["cases"] == []
    assert case.number not in text(client.get("/station/"))


def test_the_office_sees_the_case_unmasked_and_dispatches_it(app, posts, ref, login_as, users):
    case = filed(app, posts, ref)
    office = login_as("office")
    [row] = office.get("/api/v1/cases?state=registered").json["cases"]
    assert row["id"] == case.id and row["channel"] == "station" and row["citizen_phone"] == SHOWN
    answer = office.post(f"/api/v1/cases/{case.id}/dispatch",
                         json={"lead_department_id": ref.dept_a.id})
    assert answer.status_code == 200
    # the department handling it sees it masked, like any case
    assert login_as("department").get("/api/v1/cases").json["cases"][0]["citizen_phone"] == MASKED


def test_a_station_user_may_reveal_the_resident_and_it_is_logged(app, posts, ref):
    case = filed(app, posts, ref)
    answer = logged_in(app, posts["user"]).post(f"/api/v1/cases/{case.id}/reveal")
    assert answer.status_code == 200 and answer.json["citizen_phone"] == SHOWN
    from callin.models import Reveal
    assert count(Reveal, Reveal.case_id == case.id) == 1


# ---- admin: stations ----

def station_form(ref, **overrides):
    form = {"code": "SW-ZF", "name": "诸冯社区联络站", "town_id": str(ref.town_a.id),
            "community_id": str(ref.community_a.id), "contact_name": "刘玉兰",
            "contact_phone": "0536 601 2345", "is_active": "1"}
    form.update(overrides)
    return form


def test_admin_creates_lists_edits_and_deactivates_a_station(login_as, ref):
    admin = login_as("admin")
    assert admin.post("/admin/stations/new", data=station_form(ref)).status_code == 302
    station = db.session.scalars(select(Station).where(Station.code == "SW-ZF")).one()
    assert station.contact_phone == "+865366012345" and station.is_active
    page = text(admin.get("/admin/stations"))
    assert "诸冯社区联络站" in page and "SW-ZF" in page
    assert "诸冯社区联络站" in text(admin.get("/admin/stations?q=sw-zf"))
    assert "诸冯社区联络站" not in text(admin.get("/admin/stations?q=nothing"))
    edit = station_form(ref, name="诸冯社区联络站（新）", town_id=str(ref.town_b.id),
                        community_id=str(ref.community_b.id))
    assert admin.post(f"/admin/stations/{station.id}", data=edit).status_code == 302
    db.session.expire_all()
    assert station.name == "诸冯社区联络站（新）" and station.town_id == ref.town_b.id
    assert admin.post(f"/admin/stations/{station.id}/active",
                      data={"active": "0"}).status_code == 302
    db.session.expire_all()
    assert station.is_active is False
    assert 'href="/admin/stations"' in text(admin.get("/admin/"))  # linked in the admin nav


@pytest.mark.parametrize("field, value", [
    ("code", ""), ("name", ""), ("town_id", ""), ("community_id", "community_b"),
    ("contact_phone", "12345"), ("code", "x" * 33)])
def test_admin_station_form_refuses_bad_values(login_as, ref, field, value):
    if value == "community_b":
        value = str(ref.community_b.id)
    response = login_as("admin").post("/admin/stations/new",
                                      data=station_form(ref, **{field: value}))
    assert response.status_code == 400 and f'id="{field}-error"' in text(response)
    assert count(Station) == 0


def test_admin_station_code_must_be_unique(login_as, ref):
    admin = login_as("admin")
    admin.post("/admin/stations/new", data=station_form(ref))
    response = admin.post("/admin/stations/new", data=station_form(ref, name="另一个"))
    assert response.status_code == 409 and 'id="code-error"' in text(response)
    assert count(Station) == 1


@pytest.mark.parametrize("role", ["office", "station", "producer"])
def test_only_the_admin_manages_stations(login_as, ref, role):
    client = login_as(role)
    assert client.get("/admin/stations").status_code == 403
    assert client.post("/admin/stations/new", data=station_form(ref)).status_code == 403
    assert count(Station) == 0


# ---- users and their station ----

def new_user(**overrides):
    form = {"username": "lianluo", "display_name": "联络员", "role": "station",
            "department_id": "", "station_id": "", "password": "long-enough"}
    form.update(overrides)
    return form


def test_a_new_station_user_needs_a_station(login_as, posts):
    admin = login_as("admin")
    response = admin.post("/admin/users/new", data=new_user())
    assert response.status_code == 400 and 'id="station_id-error"' in text(response)
    assert count(User, User.username == "lianluo") == 0
    ok = admin.post("/admin/users/new", data=new_user(station_id=str(posts["b"].id)))
    assert ok.status_code == 302
    user = db.session.scalars(select(User).where(User.username == "lianluo")).one()
    assert user.station_id == posts["b"].id


def test_other_roles_may_not_have_a_station(login_as, posts):
    response = login_as("admin").post("/admin/users/new", data=new_user(
        role="producer", station_id=str(posts["a"].id)))
    assert response.status_code == 400 and 'id="station_id-error"' in text(response)
    assert count(User, User.username == "lianluo") == 0


def test_editing_a_user_moves_them_to_another_station_or_refuses(login_as, posts):
    admin, user = login_as("admin"), posts["user"]
    form = {"display_name": "联络员", "role": "station", "department_id": "",
            "station_id": str(posts["b"].id)}
    assert admin.post(f"/admin/users/{user.id}", data=form).status_code == 302
    db.session.expire_all()
    assert user.station_id == posts["b"].id
    for bad in ({"station_id": ""}, {"role": "producer"}, {"station_id": "999999"}):
        response = admin.post(f"/admin/users/{user.id}", data=dict(form, **bad))
        assert response.status_code == 400 and 'id="station_id-error"' in text(response)
    db.session.expire_all()
    assert user.role == "station" and user.station_id == posts["b"].id
    page = text(admin.get(f"/admin/users/{user.id}"))
    assert re.search(rf'<option value="{posts["b"].id}" selected>', page)


def test_create_user_command_takes_a_station_code(app, posts):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "zhan2", "--role", "station", "--station",
                                 "LD-LC", "--password", "long-enough"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.username == "zhan2")).one()
    assert user.station_id == posts["b"].id
    missing = runner.invoke(args=["create-user", "zhan3", "--role", "station",
                                  "--password", "long-enough"])
    unknown = runner.invoke(args=["create-user", "zhan4", "--role", "station", "--station",
                                  "NOPE", "--password", "long-enough"])
    wrong_role = runner.invoke(args=["create-user", "zhan5", "--role", "host", "--station",
                                     "LD-LC", "--password", "long-enough"])
    assert missing.exit_code != 0 and "--station" in missing.output
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
    assert wrong_role.exit_code != 0 and "station_id" in wrong_role.output
    assert count(User, User.username.in_(["zhan3", "zhan4", "zhan5"])) == 0


# ---- the demo ----

def test_the_demo_station_user_has_a_station_and_its_cases(app):
    from callin.services import demo
    demo.seed("demo-password")
    user = db.session.scalars(select(User).where(User.username == "station")).one()
    assert user.station is not None and count(Station) >= 5
    mine = db.session.scalars(select(Case).where(Case.station_id == user.station_id)).all()
    assert len(mine) >= 2 and all(c.channel == "station" for c in mine)
    assert {c.state for c in mine} >= {"registered", "dispatched"}
