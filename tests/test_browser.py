"""The flow people use most, in Debian's Chromium: screen a call, the studio sees it live, air it."""
import pytest

from .browser import ARTIFACTS, demo_server, fresh_show, launch, log_in

PASSWORD = "browser-test-password"
TOPIC = "浏览器测试：小区暖气不热"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("browser"), PASSWORD) as running:
        yield running


def test_screen_a_call_then_the_host_airs_it_and_the_guest_sees_it(server):
    from playwright.sync_api import expect, sync_playwright

    fresh_show(server, PASSWORD, "浏览器测试节目")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            producer = log_in(browser, server, "producer", PASSWORD, "/producer/")
            host = log_in(browser, server, "host", PASSWORD, "/studio/host")
            guest = log_in(browser, server, "guest", PASSWORD, "/studio/guest")

            producer.click("[data-testid=simulate-call]")
            pick_up = producer.locator("[data-testid^=pick-up-]").first
            expect(pick_up).to_be_visible(timeout=10000)
            call_id = pick_up.get_attribute("data-testid").removeprefix("pick-up-")
            pick_up.click()
            expect(producer.locator("[data-testid=card-form]")).to_be_visible()
            producer.fill("[data-testid=card-name]", "王建国")
            producer.select_option("[data-testid=card-town]", label="密州街道")
            producer.fill("[data-testid=card-topic]", TOPIC)
            producer.fill("[data-testid=card-detail]", "3号楼室温只有14度，已报修两次。")
            producer.check("[data-testid=card-consent]")
            producer.click("[data-testid=card-ready]")
            expect(producer.locator(f"[data-testid=queue-row-{call_id}]")).to_be_visible()

            # the host's screen shows it without a reload
            next_row = host.locator(f"[data-testid=host-next-row-{call_id}]")
            expect(next_row).to_contain_text(TOPIC, timeout=10000)
            expect(guest.locator(f"[data-testid=guest-next-row-{call_id}]")).to_contain_text(
                TOPIC, timeout=10000)
            host.keyboard.press("n")
            expect(host.locator("[data-testid=host-on-air-topic]")).to_have_text(
                TOPIC, timeout=10000)
            expect(guest.locator("[data-testid=guest-on-air-topic]")).to_have_text(
                TOPIC, timeout=10000)
            expect(producer.locator("[data-testid=on-air]")).to_contain_text(TOPIC)
            assert "138" not in guest.locator("[data-testid=guest-on-air]").inner_text()

            for name, page in (("producer", producer), ("host", host), ("guest", guest)):
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    for name in ("producer", "host", "guest"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10000
