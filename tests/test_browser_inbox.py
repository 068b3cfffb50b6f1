"""A text on air, in Debian's Chromium: an SMS reaches the producer's inbox live, goes into the
queue, and the host reads it out."""
import hashlib
import hmac
import json
import urllib.request

import pytest

from .browser import ARTIFACTS, demo_server, fresh_show, launch, log_in

PASSWORD = "browser-inbox-password"
SMS_SECRET = "browser-sms-secret"
FIRST_LINE = "浏览器短信：村口路灯坏了"
TEXT = FIRST_LINE + "\n晚上出门很不方便，请尽快修。"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("browser-inbox"), PASSWORD,
                     SMS_SECRET=SMS_SECRET) as running:
        yield running


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


def test_an_sms_goes_from_the_inbox_into_the_queue_and_the_host_reads_it(server):
    from playwright.sync_api import expect, sync_playwright

    fresh_show(server, PASSWORD, "短信测试节目")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            producer = log_in(browser, server, "producer", PASSWORD, "/producer/")
            host = log_in(browser, server, "host", PASSWORD, "/studio/host")
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
