"""Admin pages: users, departments, towns and communities, categories, shows."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from callin.extensions import db
from callin.models import ROLES, Category, Community, Department, Show, Town, User

from . import factories

OTHER_ROLES = [role for role in ROLES if role != "admin"]
PAGES = ["/admin/", "/admin/users", "/admin/users/new", "/admin/departments",
         "/admin/departments/new", "/admin/towns", "/admin/categories", "/admin/shows",
         "/admin/shows/new"]


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def text(response):
    return response.get_data(as_text=True)


def shows_problem(html, field):
    """Whether the page marks `field` as wrong and says why."""
    return f'id="{field}-error"' in html and f'aria-describedby="{field}-error"' in html


def input_value(html, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match and match.group(1)


@pytest.fixture
def admin(login_as):
    return login_as("admin")


# ---- who may open the pages ----

@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_on_every_admin_page(login_as, role):
    client = login_as(role)
    for path in PAGES:
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_cannot_post_to_admin_forms(login_as, ref, users, role):
    client = login_as(role)
    show = factories.make_show(users["producer"], ref.dept_a)
    posts = {"/admin/users/new": {"username": "intruder", "password": "long-enough",
                                  "role": "admin"},
             f"/admin/users/{users['host'].id}/enabled": {"enabled": "0"},
             "/admin/departments/new": {"name": "新部门", "code": "new", "kind": "bureau"},
             f"/admin/departments/{ref.dept_a.id}/active": {"active": "0"},
             "/admin/towns": {"name": "新镇"},
             f"/admin/towns/{ref.town_a.id}/communities": {"name": "新社区"},
             "/admin/categories": {"name": "新类别"},
             f"/admin/shows/{show.id}/start": {}}
    for path, data in posts.items():
        assert client.post(path, data=data).status_code == 403, path
    assert count(User, User.username == "intruder") == 0
    assert count(Department) == 2 and count(Town) == 2 and count(Community) == 2
    assert count(Category) == 3
    assert db.session.get(User, users["host"].id).is_enabled
    assert db.session.get(Department, ref.dept_a.id).is_active
    assert db.session.get(Show, show.id).state == "scheduled"


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_admin_index_shows_the_counts_and_links(admin, users, ref):
    html = text(admin.get("/admin/"))
    for path in PAGES[1:]:
        if not path.endswith("/new"):
            assert f'href="{path}"' in html
    assert re.search(r'class="figure">\s*8\s*<', html)  # eight users, one per role


# ---- users ----

def test_admin_lists_users(admin, users):
    html = text(admin.get("/admin/users"))
    for role in ROLES:
        assert f"<code>{role}</code>" in html


def test_admin_creates_a_user_with_role_and_department(admin, ref):
    response = admin.post("/admin/users/new", data={
        "username": "liu", "display_name": "刘导播", "role": "guest",
        "department_id": str(ref.dept_b.id), "password": "a-long-password"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users")
    user = db.session.scalars(select(User).where(User.username == "liu")).one()
    assert (user.role, user.department_id, user.display_name) == ("guest", ref.dept_b.id, "刘导播")
    assert user.check_password("a-long-password")
    assert "liu" in text(admin.get("/admin/users"))  # the flash and the list


def test_bad_user_form_is_shown_again_with_every_problem(admin, users):
    before = count(User)
    response = admin.post("/admin/users/new", data={
        "username": "", "display_name": "小王", "role": "guest", "department_id": "",
        "password": "short"})
    html = text(response)
    assert response.status_code == 400
    assert 'class="flash error"' in html
    for field in ("username", "password", "department_id"):
        assert shows_problem(html, field), field
    assert input_value(html, "display_name") == "小王"
    assert input_value(html, "password") == ""  # never echoed back
    assert count(User) == before


def test_taken_username_is_a_conflict(admin, users):
    response = admin.post("/admin/users/new", data={
        "username": "host", "role": "host", "password": "a-long-password"})
    assert response.status_code == 409
    assert 'class="flash error"' in text(response)
    assert count(User, User.username == "host") == 1


def test_admin_edits_a_user(admin, users, ref):
    user = users["office"]
    response = admin.post(f"/admin/users/{user.id}", data={
        "display_name": "新名字", "role": "department", "department_id": str(ref.dept_b.id)})
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert (user.display_name, user.role, user.department_id) == ("新名字", "department",
                                                                   ref.dept_b.id)
    html = text(admin.get(f"/admin/users/{user.id}"))
    assert input_value(html, "display_name") == "新名字"


def test_bad_user_edit_changes_nothing(admin, users):
    user = users["office"]
    response = admin.post(f"/admin/users/{user.id}", data={
        "display_name": "x" * 101, "role": "pilot", "department_id": "99999"})
    html = text(response)
    assert response.status_code == 400
    for field in ("display_name", "role", "department_id"):
        assert shows_problem(html, field), field
    user = db.session.get(User, user.id)
    assert (user.display_name, user.role) == ("Office", "office")


def test_admin_cannot_change_own_role(admin, users):
    response = admin.post(f"/admin/users/{users['admin'].id}", data={
        "display_name": "Admin", "role": "host", "department_id": ""})
    assert response.status_code == 400
    assert db.session.get(User, users["admin"].id).role == "admin"


def test_admin_resets_a_password(admin, users):
    user = users["host"]
    assert admin.post(f"/admin/users/{user.id}/password",
                      data={"password": "brand-new-secret"}).status_code == 302
    assert db.session.get(User, user.id).check_password("brand-new-secret")
    response = admin.post(f"/admin/users/{user.id}/password", data={"password": "short"})
    assert response.status_code == 400 and shows_problem(text(response), "password")
    assert db.session.get(User, user.id).check_password("brand-new-secret")


def test_admin_disables_and_enables_a_user(admin, users, app):
    user = users["host"]
    assert admin.post(f"/admin/users/{user.id}/enabled", data={"enabled": "0"}).status_code == 302
    assert not db.session.get(User, user.id).is_enabled
    login = app.test_client().post("/login", data={"username": "host",
                                                   "password": factories.PASSWORD})
    assert login.status_code == 401
    assert admin.post(f"/admin/users/{user.id}/enabled", data={"enabled": "1"}).status_code == 302
    assert db.session.get(User, user.id).is_enabled


def test_admin_cannot_disable_own_account(admin, users):
    response = admin.post(f"/admin/users/{users['admin'].id}/enabled", data={"enabled": "0"})
    assert response.status_code == 409 and 'class="flash error"' in text(response)
    assert db.session.get(User, users["admin"].id).is_enabled


def test_unknown_user_is_404(admin, users):
    assert admin.get("/admin/users/99999").status_code == 404


def test_ids_too_long_for_the_database_are_refused_cleanly(admin, ref, users):
    big = "9" * 25
    assert admin.get(f"/admin/users/{big}").status_code == 404
    assert admin.post(f"/admin/towns/{big}/communities", data={"name": "x"}).status_code == 404
    response = admin.post("/admin/users/new", data={
        "username": "x1", "password": "long-enough", "role": "guest", "department_id": big})
    assert response.status_code == 400 and shows_problem(text(response), "department_id")
    assert admin.post("/admin/categories", data={"name": "x", "parent_id": big}).status_code == 400
    response = admin.post("/admin/shows/new", data=show_form(ref, department_id=big))
    assert response.status_code == 400 and shows_problem(text(response), "department_id")
    assert count(User) == len(ROLES) and count(Category) == 3 and count(Show) == 0


# ---- departments ----

def test_admin_lists_and_searches_departments(admin, ref):
    html = text(admin.get("/admin/departments"))
    assert ref.dept_a.name in html and ref.dept_b.name in html
    html = text(admin.get("/admin/departments", query_string={"q": "热力"}))
    assert ref.dept_a.name in html and ref.dept_b.name not in html
    html = text(admin.get("/admin/departments", query_string={"q": "WATER"}))  # by code
    assert ref.dept_b.name in html and ref.dept_a.name not in html
    html = text(admin.get("/admin/departments", query_string={"q": "%"}))  # literal, not a wildcard
    assert ref.dept_a.name not in html
    assert admin.get("/admin/departments", query_string={"q": "热\x00力"}).status_code == 200


def test_admin_creates_a_department(admin, ref):
    response = admin.post("/admin/departments/new", data={
        "name": "诸城市民政局", "code": "civil-affairs", "kind": "bureau", "is_active": "1"})
    assert response.status_code == 302
    dept = db.session.scalars(select(Department).where(Department.code == "civil-affairs")).one()
    assert (dept.name, dept.kind, dept.is_active) == ("诸城市民政局", "bureau", True)


def test_department_with_empty_name_is_shown_again(admin, ref):
    response = admin.post("/admin/departments/new", data={
        "name": "  ", "code": "civil-affairs", "kind": "bureau", "is_active": "1"})
    html = text(response)
    assert response.status_code == 400 and shows_problem(html, "name")
    assert input_value(html, "code") == "civil-affairs"
    assert count(Department) == 2


def test_duplicate_department_name_is_a_conflict_that_keeps_the_input(admin, ref):
    response = admin.post("/admin/departments/new", data={
        "name": ref.dept_a.name, "code": "heating-2", "kind": "utility", "is_active": "1"})
    html = text(response)
    assert response.status_code == 409 and 'class="flash error"' in html
    assert input_value(html, "name") == ref.dept_a.name
    assert input_value(html, "code") == "heating-2"
    assert count(Department) == 2


def test_admin_edits_a_department(admin, ref):
    html = text(admin.get(f"/admin/departments/{ref.dept_b.id}"))
    assert input_value(html, "name") == ref.dept_b.name
    response = admin.post(f"/admin/departments/{ref.dept_b.id}", data={
        "name": "诸城市供水公司", "code": "water", "kind": "utility", "is_active": "1"})
    assert response.status_code == 302
    assert db.session.get(Department, ref.dept_b.id).name == "诸城市供水公司"


def test_department_edit_to_a_taken_name_changes_nothing(admin, ref):
    response = admin.post(f"/admin/departments/{ref.dept_b.id}", data={
        "name": ref.dept_a.name, "code": "water", "kind": "utility", "is_active": "1"})
    assert response.status_code == 409
    assert db.session.get(Department, ref.dept_b.id).name == "诸城市自来水公司"


def test_admin_deactivates_and_activates_a_department(admin, ref):
    url = f"/admin/departments/{ref.dept_b.id}/active"
    assert admin.post(url, data={"active": "0"}).status_code == 302
    dept = db.session.get(Department, ref.dept_b.id)
    assert not dept.is_active and dept.name == "诸城市自来水公司" and dept.code == "water"
    assert admin.post(url, data={"active": "1"}).status_code == 302
    assert db.session.get(Department, ref.dept_b.id).is_active


# ---- towns and communities ----

def test_admin_lists_towns_with_their_communities(admin, ref):
    html = text(admin.get("/admin/towns"))
    for name in (ref.town_a.name, ref.town_b.name, ref.community_a.name, ref.community_b.name):
        assert name in html


def test_admin_adds_a_town_and_a_community(admin, ref):
    assert admin.post("/admin/towns", data={"name": "舜王街道"}).status_code == 302
    town = db.session.scalars(select(Town).where(Town.name == "舜王街道")).one()
    response = admin.post(f"/admin/towns/{town.id}/communities", data={"name": "舜都社区"})
    assert response.status_code == 302
    assert [c.name for c in db.session.get(Town, town.id).communities] == ["舜都社区"]
    assert "舜都社区" in text(admin.get("/admin/towns"))


def test_bad_town_and_community_are_shown_again(admin, ref):
    response = admin.post("/admin/towns", data={"name": ""})
    assert response.status_code == 400 and shows_problem(text(response), "name")
    response = admin.post("/admin/towns", data={"name": ref.town_a.name})
    assert response.status_code == 409 and 'class="flash error"' in text(response)
    url = f"/admin/towns/{ref.town_a.id}/communities"
    response = admin.post(url, data={"name": ""})
    assert response.status_code == 400 and shows_problem(text(response), "name")
    response = admin.post(url, data={"name": ref.community_a.name})
    html = text(response)
    assert response.status_code == 409
    kept = re.search(rf'id="community-{ref.town_a.id}"[^>]*value="([^"]*)"', html)
    assert kept and kept.group(1) == ref.community_a.name  # kept in that town's form
    assert count(Town) == 2 and count(Community) == 2
    assert admin.post("/admin/towns/99999/communities", data={"name": "x"}).status_code == 400
    assert count(Community) == 2


# ---- categories ----

def test_admin_lists_the_category_tree(admin, ref):
    html = text(admin.get("/admin/categories"))
    assert ref.category.name in html and ref.cold.name in html and ref.fees.name in html


def test_admin_adds_top_level_and_child_categories(admin, ref):
    assert admin.post("/admin/categories", data={"name": "供水", "parent_id": ""}).status_code == 302
    top = db.session.scalars(select(Category).where(Category.name == "供水")).one()
    assert top.parent_id is None
    response = admin.post("/admin/categories", data={"name": "停水", "parent_id": str(top.id)})
    assert response.status_code == 302
    child = db.session.scalars(select(Category).where(Category.name == "停水")).one()
    assert child.parent_id == top.id


def test_bad_categories_are_shown_again(admin, ref):
    response = admin.post("/admin/categories", data={"name": "", "parent_id": ""})
    assert response.status_code == 400 and shows_problem(text(response), "name")
    response = admin.post("/admin/categories", data={"name": "三级", "parent_id": str(ref.cold.id)})
    assert response.status_code == 400  # only two levels
    assert input_value(text(response), "name") == "三级"
    response = admin.post("/admin/categories", data={"name": ref.cold.name,
                                                     "parent_id": str(ref.category.id)})
    assert response.status_code == 409
    assert count(Category) == 3


# ---- shows ----

def show_form(ref, **overrides):
    values = {"title": "行风在线 · 自来水公司", "department_id": str(ref.dept_b.id),
              "guest_names": "总经理 张三", "starts_at": "2026-12-03T09:00", "duration_min": "60",
              "airtime_limit_s": "240", "wait_warning_s": "300"}
    values.update(overrides)
    return values


def test_admin_schedules_a_show_in_beijing_time(admin, ref):
    response = admin.post("/admin/shows/new", data=show_form(ref, airtime_limit_s="180"))
    assert response.status_code == 302
    show = db.session.scalars(select(Show)).one()
    assert show.starts_at == datetime(2026, 12, 3, 1, 0, tzinfo=timezone.utc)
    assert (show.department_id, show.airtime_limit_s, show.state) == (ref.dept_b.id, 180,
                                                                      "scheduled")
    html = text(admin.get("/admin/shows"))
    assert "2026-12-03 09:00" in html and "行风在线 · 自来水公司" in html


def test_bad_show_date_is_shown_again_and_nothing_is_written(admin, ref):
    response = admin.post("/admin/shows/new",
                          data=show_form(ref, starts_at="2026-02-30T09:00", duration_min="5"))
    html = text(response)
    assert response.status_code == 400
    assert shows_problem(html, "starts_at") and shows_problem(html, "duration_min")
    assert input_value(html, "title") == "行风在线 · 自来水公司"
    assert input_value(html, "starts_at") == "2026-02-30T09:00"
    response = admin.post("/admin/shows/new", data=show_form(ref, title="", starts_at=""))
    assert response.status_code == 400 and shows_problem(text(response), "title")
    assert count(Show) == 0


def test_admin_edits_a_scheduled_show(admin, ref, users):
    show = factories.make_show(users["producer"], ref.dept_a)
    html = text(admin.get(f"/admin/shows/{show.id}"))
    assert input_value(html, "title") == show.title
    response = admin.post(f"/admin/shows/{show.id}",
                          data=show_form(ref, title="改期", starts_at="2026-12-10T20:30"))
    assert response.status_code == 302
    show = db.session.get(Show, show.id)
    assert show.title == "改期" and show.department_id == ref.dept_b.id
    assert show.starts_at == datetime(2026, 12, 10, 12, 30, tzinfo=timezone.utc)


def test_show_edit_may_not_blank_the_title(admin, ref, users):
    show = factories.make_show(users["producer"], ref.dept_a)
    response = admin.post(f"/admin/shows/{show.id}", data=show_form(ref, title=" "))
    assert response.status_code == 400 and shows_problem(text(response), "title")
    assert db.session.get(Show, show.id).title == show.title


def test_admin_takes_a_show_live_and_ends_it(admin, ref, users):
    show = factories.make_show(users["producer"], ref.dept_a)
    assert admin.post(f"/admin/shows/{show.id}/start").status_code == 302
    show = db.session.get(Show, show.id)
    assert show.state == "live" and show.lines_open
    assert admin.post(f"/admin/shows/{show.id}/end").status_code == 302
    assert db.session.get(Show, show.id).state == "ended"
    assert 'class="stack plain" disabled' in text(admin.get(f"/admin/shows/{show.id}"))
    response = admin.post(f"/admin/shows/{show.id}", data=show_form(ref))
    assert response.status_code == 409  # an ended show's details are final
    assert db.session.get(Show, show.id).title != "行风在线 · 自来水公司"


def test_second_live_show_in_the_studio_is_refused_on_the_list(admin, ref, users):
    live = factories.make_show(users["producer"], ref.dept_a, live=True)
    other = factories.make_show(users["producer"], ref.dept_b, title="下一期")
    response = admin.post(f"/admin/shows/{other.id}/start")
    assert response.status_code == 409 and 'class="flash error"' in text(response)
    assert db.session.get(Show, other.id).state == "scheduled"
    assert db.session.get(Show, live.id).state == "live"


def test_shows_list_filters_by_state(admin, ref, users):
    factories.make_show(users["producer"], ref.dept_a, live=True, title="正在直播")
    factories.make_show(users["producer"], ref.dept_b, title="下一期")
    html = text(admin.get("/admin/shows", query_string={"state": "live"}))
    assert "正在直播" in html and "下一期" not in html
    html = text(admin.get("/admin/shows", query_string={"state": "bogus"}))
    assert "正在直播" in html and "下一期" in html


# ---- the shared pages ----

@pytest.mark.parametrize("role", ROLES)
def test_start_page_lists_what_the_role_can_open(login_as, role):
    html = text(login_as(role).get("/?stay=1"))
    assert ('href="/admin/"' in html) == (role == "admin")
    assert ('href="/producer/"' in html) == (role in ("admin", "producer"))
    assert ('href="/studio/host"' in html) == (role == "host")
    assert ('href="/studio/guest"' in html) == (role == "guest")
    assert 'href="/onair"' in html


def test_login_and_error_pages_render(client, app):
    html = text(client.get("/login"))
    assert 'name="csrf-token"' in html and 'name="username"' in html
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "404" in text(response)


def test_language_switch_keeps_the_page_and_its_query_but_not_the_old_language(admin, ref):
    html = text(admin.get("/admin/departments?q=water&lang=en"))
    link = re.search(r'<a class="lang"[^>]*href="([^"]*)"', html).group(1)
    assert link.startswith("/lang/zh?next=")
    assert "q%3Dwater" in link and "lang%3D" not in link
