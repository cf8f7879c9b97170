"""Inbox first page and full-text search latency (issue: foundation)."""

import time

from django.db import connection
from django.test import Client

from bench.stats import measure, summary

SEARCHES = ["物业", "拖欠工资", "电梯", "噪音", "拆迁 补偿", "学校 食堂", "医保", "停车位", "违建", "劳动合同"]


def prepare(target: int) -> None:
    from xinfang.cases.models import Case
    from xinfang.demo.generator import generate_cases
    from xinfang.demo.orgtree import build_org_tree, create_demo_users

    create_demo_users(build_org_tree())
    have = Case.objects.count()
    if have < target:
        print(f"generating {target - have:,} cases (have {have:,}) …", flush=True)
        t = time.perf_counter()
        generate_cases(target - have, seed=have + 7)
        print(f"generated in {time.perf_counter() - t:.0f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"cases in database: {Case.objects.count():,}")


def _client(username: str) -> Client:
    from xinfang.accounts.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _get(client: Client, url: str) -> None:
    resp = client.get(url)
    if resp.status_code != 200:
        raise RuntimeError(f"{url} -> {resp.status_code}")


def run() -> None:
    print("\n== inbox, first page (20 rows, full request) ==")
    for username, label in [
        ("wx_registrar", "city bureau registrar"),
        ("lx_registrar", "district bureau registrar"),
        ("wx_zj_handler", "municipal department handler"),
        ("jy_handler", "county department handler"),
    ]:
        client = _client(username)
        for scope in ("mine", "all"):
            times = measure(lambda c=client, s=scope: _get(c, f"/cases/?scope={s}"), runs=30)
            print(summary(f"inbox {scope:<4} {label}", times))
    client = _client("lx_registrar")
    times = measure(lambda: _get(client, "/cases/?scope=all&channel=visit&status=accepted"), runs=30)
    print(summary("inbox filtered (channel+status) district", times))

    print("\n== full-text search, first page (scope all) ==")
    all_times: list[float] = []
    for username in ("wx_registrar", "lx_registrar"):
        client = _client(username)
        for q in SEARCHES:
            all_times += measure(lambda c=client, q=q: _get(c, f"/cases/?scope=all&q={q}"), runs=5, warmup=1)
    print(summary(f"search, {len(SEARCHES)} queries x 2 users", all_times))
