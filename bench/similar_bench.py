"""Time the duplicate suggestions (callin.services.similar.similar_cases) on the case benchmark DB.

    .venv/bin/python bench/cases_generate.py --backend sqlite --cases 1000000   # once, first
    .venv/bin/python bench/similar_bench.py --backend sqlite [--queries 300]

Reads the database that bench/cases_generate.py made (it writes nothing to it). The queries are
what intake sends: a problem text of the demo's categories with a town and a category, half of
them with a phone number (one that has cases, or a new one), made from a fixed seed. Prints the
size of the table, p50/p95/max in ms, cold (no bigrams cache) and
warm, the candidates scored per query and the SQL statements.
"""
import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

from cases_bench import StatementLog, percentile  # noqa: E402
from cases_generate import PG_SERVER, bench_config, database_url  # noqa: E402


def queries(n, seed):
    """Intake-like queries: (phone, text, town_id, category_id)."""
    from sqlalchemy import func, select

    from callin.demo.reference_data import PROBLEMS
    from callin.extensions import db
    from callin.models import Case, Category, Town
    from callin.states import OPEN_CASE_STATES

    rng = random.Random(seed)
    towns = db.session.scalars(select(Town.id)).all()
    tops = {c.name: c for c in db.session.scalars(select(Category).where(
        Category.parent_id.is_(None)))}
    recent_phones = db.session.scalars(
        select(Case.citizen_phone).where(Case.state.in_(OPEN_CASE_STATES),
                                         Case.citizen_phone.is_not(None))
        .order_by(Case.registered_at.desc()).limit(2000)).all()
    found = []
    for _ in range(n):
        name = rng.choice([k for k in PROBLEMS if k in tops])
        title, description = rng.choice(PROBLEMS[name])
        top = tops[name]
        category = rng.choice([top.id] + [c.id for c in top.children])
        phone = None
        roll = rng.random()
        if roll < 0.25 and recent_phones:
            phone = rng.choice(recent_phones)
        elif roll < 0.5:
            phone = f"+86139{rng.randint(0, 99_999_999):08d}"
        found.append((phone, title + " " + description, rng.choice(towns), category))
    count = db.session.scalar(select(func.count()).select_from(Case))
    open_count = db.session.scalar(select(func.count()).select_from(Case).where(
        Case.state.in_(OPEN_CASE_STATES)))
    return found, count, open_count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="sqlite")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--pg-server", default=PG_SERVER)
    args = parser.parse_args(argv)

    from callin import create_app
    from callin.extensions import db
    from callin.services import similar

    url = database_url(args.backend, args.pg_server)
    app = create_app(bench_config(url))
    with app.app_context():
        log = StatementLog(db.engine)
        work, count, open_count = queries(args.queries + args.warmup, args.seed)
        if not count:
            raise SystemExit("The bench database has no cases: run bench/cases_generate.py first.")
        print(f"{args.backend}: {count:,} cases, {open_count:,} open")
        original, cached = similar._candidates, similar._signature
        for cold in (True, False):
            # cold: no cache at all (the bench's texts repeat, real descriptions do not)
            similar._signature = cached.__wrapped__ if cold else cached
            scored, timings, hits, statements = [], [], 0, []

            def counting(*a, **kw):
                rows = list(original(*a, **kw))
                scored.append(len(rows))
                return rows
            similar._candidates = counting
            for index, (phone, text, town_id, category_id) in enumerate(work):
                log.reset()
                db.session.remove()
                started = time.perf_counter()
                found = similar.similar_cases(phone, text, town_id, category_id)
                elapsed = (time.perf_counter() - started) * 1000
                if index >= args.warmup:
                    timings.append(elapsed)
                    hits += bool(found)
                    statements.append(log.count)
            similar._candidates, similar._signature = original, cached
            measured = scored[args.warmup:]
            label = ("cold (no candidate seen before)" if cold
                     else "warm (candidates' bigrams cached, as while someone types)")
            print(f"  {label}: {len(timings)} queries after {args.warmup} warm-up: "
                  f"p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
                  f"max {max(timings):.1f} ms")
        print(f"  candidates scored per query: p50 {percentile(measured, 50):.0f}, "
              f"max {max(measured)}; SQL statements per query: max {max(statements)}; "
              f"queries with a suggestion: {hits}/{len(timings)}")


if __name__ == "__main__":
    main()
