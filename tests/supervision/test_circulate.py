"""通报: the worst performers of a district for a month, with a minimum volume."""

from datetime import datetime, time, timedelta

from django.urls import reverse

from tests.cases.test_access_and_search import make_case
from xinfang.cases.models import Case
from xinfang.disclosure.rates import Period
from xinfang.rules.calendar import LOCAL_TZ
from xinfang.rules.models import Clock
from xinfang.supervision.circulate import generate_notice
from xinfang.supervision.models import CirculatedNotice

PERIOD = Period.month(2026, 9)
NOW = datetime(2026, 10, 10, 9, tzinfo=LOCAL_TZ)


def clocks(org, registrar, outcomes: str, seq: list[int]) -> None:
    """One case held by `org` per letter: m met, l late, o overdue (still running)."""
    for letter in outcomes:
        seq[0] += 1
        case = make_case(registrar.memberships.get().org, registrar, seq=seq[0])
        Case.objects.filter(pk=case.pk).update(current_org=org)
        due = datetime.combine(PERIOD.start.date() + timedelta(days=seq[0] % 25), time(23, 59, 59), tzinfo=LOCAL_TZ)
        state, stopped = {"m": ("met", due - timedelta(days=1)), "l": ("missed", due + timedelta(days=3)),
                          "o": ("running", None)}[letter]
        Clock.objects.create(case=case, kind="handle", rule_set="2022", article="第三十四条", started_at=due - timedelta(days=60),
                             start_date=(due - timedelta(days=60)).date(), amount=60, unit="calendar_days",
                             due_date=due.date(), due_at=due, state=state, stopped_at=stopped)


def test_it_ranks_the_worst_and_leaves_tiny_orgs_out(orgs, make_user, client):
    registrar = make_user("lx_bureau", "registrar")
    supervisor = make_user("lx_bureau", "supervisor")
    seq = [0]
    clocks(orgs["lx_zhujian"], registrar, "mmmlloo", seq)   # 7 due, 2 overdue, 3/7 on time
    clocks(orgs["lx_gongan"], registrar, "mmmmmlo", seq)    # 7 due, 1 overdue, 5/7
    clocks(orgs["lx_jiaoyu"], registrar, "mmmmmm", seq)     # 6 due, all on time
    clocks(orgs["lx_minzheng"], registrar, "oo", seq)       # 2 due: too few to rank
    clocks(orgs["jy_zhujian"], registrar, "ooooooo", seq)   # another county: not in 梁溪's notice

    notice = generate_notice(user=supervisor, scope=orgs["lx_bureau"], period=PERIOD, worst=2, min_volume=5, now=NOW)

    ranked = [r for r in notice.rows if r["rank"]]
    assert [r["org_name"] for r in ranked] == ["梁溪区住房和城乡建设局", "梁溪区公安分局", "梁溪区教育局"]
    assert (ranked[0]["due"], ranked[0]["met"], ranked[0]["late"], ranked[0]["overdue"]) == (7, 3, 2, 2)
    assert ranked[0]["on_time_percent"] == "42.9%"
    assert [r["listed"] for r in ranked] == [True, True, False]
    assert [r["org_name"] for r in notice.rows if not r["rank"]] == ["梁溪区民政局"]
    assert notice.generated_by == supervisor and notice.title == "关于2026年9月信访事项按期办结情况的通报"

    client.force_login(supervisor)
    page = client.get(reverse("supervision:notice", args=[notice.pk])).content.decode()
    worst = page[page.index('data-testid="notice-worst"'):page.index("请被通报单位")]
    assert "梁溪区住房和城乡建设局" in worst and "梁溪区公安分局" in worst and "梁溪区教育局" not in worst
    assert "江阴" not in page

    # Another district's supervisor cannot open it; a handler cannot generate one.
    client.force_login(make_user("jy_bureau", "supervisor"))
    assert client.get(reverse("supervision:notice", args=[notice.pk])).status_code == 404
    client.force_login(make_user("lx_zhujian", "handler"))
    assert client.post(reverse("supervision:notices"), {"month": "2026-09", "worst": 5}).status_code == 403


def test_the_form_rejects_a_bad_month(orgs, make_user, client):
    client.force_login(make_user("lx_bureau", "supervisor"))
    page = client.post(reverse("supervision:notices"), {"month": "2026-13", "worst": 5})
    assert "格式不正确" in page.content.decode() and not CirculatedNotice.objects.exists()
