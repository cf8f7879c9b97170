"""Fill the hotspot and volume rollups for cases already in the database.

Resumable: it continues from the cursor, batch by batch, each batch committed;
--reset starts again from zero. The scheduled job does the same for new cases,
so running both at once is safe (they take turns on the cursor)."""

import time

from django.core.management.base import BaseCommand

from xinfang.insights import rollup


class Command(BaseCommand):
    help = "回填热点与信访量汇总表（可中断后继续）"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="清空汇总表后从头回填")

    def handle(self, *args, reset: bool = False, **options):
        if reset:
            rollup.reset()
        started = time.perf_counter()
        total = 0
        while True:
            n = rollup.ingest_batch(batch=5000)
            if n == 0:
                break
            total += n
            if total % 50_000 < 5000:
                rate = total / (time.perf_counter() - started)
                self.stdout.write(f"counted {total:,} cases ({rate:,.0f}/s)")
        self.stdout.write(f"done: {total:,} cases counted in {time.perf_counter() - started:.0f} s")
