"""Where a push's server time goes: one producer command, profiled in-process (no sockets).

    .venv/bin/python bench/profile_push.py               # 100 commands, top 25 functions
    .venv/bin/python bench/profile_push.py --commands 300 --top 40

On its own freshly bootstrapped SQLite database (/tmp/callin-bench-profile.sqlite3), it:
1. times PATCH /api/v1/calls/<id> (the host-note save push_latency.py uses) through Flask's test
   client: request handling + database + building the snapshot for every audience + emit to
   rooms with nobody in them;
2. times payloads.snapshot() for each audience alone, and json.dumps of each payload;
3. prints the cProfile of step 1, sorted by cumulative time, plus the own time of the hottest
   functions.
It measures the server's work per push independent of the number of screens; the fan-out to
screens is what push_latency.py measures.
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as bl  # noqa: E402

DB = "/tmp/callin-bench-profile.sqlite3"


def main(argv=None):
    p = argparse.ArgumentParser(description="Profile one push's server-side work.")
    p.add_argument("--commands", type=int, default=100)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--db", default=DB)
    args = p.parse_args(argv)

    bl.bootstrap(args.db)
    os.environ.update(bl.callin_env(0, args.db))
    os.environ["SOCKETIO_ASYNC_MODE"] = "threading"   # in-process, no eventlet hub
    sys.path.insert(0, str(bl.ROOT))
    os.chdir(bl.ROOT)
    from callin import create_app
    from callin.extensions import db
    from callin.models import Show
    from callin.realtime import payloads

    app = create_app()
    client = app.test_client()
    tok = client.post("/api/v1/auth/token",
                      json={"username": "producer", "password": bl.PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {tok}"}
    show_id = client.get("/api/v1/shows?state=live", headers=headers).get_json()["shows"][0]["id"]
    state = client.get(f"/api/v1/shows/{show_id}/queue", headers=headers).get_json()
    call = next(c for c in state["calls"] if c["state"] == "ready")
    version = call["version"]

    def command(i):
        nonlocal version
        response = client.patch(f"/api/v1/calls/{call['id']}", headers=headers,
                                json={"host_note": f"profile note {i:05d}", "version": version})
        assert response.status_code == 200, response.get_data(as_text=True)
        version = response.get_json()["call"]["version"]

    for i in range(5):                                   # warm caches, imports, statements
        command(i)

    from sqlalchemy import event
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *a, **k: statements.append(a[2])  # noqa: E731  (the SQL text)
    event.listen(engine, "before_cursor_execute", listener)
    command(50)
    event.remove(engine, "before_cursor_execute", listener)
    kinds = {}
    for sql in statements:
        head = " ".join(sql.split())[:60]
        kinds[head] = kinds.get(head, 0) + 1
    started = time.perf_counter()
    for i in range(args.commands):
        command(100 + i)
    per_command = 1000 * (time.perf_counter() - started) / args.commands

    with app.app_context():
        show = db.session.get(Show, show_id)
        rows = []
        for audience in ("producer", "host", "guest", "public"):
            t = time.perf_counter()
            for _ in range(args.commands):
                payload = payloads.snapshot(show, audiences=(audience,))[audience]
            build = 1000 * (time.perf_counter() - t) / args.commands
            t = time.perf_counter()
            for _ in range(args.commands):
                text = json.dumps(payload, separators=(",", ":"))
            dump = 1000 * (time.perf_counter() - t) / args.commands
            rows.append((audience, build, dump, len(text), len(payload["calls"])))
        t = time.perf_counter()
        for _ in range(args.commands):
            payloads.snapshot(show)
        all_four = 1000 * (time.perf_counter() - t) / args.commands
        db.session.rollback()

    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(args.commands):
        command(10000 + i)
    profiler.disable()

    print(f"PATCH host note (whole request, in-process, no screens): {per_command:.2f} ms/command")
    print(f"SQL statements in one command: {len(statements)}")
    for head, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {count:>4} x {head}")
    print(f"payloads.snapshot() for all four audiences: {all_four:.2f} ms")
    print(f"  {'audience':<10}{'build ms':>10}{'json ms':>10}{'bytes':>8}{'calls':>7}")
    for audience, build, dump, size, calls in rows:
        print(f"  {audience:<10}{build:>10.2f}{dump:>10.3f}{size:>8}{calls:>7}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(15)
    text = out.getvalue().replace(str(bl.ROOT) + "/", "").replace(
        str(Path(sys.prefix)) + "/lib/python3.11/site-packages/", "")
    print(f"\ncProfile of {args.commands} commands (cumulative, then own time):")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
