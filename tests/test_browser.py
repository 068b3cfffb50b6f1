"""The flow people use most, in Debian's Chromium: screen a call, the studio sees it live, air it."""
import os
import shutil
from pathlib import Path

import pytest

from .conftest import need
from .servers import ROOT, Server, run_flask

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "browser-test-password"
TOPIC = "浏览器测试：小区暖气不热"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need("Chromium", Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    need("a CJK font", shutil.which("fc-list") and "wqy" in os.popen("fc-list").read().lower(),
         "fonts-wqy-microhei is not installed")
    database = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "DEMO_PASSWORD": PASSWORD,
           "DEMO_MODE": "1", "SECRET_KEY": "browser-test"}
    run_flask(["bootstrap"], env)
    with Server(env) as running:
        yield running


def fresh_show(server):
    """End the demo's live show and start an empty one for the heating company."""
    producer, host = server.token("producer", PASSWORD), server.token("host", PASSWORD)
    show = server.request("GET", "/api/v1/shows?state=live", token=producer)[1]["shows"][0]
    queue = server.request("GET", f"/api/v1/shows/{show['id']}/queue", token=producer)[1]
    for call in queue["calls"]:
        if call["state"] == "on_air":
            assert server.request("POST", f"/api/v1/calls/{call['id']}/end", {},
                                  token=host)[0] == 200
    assert server.request("POST", f"/api/v1/shows/{show['id']}/end", token=producer)[0] == 200
    status, created = server.request("POST", "/api/v1/shows", {
        "title": "浏览器测试节目", "department_id": show["department"]["id"],
        "guest_names": "总经理 孙德明", "starts_at": "2026-11-28T19:00+08:00"}, token=producer)
    assert status == 201
    new_id = created["show"]["id"]
    assert server.request("POST", f"/api/v1/shows/{new_id}/start", token=producer)[0] == 200
    return new_id


def log_in(browser, server, username, path):
    context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(server.url + path)
    page.wait_for_selector('[data-testid=connection-status][data-status=connected]',
                           timeout=15000)
    return page


def test_screen_a_call_then_the_host_airs_it_and_the_guest_sees_it(server):
    from playwright.sync_api import expect, sync_playwright

    fresh_show(server)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            producer = log_in(browser, server, "producer", "/producer/")
            host = log_in(browser, server, "host", "/studio/host")
            guest = log_in(browser, server, "guest", "/studio/guest")

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
