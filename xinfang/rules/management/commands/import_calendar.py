"""Enter a year's State Council holiday notice from a file (or - for stdin).

    manage.py import_calendar notice-2027.txt --year 2027 --source "国办发明电〔2026〕X号"
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xinfang.rules.notices import NoticeError, import_notice


class Command(BaseCommand):
    help = "录入某年度国务院办公厅节假日安排通知，并重新计算所有计时中的期限"

    def add_arguments(self, parser):
        parser.add_argument("file", help="通知文件，每行「日期 类型 名称」；- 表示标准输入")
        parser.add_argument("--year", type=int, required=True, help="年份")
        parser.add_argument("--source", required=True, help="来源，如「国办发明电〔2026〕7号」")

    def handle(self, *args, **opts):
        if opts["file"] == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(opts["file"]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise CommandError(f"无法读取文件「{opts['file']}」：{e}") from None
        if not 2000 <= opts["year"] <= 2100:
            raise CommandError(f"年份 {opts['year']} 无效")
        try:
            result = import_notice(opts["year"], text, source=opts["source"], at=timezone.now())
        except NoticeError as e:
            raise CommandError("未保存任何内容：\n" + "\n".join(e.errors)) from None
        self.stdout.write(self.style.SUCCESS(
            f"已录入{result.year}年节假日安排：放假{result.holidays}天，调休上班{result.workdays}天；"
            f"{result.moved}个计时中的期限已重新计算并调整。"
        ))
