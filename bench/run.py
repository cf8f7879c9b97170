"""`make bench`: benchmarks on PostgreSQL with generated data.

Uses (and fills, if needed) the database in BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/xinfang_bench, up to BENCH_CASES cases
(default 1,000,000; generating them the first time takes a while). Requests
go through the full Django stack (middleware, access policy, ORM, templates)
with the test client, so the figures are server time without the network.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import inbox_bench

    target = int(os.environ.get("BENCH_CASES", "1000000"))
    inbox_bench.prepare(target)
    t = time.perf_counter()
    inbox_bench.run()
    from bench import portal_bench

    portal_bench.run()
    from bench import triage_bench

    triage_bench.run()
    from bench import integrity_bench

    integrity_bench.run()
    from bench import insights_bench

    insights_bench.run()
    from bench import rates_bench

    rates_bench.run()
    from bench import sweep_bench

    sweep_bench.run()
    from bench import analytics_bench

    analytics_bench.run()
    print(f"\nbench finished in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
