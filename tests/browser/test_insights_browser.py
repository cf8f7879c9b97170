"""The 研判预警 charts draw in chromium: the hotspot bar chart and a forecast
chart with its interval band, from rollup rows made in Python."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from xinfang.cases.models import Category
from xinfang.insights.models import RollupCursor, TermTotal, TermWeek, VolumeWeek
from xinfang.insights.scope import monday

pytestmark = pytest.mark.browser


def test_hotspot_and_forecast_charts_render(page: Page, live_server, make_user):
    user = make_user("lx_bureau", "supervisor")
    last = monday(timezone.localdate()) - timedelta(weeks=1)
    category = Category.objects.filter(parent__isnull=False).first()
    for i in range(30):
        week = last - timedelta(weeks=i)
        VolumeWeek.objects.create(week=week, region="320213", category_id=category.pk, count=20 + (i % 4) * 3)
        for key in ("32", "3202", "320213"):
            TermWeek.objects.create(week=week, region=key, term="电梯", count=6)
            TermWeek.objects.create(week=week, region=key, term="物业公司", count=3)
    RollupCursor.objects.create(name="cases", cases_counted=1000)
    TermTotal.objects.bulk_create([TermTotal(term="电梯", count=180), TermTotal(term="物业公司", count=90)])

    login(page, user)
    page.goto(f"{live_server.url}/insights/hotspots/")
    expect(page.get_by_test_id("hotspot-table")).to_contain_text("电梯")
    expect(page.locator("#hotspot-chart canvas")).to_have_count(1)

    page.goto(f"{live_server.url}/insights/forecasts/?horizon=6")
    expect(page.get_by_test_id("mape").first).to_contain_text("回测MAPE")
    expect(page.locator("#series-total canvas")).to_have_count(1)
    page.screenshot(path="test-artifacts/insights-forecasts.png", full_page=False)
