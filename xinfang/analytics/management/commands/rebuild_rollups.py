"""Recompute the dashboard rollups from scratch (first install, after a bulk import)."""

import time

from django.core.management.base import BaseCommand

from xinfang.analytics.rollups import rebuild


class Command(BaseCommand):
    help = "从头重建统计分析汇总表（首次部署或批量导入数据后使用）"

    def handle(self, *args, **options):
        t = time.perf_counter()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,} / {total:,}")

        done = rebuild(progress=progress if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(f"已重建 {done:,} 件信访事项的统计汇总，用时 {time.perf_counter() - t:.1f} 秒"))
