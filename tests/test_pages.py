"""Server-rendered pages: login, who may open which page, no personal data on public pages."""
import re

import pytest

from callin.models import ROLES

from .factories import PASSWORD, make_call

PAGES = {
    "/producer/": ("producer", "admin"),
    "/studio/host": ("host",),
    "/studio/guest": ("guest",),
    "/admin/": ("admin",),
}


def test_login_page_and_wrong_password(client, users):
    assert client.get("/login").status_code == 200
    response = client.post("/login", data={"username": "producer", "password": "wrong"})
    assert response.status_code == 401
    assert "producer" in response.get_data(as_text=True)  # what was typed is kept


@pytest.mark.parametrize("role,home", [("producer", "/producer/"), ("host", "/studio/host"),
                                       ("department", "/department/"),
                                       ("guest", "/studio/guest"), ("admin", "/admin/"),
                                       ("office", "/office/"), ("field", "/?stay=1")])
def test_login_leads_each_role_to_its_screen(client, users, role, home):
    response = client.post("/login", data={"username": role, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith(home)
    assert client.get(home).status_code == 200


def test_login_ignores_an_outside_next_target(client, users):
    response = client.post("/login?next=//evil.example/", data={"username": "host",
                                                                 "password": PASSWORD})
    assert response.headers["Location"].endswith("/studio/host")


def test_logout(login_as):
    client = login_as("host")
    assert client.post("/logout").status_code == 302
    assert client.get("/studio/host").status_code == 302


@pytest.mark.parametrize("path,allowed", sorted(PAGES.items()))
@pytest.mark.parametrize("role", ROLES)
def test_page_access_by_role(login_as, live_show, path, allowed, role):
    status = login_as(role).get(path).status_code
    assert status == (200 if role in allowed else 403)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_pages_send_anonymous_visitors_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_report_page_has_no_phone_numbers(login_as, live_show, users, ref):
    make_call(live_show, users, ref, state="done", phone="13853677777")
    page = login_as("office").get(f"/producer/shows/{live_show.id}/report")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "小区暖气温度不达标" in text and "13853677777" not in text and "5367 7777" not in text


def test_public_now_on_air_page_has_no_personal_data(client, live_show, users, ref):
    make_call(live_show, users, ref, state="on_air", phone="13853677777", name="王建国")
    page = client.get("/onair")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert live_show.title in text
    assert "王建国" not in text and not re.search(r"1[3-9]\d{9}|\d{4} \d{4}", text)


def test_studio_pages_carry_no_phone_numbers(login_as, live_show, users, ref):
    make_call(live_show, users, ref, state="ready", phone="13853677777")
    for role, path in (("host", "/studio/host"), ("guest", "/studio/guest")):
        text = login_as(role).get(path).get_data(as_text=True)
        assert "13853677777" not in text and "5367 7777" not in text


def test_chinese_is_the_default_and_english_is_selectable(client, users):
    chinese = client.get("/login").get_data(as_text=True)
    assert "登录" in chinese
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in english and "登录" not in english
    assert "Log in" in client.get("/login").get_data(as_text=True)  # the choice is remembered


def test_unknown_page_is_a_404_page_not_a_500(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
