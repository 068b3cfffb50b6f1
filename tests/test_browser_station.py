"""A liaison station files a resident's problem in Debian's Chromium and then finds it in its
list; the office sees the new case."""
import pytest

from .browser import ARTIFACTS, demo_server, launch, log_in

PASSWORD = "browser-station-password"
PROBLEM = "东坡社区5号楼下水道堵塞\n污水漫到楼道里，已经三天了。"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-station")
    with demo_server(folder, PASSWORD, UPLOAD_FOLDER=str(folder / "uploads")) as running:
        yield running


def test_a_station_files_for_a_resident_and_follows_the_case(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = log_in(browser, server, "station", PASSWORD, "/station/", live=False)
            form = page.locator("[data-testid=file-form]")
            form.locator("input[name=citizen_name]").fill("刘桂芝")
            form.locator("input[name=phone]").fill("0536-601 2345")
            form.locator("textarea[name=problem]").fill(PROBLEM)
            page.click("[data-testid=file-submit]")
            number = page.locator("[data-testid=filed-number]")
            expect(number).to_be_visible(timeout=10000)
            filed = number.inner_text().strip()
            assert len(page.locator("[data-testid=filed-code]").inner_text().strip()) == 6
            page.screenshot(path=str(ARTIFACTS / "station-filed.png"), full_page=True)

            page.goto(server.url + "/station/")
            row = page.locator("[data-testid=case-list] tr", has_text=filed)
            expect(row).to_contain_text("东坡社区5号楼下水道堵塞")
            assert "0536" not in row.inner_text()   # the resident's number is masked here

            # the filters load through the API without leaving the page
            page.fill("#filters input[name=text]", "下水道")
            page.press("#filters input[name=text]", "Enter")
            expect(page.locator("#case-rows tr")).to_have_count(1)
            expect(page.locator("#case-rows tr")).to_contain_text(filed)
            assert page.url.endswith("?text=%E4%B8%8B%E6%B0%B4%E9%81%93")
            page.fill("#filters input[name=text]", "没有这种工单")
            page.press("#filters input[name=text]", "Enter")
            expect(page.locator("#empty")).to_be_visible()
        finally:
            browser.close()
    office = server.token("office", PASSWORD)
    status, found = server.request("GET", f"/api/v1/cases?number={filed}", token=office)
    assert status == 200 and [c["channel"] for c in found["cases"]] == ["station"]
    assert found["cases"][0]["citizen_phone"] == "0536 601 2345"
