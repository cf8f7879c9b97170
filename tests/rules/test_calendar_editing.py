"""Entering a new year's holiday notice — on the staff screen, by command, or in
the admin — and the running clocks following it.

The 2027 lines below are test data in the notice's shape, not the real notice."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.rules.conftest import bj
from xinfang.rules import clocks
from xinfang.rules.models import CalendarYear, Clock, WorkCalendar

pytestmark = pytest.mark.django_db

NOTICE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（测试数据）
2027-01-01 holiday 元旦
2027-02-06..2027-02-12 holiday 春节
2027-02-14 workday 春节调休
"""


@pytest.fixture
def calendar_keeper(make_user):
    """A 梁溪区信访局 staff member allowed to maintain the work calendar."""
    user = make_user("lx_bureau", "registrar")
    user.user_permissions.add(Permission.objects.get(codename="change_workcalendar"))
    return user


@pytest.fixture
def clock_into_2027(case):
    # Accepted 2026-11-02: 60 days → 2027-01-01, a Friday in a year not yet entered.
    clock = clocks.start_clock(case, "handle", at=bj("2026-11-02 10:00"))
    assert clock.due_date == date(2027, 1, 1)
    assert clock.warnings == ["2027年节假日安排尚未录入，按周末计算，期限可能不准确"]
    return clock


def post_notice(client, user, notice: str, year: str = "2027", source: str = "国办发明电〔2026〕X号"):
    client.force_login(user)
    return client.post("/rules/calendar/", {"year": year, "source": source, "notice": notice})


def test_it_imports_a_year_and_moves_the_running_clock_saying_why(client, calendar_keeper, clock_into_2027):
    resp = post_notice(client, calendar_keeper, NOTICE_2027)
    assert resp.status_code == 302 and resp["Location"] == "/rules/calendar/?year=2027"
    kinds = dict(WorkCalendar.objects.filter(date__year=2027).values_list("date", "kind"))
    assert len(kinds) == 9 and kinds[date(2027, 2, 14)] == "workday"
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕X号"

    clock = Clock.objects.get(pk=clock_into_2027.pk)
    assert clock.due_date == date(2027, 1, 4) and clock.warnings == []
    assert clock.explanation[-3:] == [
        f"{timezone.localdate()} 节假日安排更新（国办发明电〔2026〕X号）：期限由 2027-01-01 调整为 2027-01-04",
        "60日 → 2027-01-01",
        "2027-01-01 为法定节假日（元旦），顺延至 2027-01-04",
    ]
    clock.case.refresh_from_db()
    assert clock.case.next_due_at == bj("2027-01-04 23:59:59")

    page = client.get("/rules/calendar/?year=2027").content.decode()
    assert "1个期限发生变化" in page
    assert "2027-02-06 至 2027-02-12" in page and "周日" in page


@pytest.mark.parametrize(("line", "message"), [
    ("2027-02-30 holiday 春节", "日期「2027-02-30」无效"),
    ("2027-02-15 workday 春节调休", "2027-02-15 是周一，本来就是工作日，不能登记为调休上班日"),
    ("2028-01-01 holiday 元旦", "日期 2028-01-01 不属于2027年的安排"),
    ("2027-02-12..2027-02-06 holiday 春节", "结束日期早于开始日期"),
    ("2027-05-01 rest 劳动节", "类型「rest」无效"),
    ("2027-01-01 holiday 元旦", "2027-01-01 与第2行重复"),
    ("劳动节放假五天", "格式应为「日期 类型 名称」"),
])
def test_it_rejects_a_bad_line_and_saves_nothing(client, calendar_keeper, clock_into_2027, line, message):
    resp = post_notice(client, calendar_keeper, NOTICE_2027 + line)
    assert resp.status_code == 200
    assert f"第5行「{line}」：{message}" in resp.content.decode()
    assert not WorkCalendar.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert Clock.objects.get(pk=clock_into_2027.pk).due_date == date(2027, 1, 1)


def test_it_lets_only_calendar_keepers_in(client, lx_registrar):
    assert client.get("/rules/calendar/").status_code == 302  # to the login page
    client.force_login(lx_registrar)
    assert client.get("/rules/calendar/").status_code == 403
    assert post_notice(client, lx_registrar, NOTICE_2027).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_it_lists_a_year_of_holidays_and_makeup_days(client, calendar_keeper):
    client.force_login(calendar_keeper)
    page = client.get("/rules/calendar/?year=2026").content.decode()
    for text in ("春节", "2026-02-15 至 2026-02-23", "9天", "2026-09-20", "国庆节调休", "chinese-calendar"):
        assert text in page
    assert "2030年节假日安排尚未录入" in client.get("/rules/calendar/?year=2030").content.decode()


def test_it_imports_by_command_all_or_nothing(tmp_path, clock_into_2027):
    bad = tmp_path / "bad.txt"
    bad.write_text(NOTICE_2027 + "2027-02-15 workday 春节调休\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未保存任何内容：\n第5行"):
        call_command("import_calendar", str(bad), year=2027, source="国办发明电〔2026〕X号")
    assert not WorkCalendar.objects.filter(date__year=2027).exists()

    good = tmp_path / "2027.txt"
    good.write_text(NOTICE_2027, encoding="utf-8")
    call_command("import_calendar", str(good), year=2027, source="国办发明电〔2026〕X号")
    assert WorkCalendar.objects.filter(date__year=2027).count() == 9
    assert Clock.objects.get(pk=clock_into_2027.pk).due_date == date(2027, 1, 4)


def test_it_recomputes_when_a_day_is_edited_in_the_admin(admin_client, clock_into_2027):
    resp = admin_client.post("/admin/rules/workcalendar/add/", {
        "date": "2027-01-01", "kind": "holiday", "name": "元旦", "source": "manual",
    })
    assert resp.status_code == 302
    clock = Clock.objects.get(pk=clock_into_2027.pk)
    assert clock.due_date == date(2027, 1, 4)
    assert "在系统管理中新增「2027-01-01 法定节假日 元旦」" in clock.explanation[-3]

    row = WorkCalendar.objects.get(date=date(2027, 1, 1))
    assert admin_client.post(f"/admin/rules/workcalendar/{row.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Clock.objects.get(pk=clock_into_2027.pk).due_date == date(2027, 1, 1)


def test_it_refuses_a_weekday_as_a_makeup_workday_in_the_admin(admin_client):
    resp = admin_client.post("/admin/rules/workcalendar/add/", {
        "date": "2027-01-04", "kind": "workday", "name": "调休", "source": "manual",
    })
    assert resp.status_code == 200 and "本来就是工作日" in resp.content.decode()


def test_it_caches_the_calendar_until_a_row_changes():
    from xinfang.rules.calendar import load_calendar

    first = load_calendar()
    assert load_calendar() is first
    assert not first.is_day_off(date(2027, 1, 1))
    WorkCalendar.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦", source="manual")
    fresh = load_calendar()
    assert fresh is not first and fresh.is_day_off(date(2027, 1, 1))


def test_it_asks_the_database_whether_the_calendar_changed_at_most_every_few_seconds(
        django_assert_num_queries, monkeypatch):
    from xinfang.rules import calendar

    now = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: now[0])
    first = calendar.load_calendar()
    with django_assert_num_queries(0):
        assert calendar.load_calendar() is first
    # Another process makes 2026-10-09 a holiday: bulk_create sends no signal, as if it had.
    assert not first.is_day_off(date(2026, 10, 9))
    WorkCalendar.objects.bulk_create([WorkCalendar(date=date(2026, 10, 9), kind="holiday", name="国庆节",
                                                   source="manual")])
    now[0] += calendar.CHECK_EVERY - 0.5
    assert calendar.load_calendar() is first  # not asked yet
    now[0] += 1
    assert calendar.load_calendar().is_day_off(date(2026, 10, 9))  # asked, and rebuilt
