"""Idempotent demo set-up for `make run`: org tree, demo staff, demo cases."""

import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand

from xinfang.cases.models import Case
from xinfang.demo import orgtree
from xinfang.demo.generator import generate_cases

DEMO_CASE_COUNT = 2000
DEMO_SEED = 2026


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [rule, "| " + " | ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)) + " |", rule]
    lines += ["| " + " | ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    lines.append(rule)
    return "\n".join(lines)


# The city bureau's leader runs the assessment scheme and the third-party
# sample in the demo; in a real deployment an admin grants these.
DEMO_PERMISSIONS = {
    "wx_leader": ["assessment.manage_scheme", "assessment.manage_third_party"],
    "wx_supervisor": ["assessment.manage_third_party"],
}


def fill_statistics() -> None:
    """Fill the dashboards' rollups, the hotspot counts and the monthly rate
    tallies at once, so the demo's statistics pages are full on first login
    (the worker keeps them current from then on)."""
    from datetime import timedelta

    from django.utils import timezone

    from xinfang.insights import rollup

    call_command("rebuild_rollups", verbosity=0)
    # Nothing else writes while the demo loads, so every case counts as settled now.
    rollup.ingest_new(now=timezone.now() + rollup.SETTLE + timedelta(seconds=1))
    call_command("refresh_rate_tallies", verbosity=0)


def grant_demo_permissions() -> None:
    from django.contrib.auth.models import Permission

    from xinfang.accounts.models import User

    for username, perms in DEMO_PERMISSIONS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Command(BaseCommand):
    help = "建立演示数据：单位树、演示账号和演示信访事项（可重复运行，不会重复创建）"

    def handle(self, *args, **options):
        keys = orgtree.build_org_tree()
        users = orgtree.create_demo_users(keys)
        # Routing rules name demo orgs, so they can only be seeded once the tree exists.
        call_command("seed_routing_rules", verbosity=0)
        grant_demo_permissions()
        if Case.objects.exists():
            self.stdout.write(f"已有 {Case.objects.count():,} 件信访事项，跳过演示数据生成")
        else:
            self.stdout.write(f"正在生成 {DEMO_CASE_COUNT:,} 件演示信访事项……")
            written = generate_cases(DEMO_CASE_COUNT, seed=DEMO_SEED)
            self.stdout.write(f"已生成 {written:,} 件演示信访事项")
            fill_statistics()
            self.stdout.write("已生成统计汇总、热点词频和三率月度统计")
        self.stdout.write("")
        self.stdout.write("演示账号：")
        self.stdout.write(format_table(["用户名", "姓名", "单位", "角色"], [list(u) for u in users]))
        self.stdout.write(f"所有演示账号的密码：{orgtree.DEMO_PASSWORD}")
