"""Case lists and the supervision sweep over a large table (issue 3).

    .venv/bin/python bench/cases_generate.py --backend postgresql      # once: 1,000,000 cases
    .venv/bin/python bench/cases_bench.py --backend postgresql

The script runs in process, against the database that cases_generate.py built
(`callin_bench_cases` on PostgreSQL, /tmp/callin-bench-cases.sqlite3 on SQLite). The app is built
with create_app() and a config that points at that database.

- **Lists**: callin.services.case_queries.list_cases(args, user), the function behind the case
  list page and `GET /api/v1/cases`, called as one request would call it. Each run starts with a
  fresh session (db.session.remove(), and the user is loaded again, both outside the timing), so
  lazy loads of departments, towns and categories count as they do in a request. A run is the
  call itself, from arguments to the list of row dicts with next_cursor. JSON encoding and HTTP
  are not included. There are --warmup untimed runs and then --runs timed ones per scenario; a
  scenario that is still running after --budget seconds stops once it has 5 timed runs.
- **Deep pages**: "page 200" follows next_cursor from the first page, 199 times and outside the
  timing, then times the fetch of page 200 alone (rows 9,951 to 10,000 of the list). If the list
  is shorter, it times its last page. "middle" builds the cursor of the row at half the table
  (OFFSET, once, outside the timing) and times the page after it.
- **Users**: bench-office (office) and three department users: the busiest department, the
  quietest of the 90 that get cases, and one that gets none. For the last one the visibility
  rule has to look through the whole table to find nothing. They are created on the first run
  (callin.services.users.create_user).
- **Sweep**: callin.services.supervision.sweep() over the whole table, twice: the first run on
  an empty notices table (the script deletes the bench database's notices first), then the
  second, idempotent run, which must send nothing.

Targets (issue 3): every list p95 under 100 ms; a sweep under 30 s. --check exits with status 1
when one is missed. --explain prints the plan of the main query of every list scenario that
misses its target: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

from benchlib import percentile  # noqa: E402
from cases_generate import PG_SERVER, bench_config, database_url  # noqa: E402

LIST_TARGET_MS = 100.0
SWEEP_TARGET_S = 30.0
PASSWORD = "bench-password"
COMMON_TEXT = "暖气"        # in the heating problems: about 1 case in 35
ABSENT_TEXT = "无此内容"     # in no case: the search reads everything it may read
SHORT_ABSENT_TEXT = "鲸鱼"   # two characters in no case: too short for a trigram index


class StatementLog:
    """Counts the SQL statements of a run and keeps the main list query for EXPLAIN."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.count, self.main = 0, None
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        self.count += 1
        if self.main is None and "FROM cases" in statement and "ORDER BY" in statement:
            self.main = (statement, parameters)

    def reset(self):
        self.count, self.main = 0, None


# --------------------------------------------------------------------------- set-up

def _user(username, role, department_id=None):
    from sqlalchemy import select

    from callin.extensions import db
    from callin.models import User
    from callin.services.users import create_user

    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        user = create_user(username, PASSWORD, role, username, department_id)
    elif user.department_id != department_id:
        user.department_id = department_id
        db.session.commit()
    return user.id


def set_up(echo):
    """The users, the size of the table and the departments that the scenarios use."""
    from sqlalchemy import func, select

    from callin.extensions import db
    from callin.models import Case, CaseDepartment, Department

    cases = db.session.scalar(select(func.count()).select_from(Case))
    if not cases:
        raise SystemExit("The bench database has no cases: run bench/cases_generate.py first.")
    counts = dict(db.session.execute(select(CaseDepartment.department_id, func.count())
                                     .group_by(CaseDepartment.department_id)).all())
    ranked = sorted(counts, key=lambda d: (-counts[d], d))
    everyone = db.session.scalars(select(Department.id).order_by(Department.id)).all()
    empty = next((d for d in everyone if d not in counts), None)
    departments = {"large": ranked[0], "small": ranked[-1]}
    if empty is not None:
        departments["empty"] = empty
    users = {"office": _user("bench-office", "office")}
    for size, department_id in departments.items():
        users[f"dept-{size}"] = _user(f"bench-dept-{size}", "department", department_id)
    echo(f"cases {cases:,}; departments: busiest #{ranked[0]} ({counts[ranked[0]]:,} cases), "
         f"quietest #{ranked[-1]} ({counts[ranked[-1]]:,}), "
         + (f"empty #{empty} (0)" if empty is not None else "none without cases"))
    db.session.remove()
    return {"cases": cases, "departments": departments, "counts": counts, "users": users}


def _fresh_user(user_id):
    from callin.extensions import db
    from callin.models import User

    db.session.remove()
    return db.session.get(User, user_id)


def cursor_after_pages(user_id, args, pages):
    """The cursor of page `pages` (1-based), following next_cursor; the page reached."""
    from callin.services.case_queries import list_cases

    cursor, page = None, 1
    while page < pages:
        result = list_cases({**args, **({"cursor": cursor} if cursor else {})},
                            _fresh_user(user_id))
        if not result["next_cursor"]:
            break
        cursor, page = result["next_cursor"], page + 1
    return cursor, page


def cursor_at_row(position):
    """The cursor that starts the list just after the `position`-th newest case (office view)."""
    from sqlalchemy import select

    from callin.extensions import db
    from callin.models import Case
    from callin.services.case_queries import _encode

    case = db.session.scalars(select(Case).order_by(Case.registered_at.desc(), Case.id.desc())
                              .offset(position - 1).limit(1)).one()
    cursor = _encode(case)
    db.session.remove()
    return cursor


def scenarios(setup, echo):
    """(name, user key, args) of every list measurement."""
    d = setup["departments"]
    office, large, small = setup["users"]["office"], setup["users"]["dept-large"], \
        setup["users"]["dept-small"]
    out = [
        ("office · first page", "office", {}),
        ("office · state=open", "office", {"state": "open"}),
        ("office · overdue=1", "office", {"overdue": "1"}),
        ("office · department_id (busiest)", "office", {"department_id": str(d["large"])}),
        ("office · department_id (quietest)", "office", {"department_id": str(d["small"])}),
        (f"office · text={COMMON_TEXT} (common)", "office", {"text": COMMON_TEXT}),
        (f"office · text={ABSENT_TEXT} (no match)", "office", {"text": ABSENT_TEXT}),
        (f"office · text={SHORT_ABSENT_TEXT} (2 characters, no match)", "office",
         {"text": SHORT_ABSENT_TEXT}),
    ]
    mark = time.perf_counter()
    cursor, page = cursor_after_pages(office, {}, 200)
    out.append((f"office · page {page} (next_cursor)", "office", {"cursor": cursor}))
    half = setup["cases"] // 2
    out.append((f"office · middle (after row {half:,})", "office",
                {"cursor": cursor_at_row(half)}))
    out.append(("dept busiest · first page", "dept-large", {}))
    cursor, page = cursor_after_pages(large, {}, 200)
    out.append((f"dept busiest · page {page}", "dept-large", {"cursor": cursor}))
    out.append(("dept quietest · first page", "dept-small", {}))
    cursor, page = cursor_after_pages(small, {}, 200)
    out.append((f"dept quietest · page {page} (last)"
                if page < 200 else f"dept quietest · page {page}", "dept-small",
                {"cursor": cursor}))
    if "dept-empty" in setup["users"]:
        out.append(("dept with no cases · first page", "dept-empty", {}))
    echo(f"deep-page cursors found in {time.perf_counter() - mark:.1f}s")
    return out


# --------------------------------------------------------------------------- measuring

def measure_list(name, user_id, args, runs, warmup, log, budget):
    from callin.services.case_queries import list_cases

    samples, rows, queries, main = [], 0, 0, None
    deadline = time.perf_counter() + budget
    for index in range(warmup + runs):
        if len(samples) >= 5 and time.perf_counter() > deadline:
            break  # a slow scenario: enough runs to show it, within the time budget
        user = _fresh_user(user_id)
        log.reset()
        started = time.perf_counter()
        result = list_cases(dict(args), user)
        elapsed = time.perf_counter() - started
        if index >= warmup:
            samples.append(elapsed * 1000)
        rows, queries, main = len(result["cases"]), log.count, log.main
        if user.role == "department":
            _check_department_rows(result, user)
    return {"name": name, "args": args, "rows": rows, "queries": queries, "runs": len(samples),
            "p50": percentile(samples, 50), "p95": percentile(samples, 95),
            "max": max(samples), "main": main}


def _check_department_rows(result, user):
    """A department's list holds its own cases only (a wrong benchmark is worse than none)."""
    from sqlalchemy import select

    from callin.extensions import db
    from callin.models import CaseDepartment

    ids = [row["id"] for row in result["cases"]]
    if not ids:
        return
    mine = set(db.session.scalars(select(CaseDepartment.case_id).where(
        CaseDepartment.case_id.in_(ids), CaseDepartment.department_id == user.department_id)))
    if mine != set(ids):
        raise SystemExit(f"department {user.department_id} sees cases that are not its own")


def measure_sweep(echo):
    """Two sweeps: on an empty notices table, then again (must send nothing)."""
    from sqlalchemy import delete, func, select

    from callin.extensions import db
    from callin.models import Notice
    from callin.services.supervision import sweep

    db.session.execute(delete(Notice))
    db.session.commit()
    db.session.remove()
    out = []
    for label in ("sweep · first run", "sweep · second run (idempotent)"):
        started = time.perf_counter()
        sent = sweep()
        elapsed = time.perf_counter() - started
        db.session.remove()
        out.append({"name": label, "seconds": elapsed, "sent": sent})
        echo(f"  {label}: {elapsed:.2f}s, sent {sent}", flush=True)
    notices = db.session.scalar(select(func.count()).select_from(Notice))
    db.session.remove()
    if any(out[1]["sent"].values()):
        raise SystemExit(f"the second sweep sent notices again: {out[1]['sent']}")
    return out, notices


def explain(engine, main):
    """The plan of one captured statement, with the parameters it ran with."""
    statement, parameters = main
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        else:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return "\n".join("    " + " | ".join(str(v) for v in row) for row in rows)


# --------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), required=True)
    parser.add_argument("--runs", type=int, default=50, help="timed runs per list scenario (50)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (3)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds per list scenario; a slow one stops after at least 5 "
                             "timed runs once it is spent (60)")
    parser.add_argument("--no-sweep", action="store_true", help="lists only")
    parser.add_argument("--only", default="", help="run the list scenarios whose name has this")
    parser.add_argument("--explain", action="store_true",
                        help="print the plan of every list scenario that misses its target")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", metavar="FILE", help="write every figure to FILE")
    parser.add_argument("--pg-server", default=PG_SERVER)
    args = parser.parse_args(argv)

    from sqlalchemy.engine import make_url

    from callin import create_app
    from callin.extensions import db

    def echo(*parts, **kw):
        print(*parts, **kw)
        sys.stdout.flush()

    url = database_url(args.backend, args.pg_server)
    app = create_app(bench_config(url))
    with app.app_context():
        engine = db.engine
        with engine.connect():
            pass  # the dialect learns the server version on the first connection
        server = engine.dialect.server_version_info
        version = engine.dialect.name + (" " + ".".join(map(str, server)) if server else "")
        if args.backend == "sqlite":
            import sqlite3
            version = f"sqlite {sqlite3.sqlite_version}"
        shown = make_url(url).render_as_string(hide_password=True)
        echo(f"{version} at {shown}; load average {os.getloadavg()[0]:.2f} "
             f"on {os.cpu_count()} CPUs; {args.runs} runs + {args.warmup} warm-up per list")
        setup = set_up(echo)
        log = StatementLog(engine)
        results = []
        for name, who, list_args in scenarios(setup, echo):
            if args.only and args.only not in name:
                continue
            result = measure_list(name, setup["users"][who], list_args, args.runs,
                                  args.warmup, log, args.budget)
            results.append(result)
            echo(f"  {name:<44} p50 {result['p50']:8.1f}  p95 {result['p95']:8.1f}  "
                 f"max {result['max']:8.1f} ms  ({result['runs']} runs, {result['rows']} rows, "
                 f"{result['queries']} statements)")
        sweeps, notices = ([], 0) if args.no_sweep else measure_sweep(echo)

        misses = []
        echo(f"\n{version}, {setup['cases']:,} cases; load average now "
             f"{os.getloadavg()[0]:.2f}")
        echo(f"  {'scenario':<46}{'runs':>5}{'rows':>5}{'SQL':>5}{'p50 ms':>10}{'p95 ms':>10}"
             f"{'max ms':>10}  target")
        for r in results:
            ok = r["p95"] < LIST_TARGET_MS
            if not ok:
                misses.append(r["name"])
            echo(f"  {r['name']:<46}{r['runs']:>5}{r['rows']:>5}{r['queries']:>5}{r['p50']:>10.1f}"
                 f"{r['p95']:>10.1f}{r['max']:>10.1f}  {'ok' if ok else 'MISS'} (p95 < 100 ms)")
        for s in sweeps:
            ok = s["seconds"] < SWEEP_TARGET_S
            if not ok:
                misses.append(s["name"])
            sent = ", ".join(f"{k} {v:,}" for k, v in s["sent"].items())
            echo(f"  {s['name']:<46}{s['seconds']:>25.2f} s  {'ok' if ok else 'MISS'} "
                 f"(< 30 s); sent: {sent}")
        if sweeps:
            echo(f"  notices in the table after both sweeps: {notices:,}")
        echo("targets: all met" if not misses else "targets missed: " + "; ".join(misses))

        if args.explain:
            for r in results:
                if r["p95"] >= LIST_TARGET_MS and r["main"]:
                    echo(f"\n-- {r['name']}\n{explain(engine, r['main'])}")
        if args.json:
            for r in results:
                r["main"] = r["main"][0] if r["main"] else None
            Path(args.json).write_text(json.dumps(
                {"backend": args.backend, "version": version, "cases": setup["cases"],
                 "lists": results, "sweeps": sweeps, "misses": misses},
                ensure_ascii=False, indent=2, default=str))
        db.session.remove()
        engine.dispose()
    return 1 if args.check and misses else 0


if __name__ == "__main__":
    sys.exit(main())
