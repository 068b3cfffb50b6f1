"""Real server processes: two servers sharing Redis, a slow query under eventlet, the simulator CLI."""
import threading
import uuid

import psycopg2
import pytest
import socketio

from .conftest import POSTGRES_URL, REDIS_URL, need, postgres_problem, redis_problem
from .servers import Server, fresh_postgres_database, run_flask

PASSWORD = "server-test-password"
ADMIN_URL = POSTGRES_URL.split("?")[0]


class Screen:
    """A Socket.IO client watching one show; waits for a pushed version with an Event."""

    def __init__(self, server, token, show_id):
        self.states, self.wanted, self.arrived = [], None, threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("queue", self._on_queue, namespace="/live")
        self.client.connect(server.url, namespaces=["/live"], auth={"token": token},
                            transports=["websocket"], wait_timeout=20)
        self.first = self.client.call("watch", {"show_id": show_id}, namespace="/live",
                                      timeout=20)

    def _on_queue(self, state):
        self.states.append(state)
        if self.wanted is not None and state["version"] >= self.wanted:
            self.arrived.set()

    def wait_for(self, version, timeout=20):
        self.wanted = version
        if any(s["version"] >= version for s in self.states):
            return True
        return self.arrived.wait(timeout)

    def close(self):
        self.client.disconnect()


@pytest.fixture(scope="module")
def pg_env():
    problem = postgres_problem(ADMIN_URL)
    need("PostgreSQL", problem is None, problem)
    url = fresh_postgres_database("callin_server_tests", ADMIN_URL)
    env = {"DATABASE_URL": url, "DEMO_PASSWORD": PASSWORD, "SECRET_KEY": "server-tests",
           "TELEPHONY_SECRET": "server-telephony-secret"}
    run_flask(["bootstrap"], env)
    return env


def live_show_id(server, token):
    status, body = server.request("GET", "/api/v1/shows?state=live", token=token)
    assert status == 200 and body["shows"], body
    return body["shows"][0]["id"]


def test_a_change_through_one_server_reaches_a_screen_on_the_other(pg_env):
    problem = redis_problem()
    need("Redis", problem is None, problem)
    env = {**pg_env, "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
           "SOCKETIO_CHANNEL": "callin-test-" + uuid.uuid4().hex[:8]}
    with Server(env) as first, Server(env) as second:
        producer = first.token("producer", PASSWORD)
        show_id = live_show_id(first, producer)
        screen = Screen(second, second.token("host", PASSWORD), show_id)
        try:
            version = screen.first["version"]
            status, _ = first.request("POST", f"/api/v1/shows/{show_id}/notes",
                                      {"text": "两台服务器之间的消息", "recipient": "host"},
                                      token=producer)
            assert status == 201
            assert screen.wait_for(version + 1), second.output()
            pushed = next(s for s in screen.states if s["version"] == version + 1)
            assert pushed["notes"][-1]["text"] == "两台服务器之间的消息"
        finally:
            screen.close()


def test_a_slow_query_does_not_stall_pushes_to_other_shows(pg_env):
    """A command waiting on PostgreSQL (a held row lock) must not freeze the eventlet server."""
    with Server(pg_env) as server:
        producer = server.token("producer", PASSWORD)
        busy_show = live_show_id(server, producer)
        status, created = server.request("POST", "/api/v1/shows", {
            "title": "第二演播室", "studio": "studio-2",
            "starts_at": "2026-11-28T09:00+08:00"}, token=producer)
        assert status == 201
        other_show = created["show"]["id"]
        assert server.request("POST", f"/api/v1/shows/{other_show}/start", token=producer)[0] == 200
        screen = Screen(server, server.token("host", PASSWORD), other_show)
        locker = psycopg2.connect(pg_env["DATABASE_URL"])
        slow_result = {}
        try:
            with locker.cursor() as cursor:  # hold the busy show's row: its next change waits
                cursor.execute("SELECT id FROM shows WHERE id = %s FOR UPDATE", (busy_show,))

            def slow_command():
                slow_result["answer"] = server.request(
                    "POST", f"/api/v1/shows/{busy_show}/notes", {"text": "等待锁"}, token=producer)
            waiting = threading.Thread(target=slow_command)
            waiting.start()
            version = screen.first["version"]
            status, _ = server.request("POST", f"/api/v1/shows/{other_show}/notes",
                                       {"text": "不受影响"}, token=producer, timeout=10)
            assert status == 201
            assert screen.wait_for(version + 1, timeout=10)
            assert waiting.is_alive() and "answer" not in slow_result  # still blocked on the lock
        finally:
            locker.rollback()
            locker.close()
            screen.close()
        waiting.join(timeout=20)
        assert slow_result["answer"][0] == 201
        assert server.request("POST", f"/api/v1/shows/{other_show}/end", token=producer)[0] == 200


def test_simulator_cli_rings_calls_through_the_webhook(pg_env):
    with Server(pg_env) as server:
        producer = server.token("producer", PASSWORD)
        show_id = live_show_id(server, producer)
        before = server.request("GET", f"/api/v1/shows/{show_id}/report", token=producer)[1]
        result = run_flask(["simulate-calls", "--show", str(show_id), "--count", "3",
                            "--rate", "50", "--hangups", "0", "--url", server.url], pg_env)
        assert result.stdout.count(": 200 ") == 3, result.stdout
        after = server.request("GET", f"/api/v1/shows/{show_id}/report", token=producer)[1]
        assert after["received"] == before["received"] + 3
        assert after["by_source"]["phone"] == before["by_source"]["phone"] + 3


def test_simulator_cli_refuses_a_show_that_is_not_live(pg_env):
    result = run_flask(["simulate-calls", "--show", "99999", "--count", "1"], pg_env, check=False)
    assert result.returncode != 0 and "not live" in result.stderr


def _complain(server, jar_opener, phone):
    """Fetch the form (session cookie and CSRF token), then send one complaint; the status."""
    import re
    import urllib.error
    import urllib.parse
    page = jar_opener.open(server.url + "/complaints/new", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "phone": phone,
                                   "problem": "小区门口路灯不亮，晚上很黑"}).encode()
    try:
        return jar_opener.open(server.url + "/complaints/new", data=body, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_complaint_rate_limit_is_shared_by_servers_through_redis(tmp_path):
    import http.cookiejar
    import urllib.request

    import redis
    problem = redis_problem(REDIS_URL)
    need("Redis", problem is None, problem)
    prefix = f"callin-test-{uuid.uuid4().hex[:8]}"
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}", "DEMO_PASSWORD": PASSWORD,
           "SECRET_KEY": "limit-tests", "RATELIMIT_STORAGE_URI": REDIS_URL,
           "RATELIMIT_KEY_PREFIX": prefix, "COMPLAINT_RATE_LIMIT": "3 per 10 minutes"}
    run_flask(["bootstrap"], env)
    store = redis.Redis.from_url(REDIS_URL)
    try:
        with Server(env) as first, Server(env) as second:
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            # one citizen's address, two processes: the third complaint is the last one allowed
            assert _complain(first, opener, "13853612345") == 200    # after the redirect
            assert _complain(second, opener, "13853612346") == 200
            assert _complain(first, opener, "13853612347") == 200
            assert _complain(second, opener, "13853612348") == 429
            assert _complain(first, opener, "13853612349") == 429
        assert any(store.scan_iter(f"*{prefix}*"))  # the counters really live in Redis
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
