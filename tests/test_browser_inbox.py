"""A text on air, in Debian's Chromium: an SMS reaches the producer's inbox live, goes into the
queue, and the host reads it out."""
import hashlib
import hmac
import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from .conftest import need
from .servers import ROOT, Server, run_flask

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "browser-inbox-password"
SMS_SECRET = "browser-sms-secret"
FIRST_LINE = "浏览器短信：村口路灯坏了"
TEXT = FIRST_LINE + "\n晚上出门很不方便，请尽快修。"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    need("Chromium", Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    need("a CJK font", shutil.which("fc-list") and "wqy" in os.popen("fc-list").read().lower(),
         "fonts-wqy-microhei is not installed")
    database = tmp_path_factory.mktemp("browser-inbox") / "browser.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "DEMO_PASSWORD": PASSWORD,
           "DEMO_MODE": "1", "SECRET_KEY": "browser-inbox-test", "SMS_SECRET": SMS_SECRET}
    run_flask(["bootstrap"], env)
    with Server(env) as running:
        yield running


def fresh_show(server):
    """End the demo's live show and start an empty one for its department."""
    producer, host = server.token("producer", PASSWORD), server.token("host", PASSWORD)
    show = server.request("GET", "/api/v1/shows?state=live", token=producer)[1]["shows"][0]
    queue = server.request("GET", f"/api/v1/shows/{show['id']}/queue", token=producer)[1]
    for call in queue["calls"]:
        if call["state"] == "on_air":
            assert server.request("POST", f"/api/v1/calls/{call['id']}/end", {},
                                  token=host)[0] == 200
    assert server.request("POST", f"/api/v1/shows/{show['id']}/end", token=producer)[0] == 200
    status, created = server.request("POST", "/api/v1/shows", {
        "title": "短信测试节目", "department_id": show["department"]["id"],
        "starts_at": "2026-11-28T19:00+08:00"}, token=producer)
    assert status == 201
    assert server.request("POST", f"/api/v1/shows/{created['show']['id']}/start",
                          token=producer)[0] == 200


def post_sms(server, message_id, text):
    """The SMS gateway's signed webhook call, exactly as a gateway sends it."""
    body = json.dumps({"message_id": message_id, "from": "13853698765", "to": "106900000001",
                       "text": text, "received_at": "2026-11-28T19:05:00+08:00"}).encode()
    signature = "sha256=" + hmac.new(SMS_SECRET.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(server.url + "/api/v1/sms/inbound", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "X-Callin-Signature": signature})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status


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


def test_an_sms_goes_from_the_inbox_into_the_queue_and_the_host_reads_it(server):
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
            expect(producer.locator("[data-testid=inbox-count]")).to_have_text("0")

            assert post_sms(server, "browser-sms-1", TEXT) == 200
            row = producer.locator("[data-testid^=inbox-row-]").filter(has_text=FIRST_LINE)
            expect(row).to_be_visible(timeout=10000)   # pushed: no reload
            expect(row).to_contain_text("138 5369 8765")
            expect(producer.locator("[data-testid=inbox-count]")).to_have_text("1")

            producer.screenshot(path=str(ARTIFACTS / "producer-inbox-waiting.png"))
            row.locator("[data-testid^=inbox-queue-]").click()
            queued = producer.locator("[data-testid=queue-list] .pc-qrow.is-text")
            expect(queued).to_contain_text(FIRST_LINE, timeout=10000)
            expect(producer.locator("[data-testid^=inbox-row-]")).to_have_count(0)
            expect(producer.locator("[data-testid=inbox-count]")).to_have_text("0")

            next_row = host.locator(".host-next-row.is-text").filter(has_text=FIRST_LINE)
            expect(next_row.locator("[data-testid=text-badge]")).to_be_visible(timeout=10000)
            host.keyboard.press("n")
            expect(host.locator("[data-testid=host-on-air-text]")).to_have_text(TEXT,
                                                                                timeout=10000)
            expect(host.locator("[data-testid=host-on-air-read]")).not_to_be_empty()
            expect(host.locator("[data-testid=host-on-air] [data-testid=text-badge]")).to_be_visible()
            assert "8765" not in host.locator("body").inner_text()

            for name, page in (("producer-inbox", producer), ("host-text", host)):
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "host-text.png").stat().st_size > 10000
