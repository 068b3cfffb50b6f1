"""Sustained signed SMS against the default server: every accepted message is exactly one case.

    .venv/bin/python bench/sms_load.py                       # 200/s for 30 s, SQLite, both phases
    .venv/bin/python bench/sms_load.py --seconds 5 --backend postgresql

Phase 1 ("steady"): `--rate` signed SMS per second for `--seconds` against serve.py (eventlet) on
a fresh database without a live show, so each SMS becomes a case with its auto-reply queued.
Phase 2 ("kill -9"): the same, with the server killed (SIGKILL) half-way and started again on the
same database; clients retry what failed with the same message_id, as a gateway would.
Afterwards the database is counted: each message that got a 200 must be there exactly once, with
exactly one case, and the case the client was told must be that case.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import percentile as shared_percentile  # noqa: E402

HOST = "127.0.0.1"
SECRET = "bench-sms-secret"
PG_ADMIN = os.environ.get("CALLIN_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_NAME = "callin_bench_sms"
RETRYABLE = (http.client.HTTPException, OSError)
clock = time.monotonic


# --------------------------------------------------------------------------- the server

def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Database:
    """A fresh database for one phase: SQLite in a temp instance folder, or PostgreSQL."""

    def __init__(self, backend, tag):
        self.backend = backend
        if backend == "sqlite":
            self.folder = tempfile.mkdtemp(prefix=f"callin-sms-{tag}-")
            self.url = f"sqlite:///{self.folder}/callin.sqlite3"
        else:
            self.folder = tempfile.mkdtemp(prefix=f"callin-sms-{tag}-")
            self._pg("DROP DATABASE IF EXISTS {0} WITH (FORCE)", "CREATE DATABASE {0}")
            self.url = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "callin", "db", "upgrade"],
                              cwd=ROOT, env=self.env(0), capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"db upgrade failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    def _pg(self, *statements):
        import psycopg2
        connection = psycopg2.connect(PG_ADMIN)
        connection.autocommit = True
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.format(PG_NAME))
        connection.close()

    def env(self, port):
        env = {**os.environ, "DATABASE_URL": self.url, "PORT": str(port), "HOST": HOST,
               "DEMO_MODE": "0", "SMS_SECRET": SECRET, "SMS_BACKEND": "console",
               "FLASK_APP": "callin", "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore",
               "UPLOAD_FOLDER": self.folder + "/uploads"}
        for name in ("ACCESS_LOG", "SOCKETIO_MESSAGE_QUEUE", "CALLIN_ENV"):
            env.pop(name, None)
        return env

    def counts(self):
        """What the database holds after a phase."""
        from sqlalchemy import create_engine, text
        engine = create_engine(self.url)
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT m.message_id, m.case_id, c.number FROM inbound_messages m "
                "LEFT JOIN cases c ON c.id = m.case_id WHERE m.channel = 'sms'")).all()
            cases = connection.execute(text("SELECT count(*) FROM cases")).scalar()
            outbox = dict(connection.execute(text(
                "SELECT state, count(*) FROM outbound_sms GROUP BY state")).all())
        engine.dispose()
        return rows, cases, outbox

    def drop(self):
        if self.backend == "postgresql":
            self._pg("DROP DATABASE IF EXISTS {0} WITH (FORCE)")


class Server:
    """serve.py in its own process group; started, killed with SIGKILL, started again."""

    def __init__(self, database, port):
        self.database, self.port, self.proc = database, port, None
        self.log = open(Path(database.folder) / "serve.log", "ab")

    def start(self, timeout=60):
        self.proc = subprocess.Popen([sys.executable, "serve.py"], cwd=ROOT,
                                     env=self.database.env(self.port), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = clock() + timeout
        while clock() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve.py exited; see {self.log.name}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except RETRYABLE:
                pass
            time.sleep(0.05)  # polling a child process for readiness, bounded by the deadline
        raise RuntimeError(f"serve.py not healthy within {timeout} s")

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# --------------------------------------------------------------------------- the load

def message(run, seq):
    body = {"message_id": f"{run}-{seq:06d}", "from": f"1385361{random.randrange(10000):04d}",
            "to": "106900000001", "text": f"第{seq}条：小区路灯坏了，晚上出行不便，请尽快修理。",
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00")}
    raw = json.dumps(body, ensure_ascii=False).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return body["message_id"], raw, signature


class Load:
    """Open-loop sender: message i is due at start + i/rate; a pool of threads sends them."""

    def __init__(self, port, rate, seconds, workers, give_up_s=120):
        self.port, self.rate, self.total = port, rate, int(rate * seconds)
        self.workers, self.give_up_s = workers, give_up_s
        self.run = f"sms{random.randrange(16**6):06x}"
        self.work = queue.Queue()
        self.lock = threading.Lock()
        self.answers = {}          # message_id -> the 200 body
        self.latency_ms = []       # send -> answer, of the attempt that got the 200
        self.from_due_ms = []      # due time -> answer (includes client queueing and retries)
        self.errors = {}           # kind -> count (attempts that did not get a 200)
        self.gave_up = []
        self.retried = set()

    def go(self, on_tick=None):
        threads = [threading.Thread(target=self._worker, daemon=True) for _ in range(self.workers)]
        for thread in threads:
            thread.start()
        self.start = clock()
        for seq in range(self.total):
            due = self.start + seq / self.rate
            wait = due - clock()
            if wait > 0:
                time.sleep(wait)
            self.work.put((seq, due))
            if on_tick:
                on_tick(clock() - self.start)
        self.sent_by = clock() - self.start
        for _ in threads:
            self.work.put(None)
        for thread in threads:
            thread.join()
        self.elapsed = clock() - self.start

    def _worker(self):
        connection = None
        while True:
            item = self.work.get()
            if item is None:
                if connection:
                    connection.close()
                return
            seq, due = item
            message_id, raw, signature = message(self.run, seq)
            headers = {"Content-Type": "application/json", "X-Callin-Signature": signature}
            while True:
                sent = clock()
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(HOST, self.port, timeout=15)
                    connection.request("POST", "/api/v1/sms/inbound", raw, headers)
                    response = connection.getresponse()
                    body = response.read()
                    status = response.status
                except RETRYABLE as error:
                    connection.close()
                    connection = None
                    status, body = type(error).__name__, b""
                if status == 200:
                    now = clock()
                    with self.lock:
                        self.answers[message_id] = json.loads(body)
                        self.latency_ms.append((now - sent) * 1000)
                        self.from_due_ms.append((now - due) * 1000)
                    break
                with self.lock:
                    self.errors[status] = self.errors.get(status, 0) + 1
                    self.retried.add(message_id)
                if status in (400, 401) or clock() - due > self.give_up_s:
                    with self.lock:
                        self.gave_up.append(message_id)
                    break
                time.sleep(0.05)  # the gateway's retry delay


def percentile(values, q):
    """benchlib's percentile, printable for a phase in which nothing succeeded."""
    found = shared_percentile(values, q)
    return float("nan") if found is None else found


def check(load, database):
    """Compare what the clients were told with what the database holds; returns problems."""
    rows, cases, outbox = database.counts()
    by_id = {}
    for message_id, case_id, number in rows:
        by_id.setdefault(message_id, []).append((case_id, number))
    accepted = load.answers
    lost = [m for m in accepted if m not in by_id]
    doubled = [m for m, found in by_id.items() if len(found) > 1]
    wrong = [m for m, answer in accepted.items() if m in by_id and
             (answer["case_id"], answer["case_number"]) != by_id[m][0]]
    case_ids = [found[0][0] for found in by_id.values() if found[0][0] is not None]
    shared = len(case_ids) - len(set(case_ids))
    unanswered_in_db = [m for m in load.gave_up if m in by_id]
    print(f"  database: {len(rows)} inbound SMS, {cases} cases, outbox {outbox}")
    print(f"  accepted (200): {len(accepted)} of {load.total}; gave up: {len(load.gave_up)} "
          f"(of which in the database: {len(unanswered_in_db)}); retried: {len(load.retried)}")
    print(f"  lost (200 but not in the database): {len(lost)}; doubled: {len(doubled)}; "
          f"answer != database: {len(wrong)}; cases shared by two messages: {shared}; "
          f"cases without a message: {cases - len(set(case_ids))}")
    problems = len(lost) + len(doubled) + len(wrong) + shared + (cases - len(set(case_ids)))
    if len(accepted) != len(rows) - len(unanswered_in_db):
        problems += 1
        print("  PROBLEM: messages in the database that no client was told about")
    return problems


def report(name, load):
    achieved = load.total / load.sent_by if load.sent_by else 0
    print(f"{name}: {load.total} SMS due at {load.rate:g}/s; generator sent them in "
          f"{load.sent_by:.2f} s ({achieved:.1f}/s offered), all answered after "
          f"{load.elapsed:.2f} s ({len(load.answers) / load.elapsed:.1f} accepted/s)")
    print(f"  latency ms (send -> 200): p50 {percentile(load.latency_ms, 50):.1f}  "
          f"p99 {percentile(load.latency_ms, 99):.1f}  max {max(load.latency_ms or [0]):.1f}")
    print(f"  latency ms (due -> 200, with retries): p50 {percentile(load.from_due_ms, 50):.1f}  "
          f"p99 {percentile(load.from_due_ms, 99):.1f}  max {max(load.from_due_ms or [0]):.1f}")
    print(f"  failed attempts: {dict(sorted(load.errors.items(), key=str)) or 0}")


def phase(name, args, kill=False):
    database = Database(args.backend, name)
    server = Server(database, free_port())
    try:
        server.start()
        load = Load(server.port, args.rate, args.seconds, args.workers)
        outage = {}

        def tick(elapsed):
            if kill and not outage and elapsed >= args.seconds / 2:
                outage["at"] = elapsed
                began = clock()
                server.kill()
                outage["killed"] = clock() - began
                threading.Thread(target=restart, daemon=True).start()

        def restart():
            began = clock()
            server.start()
            outage["down_s"] = clock() - began

        load.go(tick if kill else None)
        report(name, load)
        if kill:
            print(f"  server killed (SIGKILL) at {outage['at']:.1f} s, back after "
                  f"{outage.get('down_s', float('nan')):.2f} s")
        return check(load, database)
    finally:
        server.stop()
        database.drop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200, help="SMS per second (default 200)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=48, help="client threads")
    parser.add_argument("--phase", choices=("both", "steady", "kill"), default="both")
    args = parser.parse_args(argv)
    print(f"backend {args.backend}, {args.rate:g} SMS/s for {args.seconds:g} s, "
          f"{args.workers} client threads, {os.cpu_count()} cores")
    problems = 0
    if args.phase in ("both", "steady"):
        problems += phase("steady", args)
    if args.phase in ("both", "kill"):
        problems += phase("kill -9", args, kill=True)
    print("OK: every accepted SMS is exactly one case" if not problems else
          f"FAILED: {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
