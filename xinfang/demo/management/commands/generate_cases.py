"""python manage.py generate_cases --count N [--seed S] [--months M] [--batch B]"""

import time

from django.core.management.base import BaseCommand, CommandError

from xinfang.demo.generator import generate_cases
from xinfang.demo.orgtree import build_org_tree


class Command(BaseCommand):
    help = "批量生成逼真的演示信访事项（无锡市），写入当前数据库"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="生成的信访事项数量")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同内容）")
        parser.add_argument("--months", type=int, default=18, help="登记时间分布在最近多少个月内")
        parser.add_argument("--batch", type=int, default=2000, help="每批写入的事项数")
        parser.add_argument("--method", choices=["auto", "copy", "orm"], default="auto",
                            help="写入方式：PostgreSQL 默认 COPY，其他数据库使用 bulk_create")

    def handle(self, *args, count, seed, months, batch, method, **options):
        if count < 0 or batch < 1 or months < 1:
            raise CommandError("--count 不能为负数，--batch 和 --months 至少为 1")
        started = time.monotonic()
        build_org_tree()
        self.stdout.write(f"单位树就绪，开始生成 {count} 件信访事项（种子 {seed}，最近 {months} 个月）")

        def progress(done, total, rows):
            elapsed = max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"  {done:>9,}/{total:,} 件  {rows:>11,} 行  "
                f"{done / elapsed:>7,.0f} 件/秒  {rows / elapsed:>8,.0f} 行/秒  已用 {elapsed:,.1f} 秒"
            )
            self.stdout.flush()

        try:
            written = generate_cases(count, seed=seed, months=months, batch_size=batch, progress=progress,
                                     method=method, log=self.stdout.write)
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"完成：生成 {written:,} 件信访事项，总耗时 {elapsed:,.1f} 秒"))
