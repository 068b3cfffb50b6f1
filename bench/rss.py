"""Server memory with many screens: RSS of serve.py with N screens watching the live show.

    .venv/bin/python bench/rss.py                    # 200 screens, 30 pushes
    .venv/bin/python bench/rss.py --screens 500 --pushes 50

Starts serve.py (eventlet, freshly bootstrapped SQLite at /tmp/callin-bench.sqlite3, port 5104),
prints its RSS (psutil; the process and any children) idle, with N screens connected to /live as
the host and watching the live show, and after P pushes (the producer saving a host note, each
waited for until every screen has it), plus the peak sampled every 50 ms throughout.
Target: under 150 MB.
"""
import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as bl  # noqa: E402
from push_latency import Studio  # noqa: E402


class PeakSampler(threading.Thread):
    def __init__(self, pid, every=0.05):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.stop = pid, every, 0.0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, bl.rss_mb(self.pid))
            except Exception:  # the server went away: the main thread reports it
                return
            self.stop.wait(self.every)


def main(argv=None):
    p = argparse.ArgumentParser(description="serve.py RSS with N screens watching the live show.")
    p.add_argument("--screens", type=int, default=200)
    p.add_argument("--pushes", type=int, default=30)
    p.add_argument("--port", type=int, default=5104)
    p.add_argument("--db", default=bl.DB_PATH)
    p.add_argument("--target", type=float, default=150.0, help="MB (default 150)")
    p.add_argument("--check", action="store_true", help="exit 1 when over the target")
    args = p.parse_args(argv)

    bl.exit_on_sigterm()
    procs = bl.Processes()
    clients = None
    try:
        server = bl.start_callin(procs, args.port, args.db)
        studio = Studio(args.port)
        time.sleep(0.5)
        idle = bl.rss_mb(server.pid)
        sampler = PeakSampler(server.pid)
        sampler.start()
        clients = bl.LiveClients(args.port)
        clients.connect(args.screens, {"token": studio.host_token}, studio.show_id)
        time.sleep(0.5)
        connected = bl.rss_mb(server.pid)
        lost = 0
        for _ in range(args.pushes):
            mark = studio.next_marker()
            waiter = clients.expect(mark)
            studio.annotate(mark)
            if not waiter.wait(5):
                lost += 1
        time.sleep(0.5)
        after = bl.rss_mb(server.pid)
        sampler.stop.set()
        sampler.join(2)
        open_now = clients.open_count()
        print(f"serve.py RSS (MB, process + children): idle {idle:.1f}; "
              f"{args.screens} screens connected {connected:.1f}; after {args.pushes} pushes "
              f"{after:.1f}; peak {max(sampler.peak, after):.1f}")
        print(f"per screen: {(connected - idle) * 1000 / max(1, args.screens):.0f} kB; "
              f"screens still connected {open_now}/{args.screens}; "
              f"pushes not delivered to every screen within 5 s: {lost}")
        over = max(sampler.peak, after) >= args.target
        print(f"target < {args.target:.0f} MB: {'MISS' if over else 'OK'}")
        return 1 if (args.check and over) else 0
    finally:
        if clients is not None:
            clients.close()
        procs.stop()


if __name__ == "__main__":
    sys.exit(main())
