"""The dashboard in chromium: charts draw, one filter change redraws them all
with the new figures, and a download link carries the filters."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def city_with_cases(make_user, transactional_db):
    from xinfang.analytics.rollups import fold_all
    from xinfang.demo.generator import generate_cases

    generate_cases(200, seed=9, months=12, now=timezone.now(), method="orm")
    fold_all()
    return make_user("wx_bureau", "leader")


def chart_count(page: Page) -> int:
    return page.locator("[data-testid^=chart-] canvas").count()


def test_it_draws_every_chart_and_redraws_them_for_a_filter(page: Page, city_with_cases, artifacts):
    login(page, city_with_cases)
    page.goto("/analytics/")
    form = page.get_by_test_id("filters")
    expect(form).to_have_attribute("data-rendered", "1")
    assert chart_count(page) == 8
    city_total = int(form.get_attribute("data-total"))
    assert city_total > 50
    regions_before = page.evaluate("echarts.getInstanceByDom(document.querySelector('[data-chart=region]'))"
                                   ".getOption().xAxis[0].data")
    assert len(regions_before) == 7 and "梁溪区" in regions_before
    page.screenshot(path=str(artifacts / "analytics-dashboard-city.png"), full_page=True)

    page.get_by_label("地区").select_option(label="梁溪区")
    expect(form).to_have_attribute("data-rendered", "2")
    district_total = int(form.get_attribute("data-total"))
    assert 0 < district_total < city_total
    regions_after = page.evaluate("echarts.getInstanceByDom(document.querySelector('[data-chart=region]'))"
                                  ".getOption().xAxis[0].data")
    assert regions_after == ["梁溪区"]
    series_sum = page.evaluate("echarts.getInstanceByDom(document.querySelector('[data-chart=series]'))"
                               ".getOption().series[0].data.reduce((a, b) => a + b, 0)")
    assert series_sum == district_total
    assert chart_count(page) == 8
    expect(page.get_by_test_id("summary").locator("[data-sum=total]")).to_have_text(f"{district_total:,}")
    href = page.locator("a[data-export=region]").get_attribute("href")
    assert "region=320213" in href
    page.screenshot(path=str(artifacts / "analytics-dashboard-lx.png"), full_page=True)

    page.get_by_label("开始日期").fill("2030-01-01")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("filter-error")).to_have_text("结束日期不能早于开始日期")
