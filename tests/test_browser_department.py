"""The department portal in Chromium: a case dispatched while pages are open appears live,
and the pages already read with "More" stay."""
import pytest

from .browser import ARTIFACTS, demo_server, launch, log_in

PASSWORD = "browser-department-password"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("browser-department"), PASSWORD) as running:
        yield running


def _dispatch_new_case(server, office, department_id, title):
    status, made = server.request("POST", "/api/v1/cases", {"title": title}, token=office)
    assert status == 201, made
    case = made["case"]
    status, body = server.request("POST", f"/api/v1/cases/{case['id']}/dispatch", {
        "lead_department_id": department_id, "version": case["version"]}, token=office)
    assert status == 200, body
    return case


def test_a_case_dispatched_meanwhile_joins_the_list_without_losing_later_pages(server):
    from playwright.sync_api import expect, sync_playwright
    office = server.token("office", PASSWORD)
    status, reference = server.request("GET", "/api/v1/reference", token=office)
    assert status == 200
    # the demo's department liaison works for the housing bureau (住建局)
    department_id = next(d["id"] for d in reference["departments"]
                         if d["code"] == "housing-construction")
    for n in range(55):  # more than one page of 50
        _dispatch_new_case(server, office, department_id, f"分页测试第{n}件")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = log_in(browser, server, "department", PASSWORD, "/department/")
            rows = page.locator("#case-rows tr")
            expect(rows).to_have_count(50)
            page.click("[data-testid=more]")
            expect(rows).not_to_have_count(50)
            read = rows.count()
            assert read > 50

            fresh = _dispatch_new_case(server, office, department_id, "刚派来的实时工单")
            expect(page.locator(f'#case-rows tr[data-case-id="{fresh["id"]}"]')).to_be_visible(
                timeout=10000)
            expect(rows).to_have_count(read + 1)   # on top of the pages read, not instead
            assert rows.first.get_attribute("data-case-id") == str(fresh["id"])
            page.screenshot(path=str(ARTIFACTS / "department-live.png"), full_page=True)
        finally:
            browser.close()
