"""Compute a statutory due date from the command line, with its explanation.

    manage.py clock_due dispose 2026-09-28
    manage.py clock_due object 2026-09-28T16:30:00+08:00 --rule-set 2005 --json
"""

import json
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from xinfang.rules.calendar import load_calendar
from xinfang.rules.deadlines import CALENDAR_DAYS, compute_due
from xinfang.rules.kinds import ClockKind
from xinfang.rules.rulesets import RuleError, get_rule

CLOCKS = ["dispose", "accept", "object", "handle", "simple", "review_request", "review", "reexamine_request",
          "reexamine"]


def spans(days: list[date]) -> str:
    """2026-10-01 至 2026-10-07、2026-10-11: consecutive days as one span."""
    runs: list[list[date]] = []
    for d in days:
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return "、".join(f"{r[0]}" if len(r) == 1 else f"{r[0]} 至 {r[-1]}" for r in runs)


def parse_start(text: str) -> date | datetime:
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"起算时间「{text}」无效，应为 YYYY-MM-DD 或 ISO 格式的日期时间") from None


class Command(BaseCommand):
    help = "计算法定期限的期满日，并说明计算过程"
    requires_system_checks: list[str] = []  # a read-only calculator; nothing to check

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        english_error = parser.error

        def error(message: str):
            english_error(f"参数有误（{message}）。用法：clock_due 期限种类 起算时间 [--rule-set 2022|2005] [--json]")

        parser.error = error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser):
        parser.add_argument("clock", help="期限种类：" + "、".join(f"{k}（{ClockKind(k).label}）" for k in CLOCKS))
        parser.add_argument("start", help="起算时间：YYYY-MM-DD 或 ISO 日期时间（无时区按北京时间）")
        parser.add_argument("--rule-set", default="2022", help="适用规则：2022（默认）、2005 或地方规则代码")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **opts):
        kind = opts["clock"]
        if kind not in CLOCKS:
            raise CommandError(f"期限种类「{kind}」无效，应为：{'、'.join(CLOCKS)}")
        start = parse_start(opts["start"])
        try:
            rule = get_rule(opts["rule_set"], kind)
        except RuleError as e:
            raise CommandError(str(e)) from None
        assert rule.amount is not None  # every clock offered here has a statutory amount
        due = compute_due(start, rule.amount, rule.unit, load_calendar(),
                          extend_if_day_off=rule.extend_if_day_off, start_label=rule.start_event)
        if opts["json"]:
            out = {"due": due.due.isoformat(), "explanation": due.explanation, "warnings": due.warnings}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        w = self.stdout.write
        w(f"期限：{rule.name}（{rule.article}）")
        if rule.unit == CALENDAR_DAYS:
            w(f"计算：{rule.amount}日，起算当日不计入，{'期满遇休息日顺延' if rule.extend_if_day_off else '期满遇休息日不顺延'}")
        else:
            w(f"计算：{rule.amount}个工作日，起算当日不计入，不含周末和法定节假日，调休上班日计入")
        w(f"起算：{due.start}")
        w(f"跳过：{spans(due.skipped) or '无'}")
        w(f"期满：{due.due}")
        w("说明：")
        for line in due.explanation:
            w(f"  {line}")
        for warning in due.warnings:
            w(self.style.WARNING(f"注意：{warning}"))
