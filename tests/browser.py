"""What the browser tests share: Debian's Chromium, a demo server of their own, logging in."""
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from .conftest import need
from .servers import ROOT, Server, run_flask

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
#: No sandbox (containers), no GPU, and no network but the test server's.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def need_browser():
    """Skip (or, under CI, fail) without Chromium and a CJK font."""
    need("Chromium", Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    need("a CJK font", shutil.which("fc-list") and "wqy" in os.popen("fc-list").read().lower(),
         "fonts-wqy-microhei is not installed")


@contextmanager
def demo_server(folder, password, **env):
    """serve.py on a fresh SQLite database of its own with the demo loaded."""
    need_browser()
    settings = {"DATABASE_URL": f"sqlite:///{folder / 'browser.sqlite3'}", "DEMO_MODE": "1",
                "DEMO_PASSWORD": password, "SECRET_KEY": "browser-test", **env}
    run_flask(["bootstrap"], settings)
    with Server(settings) as running:
        yield running


def launch(playwright):
    ARTIFACTS.mkdir(exist_ok=True)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def log_in(browser, server, username, password, path, live=True):
    """A new browser context logged in as `username`, on `path` (with its socket connected)."""
    context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(server.url + path)
    if live:
        page.wait_for_selector('[data-testid=connection-status][data-status=connected]',
                               timeout=15000)
    return page


def fresh_show(server, password, title):
    """End the demo's live show and start an empty one for its department; returns its id."""
    producer, host = server.token("producer", password), server.token("host", password)
    show = server.request("GET", "/api/v1/shows?state=live", token=producer)[1]["shows"][0]
    queue = server.request("GET", f"/api/v1/shows/{show['id']}/queue", token=producer)[1]
    for call in queue["calls"]:
        if call["state"] == "on_air":
            assert server.request("POST", f"/api/v1/calls/{call['id']}/end", {},
                                  token=host)[0] == 200
    assert server.request("POST", f"/api/v1/shows/{show['id']}/end", token=producer)[0] == 200
    status, created = server.request("POST", "/api/v1/shows", {
        "title": title, "department_id": show["department"]["id"],
        "guest_names": "总经理 孙德明", "starts_at": "2026-11-28T19:00+08:00"}, token=producer)
    assert status == 201
    new_id = created["show"]["id"]
    assert server.request("POST", f"/api/v1/shows/{new_id}/start", token=producer)[0] == 200
    return new_id
