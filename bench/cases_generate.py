"""Fill a dedicated database with N realistic cases for the case benchmark of issue 3.

    .venv/bin/python bench/cases_generate.py --backend postgresql               # 1,000,000 cases
    .venv/bin/python bench/cases_generate.py --backend sqlite --cases 1000000

Every run rebuilds its database from nothing. Nothing is resumed.

- PostgreSQL: the database `callin_bench_cases` on the server of --pg-server (default
  postgresql://postgres@127.0.0.1:5432/test). The script drops it and creates it again. It never
  touches another database.
- SQLite: /tmp/callin-bench-cases.sqlite3, deleted and created again.

Steps: the schema comes from the migrations (`flask --app callin db upgrade` with DATABASE_URL).
Then the reference data of the demo (callin.services.demo.load_reference: 106 departments, the
towns with their communities, the category tree) and the default deadline rules and supervision
ladder. Then the bulk load, in chunks: COPY on PostgreSQL, executemany in large transactions on
SQLite. It fills these tables:

- `cases`: N rows, registered over the two years before now;
- `case_departments`: the lead and, for about a quarter of the cases, one co-handling department,
  for every case that was ever dispatched;
- `case_citizens`: the citizen of each case, plus one row on the target of every merge;
- `case_counters`: the last number of each month, so new cases go on numbering after the load;
- `case_events` only with --events: one event per step the case took (about 5 per case).

At the end: VACUUM ANALYZE on PostgreSQL (the steady state of a table that autovacuum looks
after), and ANALYZE on SQLite only with --analyze (the app itself never runs it).

The distribution:
- Registered times follow the working week and the office day: fewer cases at night and at
  weekends. Volume grows a little over the two years.
- Nature: consultation 25 %, help 35 %, complaint 28 %, report 5 %, suggestion 7 %. 6 % are
  urgent. Channel: hotline 45 %, web 25 %, sms 15 %, show 8 %, station 7 %. Half of the show cases
  carry days promised on air (7 or 15).
- 90 of the 106 departments receive cases, with Zipf-like weights (the busiest gets about 45
  times the quietest). 16 departments get none.
- Each case follows its own timeline: dispatch after a few hours, signature (90 % on time), reply
  (88 % on time), office review, return visit, close. The state is how far that timeline has got
  by now. So old cases are closed and the open ones are recent. Deadlines use the real
  working-day calendar (callin.workdays) and the default rules (callin.services.deadlines).
- Fates: 2 % rejected, 1.5 % merged into an earlier case, and a quarter of the consultations
  answered on the spot (never dispatched). 4 % are sent back once (退单), 2 % extended once, 3 %
  reopened once (counted only).
- --overdue-share (default 0.05) of all cases are stuck: dispatched or signed 35 to 400 days ago,
  never replied, reply deadline passed. The sweep has to find these cases. Some recent cases are
  also late and still running.
- Titles and descriptions come from callin/demo/reference_data.py PROBLEMS, for the category of
  the case. Citizens have names from SURNAMES + GIVEN_NAMES and phones like +86138536xxxxx (8
  prefixes × 100,000 numbers, so callers repeat). 4 % have no phone. Case numbers look like
  2611-0042, one series a month (Shanghai time). The series passes 9999 in a month of over 10,000
  cases, as the app's own numbering does.
- Times are stored as naive UTC, as callin.models.base.UTCDateTime does.
"""
import argparse
import bisect
import io
import math
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432/test")
PG_DATABASE = "callin_bench_cases"
SQLITE_PATH = "/tmp/callin-bench-cases.sqlite3"
DEPARTMENTS_USED = 90
CHUNK = 50_000

SECOND = 1_000_000          # times are integer microseconds since the epoch, UTC
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
SHANGHAI_OFFSET = 8 * HOUR  # no daylight saving in China since 1991
EPOCH = datetime(1970, 1, 1)

CASE_COLUMNS = (
    "id", "number", "lookup_code", "version", "channel", "citizen_name", "citizen_phone",
    "town_id", "community_id", "category_id", "nature", "urgency", "title", "description",
    "state", "lead_department_id", "promised_days", "needs_field_visit", "rejection_reason",
    "merged_into_id", "registered_at", "first_dispatched_at", "dispatched_at", "signed_at",
    "replied_at", "closed_at", "sign_due_at", "reply_due_at", "signed_on_time",
    "replied_on_time", "reply_internal", "reply_public", "resolved", "reopened_count",
    "returned_count", "extension_count")
DEPARTMENT_COLUMNS = ("id", "case_id", "department_id", "role", "registered_at")
CITIZEN_COLUMNS = ("id", "case_id", "from_case_id", "name", "phone", "visited")
EVENT_COLUMNS = ("id", "case_id", "actor_label", "kind", "from_state", "to_state",
                 "department_id", "text", "public", "at")

NATURES = (("consultation", 25), ("help", 35), ("complaint", 28), ("report", 5),
           ("suggestion", 7))
CHANNELS = (("hotline", 45), ("web", 25), ("sms", 15), ("show", 8), ("station", 7))
PHONE_PREFIXES = ("138536", "139536", "150536", "158536", "186536", "187536", "135536", "137536")
#: Share of a day's cases in each Shanghai hour, 0 to 23.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 14, 9, 10, 14, 15, 14, 12, 9, 8, 7, 5, 3, 2)
#: Monday to Sunday.
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.45)
REPLIES = ("已联系来电人，问题已处理完毕。", "经现场核实，已安排人员整改到位。",
           "已向来电人解释相关政策，来电人表示理解。", "已协调相关单位处理，后续将持续跟进。")
INTERNAL = ("已派员现场查看并处理。", "已电话联系来电人核实情况。", "已转交责任科室办理。")
REJECTION = "不属于受理范围，已告知来电人拨打12345"
CHANNEL_NAMES = {"hotline": "热线", "web": "网上投诉", "sms": "短信", "show": "节目", "station": "联络站"}


# --------------------------------------------------------------------------- databases

def database_url(backend, pg_server=PG_SERVER):
    """The SQLAlchemy URL of the bench database of `backend`."""
    if backend == "sqlite":
        return "sqlite:///" + SQLITE_PATH
    from sqlalchemy.engine import make_url
    return make_url(pg_server).set(database=PG_DATABASE).render_as_string(hide_password=False)


def bench_config(url):
    """An app config for the bench database: no eventlet, no message queue, no demo."""
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SOCKETIO_ASYNC_MODE = "threading"
        SOCKETIO_MESSAGE_QUEUE = None
        DEMO_MODE = False

    return BenchConfig


def _pg_dsn(url):
    """A libpq DSN for psycopg2 from a SQLAlchemy URL."""
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    parts = {"host": parsed.host, "port": parsed.port, "user": parsed.username,
             "password": parsed.password, "dbname": parsed.database}
    return " ".join(f"{k}={v}" for k, v in parts.items() if v is not None)


def recreate(backend, pg_server):
    """Drop the bench database (only ours) and create it empty."""
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(SQLITE_PATH + suffix).unlink(missing_ok=True)
        return
    import psycopg2
    conn = psycopg2.connect(_pg_dsn(pg_server))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    finally:
        conn.close()


def migrate(url):
    """The schema, by the migrations, exactly as a deployment gets it."""
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("CALLIN_ENV", None)
    subprocess.run([sys.executable, "-m", "flask", "--app", "callin", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def load_reference(url):
    """Demo reference data and default rules; returns what the generator draws from."""
    from sqlalchemy import select

    from callin import create_app
    from callin.extensions import db
    from callin.models import Category, Community, Department, Town
    from callin.services import deadlines, demo

    app = create_app(bench_config(url))
    with app.app_context():
        demo.load_reference()
        deadlines.install_defaults()
        db.session.commit()
        departments = [d.id for d in db.session.scalars(select(Department).order_by(Department.id))]
        towns = []
        for town in db.session.scalars(select(Town).order_by(Town.id)):
            communities = db.session.scalars(select(Community.id).where(
                Community.town_id == town.id).order_by(Community.id)).all()
            towns.append((town.id, communities))
        categories = {}
        for child in db.session.scalars(select(Category).where(Category.parent_id.is_not(None))
                                        .order_by(Category.id)):
            categories.setdefault(child.parent.name, []).append(child.id)
        db.session.remove()
    return {"departments": departments, "towns": towns, "categories": categories}


# --------------------------------------------------------------------------- the cases

def _cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


class Picker:
    """Weighted choice with one random number and a bisect."""

    def __init__(self, rng, pairs):
        self.rng = rng
        self.values = [value for value, _weight in pairs]
        self.cum = _cumulative(weight for _value, weight in pairs)

    def __call__(self):
        return self.values[bisect.bisect_right(self.cum, self.rng.random() * self.cum[-1])]


def stamp(us):
    """Naive-UTC text of a time, the form SQLAlchemy writes on SQLite (and PostgreSQL reads)."""
    if us is None:
        return None
    return (EPOCH + timedelta(microseconds=us)).isoformat(" ", "microseconds")


def registered_times(rng, n, now_us):
    """N registration times over the 730 Shanghai days up to now, sorted, busier on weekdays."""
    today = (now_us + SHANGHAI_OFFSET) // DAY
    days = range(today - 729, today + 1)
    # 1970-01-01 was a Thursday (weekday 3); volume grows by half over the two years.
    day_cum = _cumulative(WEEKDAY_WEIGHTS[(d + 3) % 7] * (0.8 + 0.4 * i / len(days))
                          for i, d in enumerate(days))
    hour_cum = _cumulative(HOUR_WEIGHTS)
    out = []
    for _ in range(n):
        day = days[bisect.bisect_right(day_cum, rng.random() * day_cum[-1])]
        hour = bisect.bisect_right(hour_cum, rng.random() * hour_cum[-1])
        moment = day * DAY - SHANGHAI_OFFSET + hour * HOUR + rng.randrange(HOUR)
        if moment > now_us:  # later today: it has not happened yet
            moment = now_us - rng.randrange(6 * HOUR)
        out.append(moment)
    out.sort()
    return out


class CaseFactory:
    """Draws the rows of one case at a time, in the order the cases were registered."""

    def __init__(self, rng, reference, times, now_us, overdue_share, with_events):
        from callin.demo import reference_data as data
        from callin.services.deadlines import DEFAULT_RULES
        from callin.workdays import Calendar

        self.rng, self.now, self.with_events = rng, now_us, with_events
        self.calendar, self.rules = Calendar(), DEFAULT_RULES
        self.used = rng.sample(reference["departments"], DEPARTMENTS_USED)  # busiest first
        self.department = Picker(rng, [(d, 1 / (rank + 1) ** 0.85)
                                       for rank, d in enumerate(self.used)])
        self.nature, self.channel = Picker(rng, NATURES), Picker(rng, CHANNELS)
        self.town = Picker(rng, [(town, 1 + 3 * rng.random()) for town in reference["towns"]])
        self.categories, self.problems = reference["categories"], data.PROBLEMS
        self.top = Picker(rng, [(name, 1 + 3 * rng.random()) for name in self.problems
                                if name in self.categories])
        self.surnames, self.given = data.SURNAMES, data.GIVEN_NAMES
        # Stuck cases are drawn among those registered 35 to 400 days ago.
        lo = bisect.bisect_left(times, now_us - 400 * DAY)
        hi = bisect.bisect_right(times, now_us - 35 * DAY)
        self.stuck_p = min(1.0, overdue_share * len(times) / max(1, (hi - lo) * 0.9))
        self.stuck_window = (now_us - 400 * DAY, now_us - 35 * DAY)
        self.counters = {}
        self.states = {}
        self._due, self._period = {}, {}
        self.department_row = self.citizen_row = self.event_row = 0

    # deadlines, on the app's calendar and rules, cached per (Shanghai day, working days)

    def _working_due(self, moment, days):
        key = ((moment + SHANGHAI_OFFSET) // DAY, days)
        due = self._due.get(key)
        if due is None:
            start = datetime.fromtimestamp(moment / SECOND, timezone.utc)
            end = self.calendar.add_working_days(start, days)
            due = (end.replace(tzinfo=None) - EPOCH) // timedelta(microseconds=1)
            self._due[key] = due
        return due

    @staticmethod
    def _end_of_day(moment):
        return ((moment + SHANGHAI_OFFSET) // DAY + 1) * DAY - SHANGHAI_OFFSET - 1

    def _sign_due(self, nature, urgency, moment):
        hours, days, _reply = self.rules[(nature, urgency)]
        return moment + hours * HOUR if hours else self._working_due(moment, days or 1)

    def _reply_due(self, nature, urgency, promised, moment):
        days = promised or self.rules[(nature, urgency)][2]
        return self._working_due(moment, days) if days else self._end_of_day(moment)

    def _number(self, moment):
        day = (moment + SHANGHAI_OFFSET) // DAY
        period = self._period.get(day)
        if period is None:
            period = (EPOCH + timedelta(days=day)).strftime("%y%m")
            self._period[day] = period
        last = self.counters.get(period, 0) + 1
        self.counters[period] = last
        return f"{period}-{last:04d}"

    def _uniform(self, low, high):
        return low + int(self.rng.random() * (high - low))

    # one case

    def make(self, case_id, registered):
        """(case row, case_departments rows, case_citizens rows, case_events rows)."""
        rng, r, now = self.rng, self.rng.random, self.now
        nature, channel = self.nature(), self.channel()
        urgency = "urgent" if r() < 0.06 else "normal"
        promised = rng.choice((7, 15)) if channel == "show" and r() < 0.5 else None
        top = self.top()
        title, detail = rng.choice(self.problems[top])
        town_id, communities = self.town()
        name = rng.choice(self.surnames) + rng.choice(self.given)
        phone = (None if channel != "sms" and r() < 0.04
                 else f"+86{rng.choice(PHONE_PREFIXES)}{rng.randrange(100_000):05d}")
        c = {"id": case_id, "number": self._number(registered),
             "lookup_code": f"{rng.randrange(1_000_000):06d}", "version": 1,
             "channel": channel, "citizen_name": name, "citizen_phone": phone,
             "town_id": town_id, "community_id": rng.choice(communities),
             "category_id": rng.choice(self.categories[top]), "nature": nature,
             "urgency": urgency, "title": title, "description": detail,
             "state": "registered", "promised_days": promised,
             "needs_field_visit": r() < 0.03, "rejection_reason": "",
             "registered_at": registered, "reply_internal": "", "reply_public": "",
             "reopened_count": 0, "returned_count": 0, "extension_count": 0}
        events = [(registered, "registered", None, "registered", None,
                   f"由{CHANNEL_NAMES[channel]}登记", True)]
        departments, extra_citizens = [], []

        def step(at, target, text="", public=False, department=None):
            events.append((at, "state", c["state"], target, department, text, public))
            c["state"] = target
            c["version"] += 1

        fate = r()
        if fate < 0.02:
            at = registered + self._uniform(10 * MINUTE, DAY)
            if at <= now:
                step(at, "rejected", REJECTION, True)
                c["rejection_reason"], c["closed_at"] = REJECTION, at
        elif fate < 0.035 and case_id > 300:
            at = registered + self._uniform(10 * MINUTE, 12 * HOUR)
            if at <= now:
                target = case_id - rng.randint(1, 300)
                step(at, "merged", "", True)
                c["merged_into_id"], c["closed_at"] = target, at
                extra_citizens.append((target, case_id, name, phone, False))
        elif nature == "consultation" and r() < 0.25:
            self._on_the_spot(c, step, registered)
        else:
            departments = self._handled(c, step, registered, nature, urgency, promised)

        self.states[c["state"]] = self.states.get(c["state"], 0) + 1
        case_row = tuple(stamp(c.get(k)) if k.endswith("_at") else c.get(k)
                         for k in CASE_COLUMNS)
        department_rows = []
        for department_id, role in departments:
            self.department_row += 1
            department_rows.append((self.department_row, case_id, department_id, role,
                                    stamp(registered)))
        citizen_rows = []
        for owner, origin, cname, cphone, visited in [
                (case_id, None, name, phone, c["state"] == "closed")] + extra_citizens:
            self.citizen_row += 1
            citizen_rows.append((self.citizen_row, owner, origin, cname, cphone, visited))
        event_rows = []
        if self.with_events:
            for at, kind, source, target, department_id, text, public in events:
                self.event_row += 1
                event_rows.append((self.event_row, case_id, "行风办", kind, source, target,
                                   department_id, text, public, stamp(at)))
        return case_row, department_rows, citizen_rows, event_rows

    def _on_the_spot(self, c, step, registered):
        """A consultation answered when it came in: return visit next, never dispatched."""
        answered = registered + self._uniform(MINUTE, 20 * MINUTE)
        if answered > self.now:
            return
        reply = self.rng.choice(REPLIES)
        step(answered, "awaiting_visit", reply, True)
        c.update(replied_at=answered, reply_public=reply, resolved="yes")
        closed = answered + self._uniform(2 * HOUR, 72 * HOUR)
        if closed <= self.now:
            step(closed, "closed", "回访：满意", True)
            c["closed_at"] = closed

    def _handled(self, c, step, registered, nature, urgency, promised):
        """Dispatch, sign, reply, review, visit, close: as far as the timeline got by now."""
        rng, r, now, uniform = self.rng, self.rng.random, self.now, self._uniform
        lead = self.department()
        departments = [(lead, "lead")]
        if r() < 0.25:
            co = self.department()
            while co == lead:
                co = self.department()
            departments.append((co, "co"))
        delay = (uniform(5 * MINUTE, HOUR) if urgency == "urgent"
                 else min(48 * HOUR, int(rng.lognormvariate(math.log(3 * HOUR), 1.0))))
        first = registered + delay
        if first > now:
            return []
        stuck = self.stuck_window[0] <= registered <= self.stuck_window[1] and r() < self.stuck_p
        returned = r() < 0.04
        back = first + uniform(30 * MINUTE, DAY) if returned else None
        dispatched = back + uniform(HOUR, 30 * HOUR) if returned else first
        reply_due = self._reply_due(nature, urgency, promised, first)
        if r() < 0.02:
            c["extension_count"] = 1
            reply_due = self._working_due(reply_due, 5)
        step(first, "dispatched", "", True, lead)
        c.update(lead_department_id=lead, first_dispatched_at=first, dispatched_at=first,
                 sign_due_at=self._sign_due(nature, urgency, first), reply_due_at=reply_due)
        if returned and back <= now:
            step(back, "returned", "不属于本单位职责范围", False, lead)
            c["returned_count"] = 1
            if dispatched > now:
                return departments
            step(dispatched, "dispatched", "", True, lead)
            c.update(dispatched_at=dispatched,
                     sign_due_at=self._sign_due(nature, urgency, dispatched))
        sign_due = c["sign_due_at"]
        if stuck and r() < 0.3:
            return departments  # never signed
        signed = (dispatched + int(rng.uniform(0.05, 0.9) * max(sign_due - dispatched, HOUR))
                  if r() < 0.9 else sign_due + uniform(HOUR, 30 * HOUR))
        if signed > now:
            return departments
        step(signed, "in_progress", "", True, lead)
        c.update(signed_at=signed, signed_on_time=signed <= sign_due)
        if stuck:
            return departments  # signed, never replied: overdue
        if r() < 0.88 and reply_due > signed:
            replied = signed + int(rng.uniform(0.05, 1.0) * (reply_due - signed))
        else:
            replied = max(reply_due, signed) + HOUR + int(rng.expovariate(1 / (3 * DAY)))
        if replied > now:
            return departments
        reply = rng.choice(REPLIES)
        step(replied, "replied", reply, True, lead)
        c.update(replied_at=replied, replied_on_time=replied <= reply_due,
                 reply_public=reply, reply_internal=rng.choice(INTERNAL),
                 resolved="yes" if r() < 0.75 else ("partly" if r() < 0.6 else "no"))
        reviewed = replied + uniform(HOUR, 48 * HOUR)
        if reviewed > now:
            return departments
        step(reviewed, "awaiting_visit", "审核通过")
        closed = reviewed + uniform(2 * HOUR, 72 * HOUR)
        if closed > now:
            return departments
        if r() < 0.03:
            c["reopened_count"] = 1  # counted only; the second round is not replayed
            c["version"] += 2
        step(closed, "closed", "回访：满意" if r() < 0.85 else "回访：基本满意", True)
        c["closed_at"] = closed
        return departments


# --------------------------------------------------------------------------- loaders

def _pg_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


class PostgresLoader:
    """COPY in chunks, one transaction each; foreign-key triggers off for the load only."""

    def __init__(self, url):
        import psycopg2
        self.conn = psycopg2.connect(_pg_dsn(url))
        with self.conn.cursor() as cur:
            # The rows are generated consistent; checking 3 million foreign keys adds nothing.
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET synchronous_commit = off")

    def write(self, table, columns, rows):
        if not rows:
            return
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(_pg_text, row)) + "\n" for row in rows)
        buffer.seek(0)
        with self.conn.cursor() as cur:
            cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)

    def commit(self):
        self.conn.commit()

    def finish(self, counters, analyze=True):
        with self.conn.cursor() as cur:
            cur.executemany('INSERT INTO case_counters (period, "last") VALUES (%s, %s)',
                            sorted(counters.items()))
            for table in ("cases", "case_departments", "case_citizens", "case_events"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"GREATEST(max(id), 1), max(id) IS NOT NULL) FROM {table}")
        self.conn.commit()
        self.conn.autocommit = True
        if analyze:
            with self.conn.cursor() as cur:
                cur.execute("VACUUM (ANALYZE)")
        self.conn.close()


class SqliteLoader:
    """executemany in one transaction per chunk."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA cache_size = -400000")
        self.conn.execute("BEGIN")

    def write(self, table, columns, rows):
        if rows:
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                  rows)

    def commit(self):
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN")

    def finish(self, counters, analyze=False):
        self.conn.executemany('INSERT INTO case_counters (period, "last") VALUES (?, ?)',
                              sorted(counters.items()))
        self.conn.execute("COMMIT")
        if analyze:
            self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


# --------------------------------------------------------------------------- main

def generate(backend, n, seed, overdue_share, with_events, analyze, pg_server, echo=print):
    """Rebuild the bench database of `backend` with `n` cases; returns the figures."""
    url = database_url(backend, pg_server)
    timings = {}
    started = time.perf_counter()
    recreate(backend, pg_server)
    migrate(url)
    reference = load_reference(url)
    timings["schema + reference"] = time.perf_counter() - started
    echo(f"{backend}: schema and reference data in {timings['schema + reference']:.1f}s; "
         f"{len(reference['departments'])} departments, {DEPARTMENTS_USED} receive cases")

    rng = random.Random(seed)
    now_us = (datetime.now(timezone.utc).replace(tzinfo=None) - EPOCH) // timedelta(microseconds=1)
    mark = time.perf_counter()
    times = registered_times(rng, n, now_us)
    factory = CaseFactory(rng, reference, times, now_us, overdue_share, with_events)
    timings["times"] = time.perf_counter() - mark
    loader = PostgresLoader(url) if backend == "postgresql" else SqliteLoader(SQLITE_PATH)
    mark = time.perf_counter()
    rows_total = 0
    for start in range(0, n, CHUNK):
        cases, departments, citizens, events = [], [], [], []
        for index in range(start, min(n, start + CHUNK)):
            case, d_rows, c_rows, e_rows = factory.make(index + 1, times[index])
            cases.append(case)
            departments.extend(d_rows)
            citizens.extend(c_rows)
            events.extend(e_rows)
        loader.write("cases", CASE_COLUMNS, cases)
        loader.write("case_departments", DEPARTMENT_COLUMNS, departments)
        loader.write("case_citizens", CITIZEN_COLUMNS, citizens)
        loader.write("case_events", EVENT_COLUMNS, events)
        loader.commit()
        rows_total += len(cases) + len(departments) + len(citizens) + len(events)
        done = start + len(cases)
        elapsed = time.perf_counter() - mark
        echo(f"  {done:>9,} cases  {rows_total:>10,} rows  {elapsed:7.1f}s  "
             f"{done / elapsed:8,.0f} cases/s  {rows_total / elapsed:8,.0f} rows/s", flush=True)
    timings["load"] = time.perf_counter() - mark
    mark = time.perf_counter()
    loader.finish(factory.counters, analyze=(backend == "postgresql" or analyze))
    timings["finish (counters, sequences, analyze)"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return {"backend": backend, "url": url, "cases": n, "rows": rows_total,
            "case_departments": factory.department_row, "case_citizens": factory.citizen_row,
            "case_events": factory.event_row, "states": factory.states, "timings": timings,
            "departments_used": factory.used}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), required=True)
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many (1,000,000)")
    parser.add_argument("--seed", type=int, default=3, help="random seed (3)")
    parser.add_argument("--overdue-share", type=float, default=0.05,
                        help="share of all cases stuck at a department past the deadline (0.05)")
    parser.add_argument("--events", action="store_true",
                        help="also write case_events, one per step (about 5 per case)")
    parser.add_argument("--analyze", action="store_true",
                        help="SQLite: run ANALYZE at the end "
                             "(PostgreSQL always gets VACUUM ANALYZE)")
    parser.add_argument("--pg-server", default=PG_SERVER,
                        help=f"any database URL of the server; {PG_DATABASE} is made beside it")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    result = generate(args.backend, args.cases, args.seed, args.overdue_share, args.events,
                      args.analyze, args.pg_server)
    t = result["timings"]
    from sqlalchemy.engine import make_url
    shown = make_url(result["url"]).render_as_string(hide_password=True)
    print(f"\n{result['backend']}: {shown}")
    print(f"  cases {result['cases']:,}, case_departments {result['case_departments']:,}, "
          f"case_citizens {result['case_citizens']:,}, case_events {result['case_events']:,}")
    print(f"  load {t['load']:.1f}s = {result['cases'] / t['load']:,.0f} cases/s, "
          f"{result['rows'] / t['load']:,.0f} rows/s; total {t['total']:.1f}s")
    for name, seconds in t.items():
        print(f"    {name:<40} {seconds:8.1f}s")
    print("  states: " + ", ".join(f"{k} {v:,}" for k, v in
                                   sorted(result["states"].items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
