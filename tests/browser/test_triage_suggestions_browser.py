"""Triage panel (xinfang.triage), in chromium: the registrar types the matter, the panel suggests a category
and the competent org (with the shipped model), "采用" puts the category into
the form, and the case is registered with it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.browser.test_registration_browser import Person, fill_petitioner, fill_received_at, pick_street
from xinfang.cases.models import Case, Category
from xinfang.triage import categories, store

pytestmark = pytest.mark.browser


@pytest.fixture
def shipped_model(settings, tmp_path):
    if not store.SHIPPED_MODEL.is_file():
        pytest.skip("no shipped model")
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "no-deployment-model.npz")
    store.clear_cache()
    categories.clear_cache()
    yield
    store.clear_cache()
    categories.clear_cache()


def test_typing_the_matter_suggests_and_applies_a_category(page: Page, lx_registrar, shipped_model, artifacts):
    login(page, lx_registrar)
    page.goto("/cases/new/letter/")
    panel = page.get_by_test_id("triage-panel")
    expect(panel.get_by_test_id("triage-category")).to_contain_text("输入标题和信访内容后给出内容分类建议")

    today = timezone.localdate()
    fill_received_at(page, timezone.now() - timedelta(hours=1))
    page.locator("#id_postmark_date").fill((today - timedelta(days=3)).isoformat())
    page.locator("#id_letter_received_date").fill((today - timedelta(days=1)).isoformat())
    fill_petitioner(page, 0, Person("王五"))
    page.locator("#id_purpose").select_option(label="求决")
    pick_street(page, "崇安寺街道")

    page.locator("#id_title").press_sequentially("小区物业不作为", delay=20)
    page.locator("#id_content").press_sequentially(
        "小区物业公司不打扫卫生，楼道堆满垃圾，电梯经常坏，业主多次反映无果，请住建部门督促物业整改。", delay=5)
    expect(panel.get_by_test_id("triage-category")).to_contain_text("城乡建设 › 物业管理")
    expect(panel.get_by_test_id("triage-category")).to_contain_text(re.compile(r"置信度 \d+%"))
    expect(panel).to_contain_text("依据：分类模型")
    expect(panel.get_by_test_id("triage-routing")).to_contain_text("梁溪区住房和城乡建设局")
    page.screenshot(path=str(artifacts / "triage-suggestion.png"), full_page=True)

    wanted = Category.objects.get(code="CXJS.01")
    expect(page.locator("#id_category")).to_have_value("")
    panel.get_by_test_id("triage-apply").click()
    expect(page.locator("#id_category")).to_have_value(str(wanted.pk))
    # The panel refreshed for the chosen category: no longer "按建议分类".
    expect(panel.get_by_test_id("triage-routing")).to_contain_text("梁溪区住房和城乡建设局")
    expect(panel).not_to_contain_text("按建议分类")

    page.get_by_role("button", name="提交登记").click()
    expect(page).to_have_url(re.compile(r"/cases/(\d+)/$"))
    case = Case.objects.get(pk=int(re.search(r"/cases/(\d+)/$", page.url).group(1)))
    assert case.category == wanted
