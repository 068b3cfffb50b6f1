"""A citizen files a web complaint with a photo on a phone, in Debian's Chromium."""
import io
import re

import pytest
from PIL import Image

from .browser import ARTIFACTS, demo_server, launch

PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("complaints")
    with demo_server(folder, "browser-test-password",
                     UPLOAD_FOLDER=str(folder / "uploads")) as running:
        running.uploads = folder / "uploads"
        yield running


def test_file_a_complaint_with_a_photo_on_a_phone(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    photo = tmp_path / "漏水.jpg"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 160)).save(out, "JPEG")
    photo.write_bytes(out.getvalue())
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                          device_scale_factor=2, locale="zh-CN")
            page = context.new_page()
            page.goto(server.url + "/complaints/new")
            page.fill("#name", "张桂兰")
            page.fill("#phone", "0536-601 2345")
            town = page.locator("[data-testid=town] option").nth(1)
            town_id = town.get_attribute("value")
            page.select_option("[data-testid=town]", town_id)
            # Only that town's communities are offered now.
            offered = page.locator("[data-testid=community] option[data-town]")
            assert offered.count() > 0
            assert set(offered.evaluate_all("os => os.map(o => o.dataset.town)")) == {town_id}
            page.select_option("[data-testid=community]", index=1)
            page.fill("#problem", "小区门口的自来水管漏水三天了，路面结冰，老人出行危险。")
            page.set_input_files("#photos", str(photo))
            expect(page.locator("[data-testid=chosen-photos] li")).to_contain_text("漏水.jpg")

            # One column that fits the phone, with a big button to press.
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            assert page.locator("[data-testid=send]").bounding_box()["height"] >= 44
            page.screenshot(path=str(ARTIFACTS / "complaint-form-phone.png"), full_page=True)

            page.click("[data-testid=send]")
            page.wait_for_url(re.compile(r"/complaints/done$"), timeout=15000)
            number = page.locator("[data-testid=case-number]").inner_text().strip()
            code = page.locator("[data-testid=lookup-code]").inner_text().strip()
            page.screenshot(path=str(ARTIFACTS / "complaint-done-phone.png"), full_page=True)
        finally:
            browser.close()
    assert re.fullmatch(r"\d{4}-\d{4}", number) and re.fullmatch(r"\d{6}", code)
    status, body = server.request("GET", f"/api/v1/public/cases/{number}?code={code}")
    assert status == 200, body
    assert len([p for p in server.uploads.rglob("*.jpg")]) == 1
    for name in ("complaint-form-phone.png", "complaint-done-phone.png"):
        assert (ARTIFACTS / name).stat().st_size > 10000
