from datetime import date

from django.core.management.base import BaseCommand, CommandError

from xinfang.assessment.tallies import refresh, refresh_recent


class Command(BaseCommand):
    help = "重新统计三率月度数据（默认最近13个月）；--first/--last 指定月份范围，如 2025-01"

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=13)
        parser.add_argument("--first")
        parser.add_argument("--last")

    def handle(self, *args, months: int, first: str | None, last: str | None, **options):
        if first or last:
            try:
                start = date.fromisoformat(f"{first}-01")
                end = date.fromisoformat(f"{last}-01")
            except (TypeError, ValueError):
                raise CommandError("请同时给出 --first 和 --last，格式如 2025-01") from None
            run = refresh(start, end)
        else:
            run = refresh_recent(months)
        self.stdout.write(f"已统计 {run.first_month:%Y-%m} 至 {run.last_month:%Y-%m}，用时 {run.seconds:.1f} 秒")
