"""Push latency of the live show: producer's command returns -> studio screens have the new state.

    .venv/bin/python bench/push_latency.py                  # N = 3, 50, 200; 30 rounds each
    .venv/bin/python bench/push_latency.py --clients 200 --rounds 50

For each N, N clients connect to each of two servers on this machine, and the rounds alternate
between the servers (so both see the same machine load):
- callin: serve.py (eventlet) on a freshly bootstrapped SQLite database (demo data, one live
  show). N clients connect to /live as the host and `watch` the live show. Each round the
  producer saves the host note of a ready call (PATCH /api/v1/calls/<id> with the card version it
  saw; the note is a unique marker); t0 = the moment the HTTP response has been read; each client
  stamps the first `queue` push that carries the marker, i.e. the version that command created.
- floor: bench/floor_server.py, a bare Flask-SocketIO eventlet server; each round POST /emit with
  a copy of the studio payload (same size) that it emits to a room all N clients joined.
latency = client stamp - t0 (negative when the push beats the HTTP response; reported as is).
Target: callin p99 within 1.5x the floor p99, and nothing lost. Also prints the server's RSS with N
screens and its CPU time per push.
"""
import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as bl  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Push latency of the live show vs a bare "
                                            "Flask-SocketIO floor.")
    p.add_argument("--clients", default="3,50,200",
                   help="comma-separated numbers of connected studio screens (default 3,50,200)")
    p.add_argument("--rounds", type=int, default=30, help="measured commands per N (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="unmeasured commands first (default 3)")
    p.add_argument("--gap", type=float, default=0.1,
                   help="pause between rounds, seconds (default 0.1)")
    p.add_argument("--round-timeout", type=float, default=5.0,
                   help="longest wait for one push to reach every client, seconds (default 5)")
    p.add_argument("--phase-seconds", type=float, default=120.0,
                   help="time limit of the rounds of one server at one N (default 120)")
    p.add_argument("--port", type=int, default=5104, help="callin's port (default 5104)")
    p.add_argument("--floor-port", type=int, default=5105, help="the floor's port (default 5105)")
    p.add_argument("--db", default=bl.DB_PATH, help=f"SQLite file (default {bl.DB_PATH})")
    p.add_argument("--no-floor", action="store_true", help="measure callin only")
    p.add_argument("--ratio-target", type=float, default=1.5)
    p.add_argument("--rss-target", type=float, default=150.0, help="MB (default 150)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--check", action="store_true",
                   help="exit with status 1 when a target is missed")
    args = p.parse_args(argv)
    try:
        args.ns = [int(x) for x in args.clients.split(",") if x.strip()]
    except ValueError:
        p.error("--clients takes numbers separated by commas, e.g. 3,50,200")
    if not args.ns or min(args.ns) < 1:
        p.error("--clients needs at least one number >= 1")
    return args


class Studio:
    """What the benchmark drives on callin: tokens, the live show, one ready call to annotate."""

    def __init__(self, port):
        self.port = port
        self.run_id = secrets.token_hex(3)
        self.seq = 0
        self.host_token = bl.token(port, "host")
        self.producer = bl.Http(port, bl.token(port, "producer"))
        _, shows, _, _ = self.producer.request("GET", "/api/v1/shows?state=live")
        if not shows["shows"]:
            raise RuntimeError("no live show in the demo data")
        self.show_id = shows["shows"][0]["id"]
        state = self.producer_state()
        ready = [c for c in state["calls"] if c["state"] == "ready"]
        if not ready:
            raise RuntimeError("the live show has no ready call to annotate")
        self.call_id, self.call_version = ready[0]["id"], ready[0]["version"]
        self.annotate(self.next_marker())          # the note now has the marker's length
        host = bl.Http(port, self.host_token)
        _, self.template, _, _ = host.request("GET", f"/api/v1/shows/{self.show_id}/queue")
        host.close()
        self.template_index = next(i for i, c in enumerate(self.template["calls"])
                                   if c["id"] == self.call_id)
        self.floor_version = self.template["version"]

    def next_marker(self):
        self.seq += 1
        return bl.marker(self.run_id, self.seq)

    def producer_state(self):
        _, state, _, _ = self.producer.request("GET", f"/api/v1/shows/{self.show_id}/queue")
        return state

    def annotate(self, mark):
        """The producer's command: save the call's host note. Returns (t_sent, t_returned)."""
        path = f"/api/v1/calls/{self.call_id}"
        try:
            _, body, t_sent, t0 = self.producer.request(
                "PATCH", path, {"host_note": mark, "version": self.call_version})
        except bl.HttpError as error:
            if error.status != 409:
                raise
            # Someone else saved the card: take its version (outside any timing) and retry once.
            call = next(c for c in self.producer_state()["calls"] if c["id"] == self.call_id)
            self.call_version = call["version"]
            _, body, t_sent, t0 = self.producer.request(
                "PATCH", path, {"host_note": mark, "version": self.call_version})
        self.call_version = body["call"]["version"]
        return t_sent, t0

    def floor_payload(self, mark):
        """The studio payload with this round's marker as the host note and a new version."""
        self.floor_version += 1
        calls = list(self.template["calls"])
        calls[self.template_index] = {**calls[self.template_index], "host_note": mark}
        return {**self.template, "version": self.floor_version, "calls": calls}


def run_n(n, studio, servers, args):
    """Connect n clients to each server, then alternate rounds between the servers.

    Alternating (callin, floor, callin, ...) makes both see the same machine load, which matters
    on a small machine shared with other work.
    """
    kinds = list(servers)
    pools, figures = {}, {k: {} for k in kinds}
    floor_http = bl.Http(args.floor_port) if "floor" in servers else None
    try:
        for kind in kinds:
            port = args.port if kind == "callin" else args.floor_port
            auth = {"token": studio.host_token} if kind == "callin" else {}
            pools[kind] = bl.LiveClients(port)
            started, cpu_before = bl.clock(), bl.cpu_seconds(servers[kind].pid)
            pools[kind].connect(n, auth, studio.show_id)
            figures[kind]["connect_s"] = bl.clock() - started
            figures[kind]["connect_cpu_ms_per_client"] = (
                1000 * (bl.cpu_seconds(servers[kind].pid) - cpu_before) / n)
        time.sleep(0.3)                                  # let the connect burst settle
        start = {}
        for kind in kinds:
            figures[kind]["rss_connected_mb"] = bl.rss_mb(servers[kind].pid)
            start[kind] = (bl.cpu_seconds(servers[kind].pid), pools[kind].loop_busy_s)
        rounds = {k: [] for k in kinds}
        pushes = {k: 0 for k in kinds}
        timed_out = {k: 0 for k in kinds}
        deadline = bl.clock() + args.phase_seconds * len(kinds)
        for i in range(args.warmup + args.rounds):
            if bl.clock() > deadline:
                print(f"  (N={n}: time limit reached after {i} rounds)")
                break
            for kind in kinds:
                mark = studio.next_marker()
                waiter = pools[kind].expect(mark)
                if kind == "callin":
                    t_sent, t0 = studio.annotate(mark)
                else:
                    _, _, t_sent, t0 = floor_http.request("POST", "/emit",
                                                          studio.floor_payload(mark))
                pushes[kind] += 1
                if not waiter.wait(args.round_timeout):
                    timed_out[kind] += 1
                if i >= args.warmup:
                    rounds[kind].append((mark, t_sent, t0))
                time.sleep(args.gap)
        results = {}
        for kind in kinds:
            cpu0, busy0 = start[kind]
            done = max(1, pushes[kind])
            figures[kind].update({
                "server_cpu_ms_per_push":
                    1000 * (bl.cpu_seconds(servers[kind].pid) - cpu0) / done,
                "reader_busy_ms_per_push": 1000 * (pools[kind].loop_busy_s - busy0) / done,
                "rss_after_mb": bl.rss_mb(servers[kind].pid),
                "rounds_timed_out": timed_out[kind],
                "clients_open_at_end": pools[kind].open_count()})
            results[kind] = summarize(kind, n, pools[kind], rounds[kind], figures[kind])
        return results
    finally:
        for pool in pools.values():
            pool.close()
        if floor_http:
            floor_http.close()
        time.sleep(0.5)                                  # let the servers drop the sockets


def summarize(kind, n, clients, rounds, extra):
    latencies, end_to_end, commands, sizes, version_problems, versions = [], [], [], [], 0, []
    last_per_round = []     # per round: when the LAST screen had it (ms after t0)
    for mark, t_sent, t0 in rounds:
        commands.append(1000 * (t0 - t_sent))
        got = clients.receipts(mark)
        seen = set()
        for _idx, stamp, text in got:
            latencies.append(1000 * (stamp - t0))
            end_to_end.append(1000 * (stamp - t_sent))
            sizes.append(len(text.encode()))
            seen.add(bl.event_payload(text)["version"])
        if got:
            last_per_round.append(1000 * (max(stamp for _i, stamp, _t in got) - t0))
        if len(seen) > 1:
            version_problems += 1
        versions.append(min(seen) if seen else None)
    got_versions = [v for v in versions if v is not None]
    if any(b <= a for a, b in zip(got_versions, got_versions[1:])):
        version_problems += 1
    return {
        "server": kind, "clients": n, "rounds": len(rounds),
        "delivered": len(latencies), "expected": len(rounds) * n,
        "p50_ms": bl.percentile(latencies, 50), "p99_ms": bl.percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else None,
        "min_ms": min(latencies) if latencies else None,
        "all_screens_p50_ms": bl.percentile(last_per_round, 50),
        "all_screens_p90_ms": bl.percentile(last_per_round, 90),
        "e2e_p50_ms": bl.percentile(end_to_end, 50), "e2e_p99_ms": bl.percentile(end_to_end, 99),
        "command_p50_ms": bl.percentile(commands, 50),
        "command_p99_ms": bl.percentile(commands, 99),
        "message_bytes": round(sum(sizes) / len(sizes)) if sizes else None,
        "versions": [versions[0], versions[-1]] if versions else None,
        "version_problems": version_problems, **extra,
    }


def fmt(value, width=8, digits=1):
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


HEADER = (f"  {'server':<7}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}   {'delivered':>13}"
          f"{'all p50':>9}{'cmd p50':>9}{'e2e p50':>9}{'e2e p99':>9}{'srv CPU/push':>14}"
          f"{'msg bytes':>11}")


def row(r):
    return (f"  {r['server']:<7}{fmt(r['p50_ms'])}{fmt(r['p99_ms'])}{fmt(r['max_ms'])}   "
            f"{r['delivered']:>6}/{r['expected']:<6}{fmt(r['all_screens_p50_ms'], 9)}"
            f"{fmt(r['command_p50_ms'], 9)}"
            f"{fmt(r['e2e_p50_ms'], 9)}{fmt(r['e2e_p99_ms'], 9)}"
            f"{fmt(r['server_cpu_ms_per_push'], 11)} ms{r['message_bytes'] or 0:>11}")


def verdict(ours, floor, args):
    lost = ours["expected"] - ours["delivered"]
    if floor is None or not floor["p99_ms"] or ours["p99_ms"] is None:
        return None, f"lost {lost}"
    ratio = ours["p99_ms"] / floor["p99_ms"] if floor["p99_ms"] > 0 else float("inf")
    ok = ratio <= args.ratio_target and lost == 0
    return ratio, (f"p99 ratio {ratio:.2f}x (target <= {args.ratio_target}x), lost {lost}: "
                   f"{'OK' if ok else 'MISS'}")


def main(argv=None):
    args = parse_args(argv)
    bl.exit_on_sigterm()
    procs = bl.Processes()
    results, failures = [], []
    try:
        print(f"bootstrapping {args.db} and starting serve.py on :{args.port} ...", flush=True)
        ours = bl.start_callin(procs, args.port, args.db)
        floor = None if args.no_floor else bl.start_floor(procs, args.floor_port)
        studio = Studio(args.port)
        print(f"live show {studio.show_id}; each round the producer saves the host note of call "
              f"{studio.call_id}; {args.rounds} rounds (+{args.warmup} warm-up) per N and server, "
              f"alternating callin/floor, {args.gap}s apart; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f}", flush=True)
        print(f"server RSS before any screen: {bl.rss_mb(ours.pid):.1f} MB", flush=True)
        for n in args.ns:
            print(f"\nN = {n} screens", flush=True)
            servers = {"callin": ours} if floor is None else {"callin": ours, "floor": floor}
            both = run_n(n, studio, servers, args)
            ours_r, floor_r = both["callin"], both.get("floor")
            results.extend(both.values())
            print(HEADER)
            print(row(ours_r))
            if floor_r:
                print(row(floor_r))
            ratio, text = verdict(ours_r, floor_r, args)
            ours_r["p99_ratio"] = ratio
            print(f"  {text}")
            print(f"  callin RSS: {ours_r['rss_connected_mb']:.1f} MB with {n} screens connected, "
                  f"{ours_r['rss_after_mb']:.1f} MB after the rounds (target < {args.rss_target} MB)")
            print(f"  connect {n}: callin {ours_r['connect_s']:.1f}s "
                  f"({ours_r['connect_cpu_ms_per_client']:.1f} ms server CPU each)"
                  + (f", floor {floor_r['connect_s']:.1f}s "
                     f"({floor_r['connect_cpu_ms_per_client']:.1f} ms)" if floor_r else "")
                  + f"; client reader busy {ours_r['reader_busy_ms_per_push']:.1f} ms/push; "
                  f"versions {ours_r['versions']}"
                  + (f"; VERSION PROBLEMS {ours_r['version_problems']}"
                     if ours_r["version_problems"] else ""), flush=True)
            if "MISS" in text or ours_r["delivered"] < ours_r["expected"]:
                failures.append(f"N={n}: {text}")
            if ours_r["rss_after_mb"] >= args.rss_target:
                failures.append(f"N={n}: RSS {ours_r['rss_after_mb']:.1f} MB")
        print("\nsummary (ms; latency = client receipt - producer's HTTP response)")
        print(f"  {'N':>4}  {'callin p50/p99/max':>22}  {'floor p50/p99/max':>22}  "
              f"{'ratio':>6}  {'lost':>5}  {'RSS MB':>7}")
        by_n = {}
        for r in results:
            by_n.setdefault(r["clients"], {})[r["server"]] = r
        for n, pair in by_n.items():
            o, f = pair["callin"], pair.get("floor")
            trio = lambda r: "/".join(f"{r[k]:.1f}" if r[k] is not None else "-"  # noqa: E731
                                      for k in ("p50_ms", "p99_ms", "max_ms"))
            ratio = f"{o['p99_ratio']:.2f}x" if o.get("p99_ratio") else "-"
            print(f"  {n:>4}  {trio(o):>22}  {trio(f) if f else '-':>22}  {ratio:>6}  "
                  f"{o['expected'] - o['delivered']:>5}  {o['rss_after_mb']:>7.1f}")
        print("targets: " + ("all met" if not failures else "MISSED: " + "; ".join(failures)))
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
    finally:
        procs.stop()
    return 1 if (args.check and failures) else 0


if __name__ == "__main__":
    sys.exit(main())
