"""The public portal in chromium: a citizen submits online with an SMS code,
keeps the query code from the receipt, follows the case, rates the reply and
asks for 复查 and 复核; the kiosk flow with its keypad and idle reset; and the
pages on a 390-px phone. Staff answer through the engine in between, as they
would from their own workspace."""

import gc
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser import conftest as browser_suite
from tests.conftest import valid_id
from xinfang.cases.models import Case, Submission
from xinfang.notifications.models import Notification

from .conftest import last_code

pytestmark = pytest.mark.browser

# The browser suite's fixtures (tests/browser/conftest.py), made visible to this module:
# a page factory that fails on JavaScript errors, and the screenshot folder.
new_page = browser_suite.new_page
artifacts = browser_suite.artifacts


def _running_browser() -> Browser | None:
    """The browser suite's session browser, if its tests have started it. Only one
    Playwright sync API may run in a process, and fixtures of tests/browser/conftest.py
    are not visible here, so it is found as the live object it is."""
    return next((o for o in gc.get_objects() if isinstance(o, Browser) and o.is_connected()), None)


@pytest.fixture(scope="module")
def browser(live_server) -> Iterator[Browser]:
    """Chromium as the browser suite launches it: theirs if running, else ours for this module."""
    running = _running_browser()
    if running is not None:
        yield running  # not ours to close
        return
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=browser_suite.CHROMIUM, headless=True,
                               args=browser_suite.CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()

PHONE = "13812345678"
IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def has_no_horizontal_scroll(page: Page) -> tuple[bool, dict]:
    info = page.evaluate("""() => {
        const de = document.documentElement;
        const wide = Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > de.clientWidth + 1)
            .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right));
        return {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wide};
    }""")
    return info["scrollWidth"] <= info["clientWidth"] + 1, info


def assert_fits(page: Page) -> None:
    ok, info = has_no_horizontal_scroll(page)
    assert ok, info


def get_sms_code(page: Page, phone: str = PHONE) -> str:
    page.get_by_test_id("sms-button").click()
    expect(page.get_by_test_id("sms-status")).to_contain_text("验证码已发送至 138****5678")
    expect(page.get_by_test_id("sms-button")).to_be_disabled()  # the 60-second countdown
    return last_code(phone)


def pick_region(page: Page, district: str, street: str | None = None) -> None:
    page.get_by_label("区县").select_option(label=district)
    if street:
        expect(page.get_by_label("街道（镇）")).to_be_enabled()
        page.get_by_label("街道（镇）").select_option(label=street)


def pick_category(page: Page, category) -> None:
    page.get_by_label("一级分类").select_option(label=category.parent.name)
    page.locator("select[name=category]").select_option(label=category.name)


def fill_identity(page: Page, name: str = "张三", seq: int = 1) -> None:
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号码").fill(valid_id(seq))
    page.locator("input[name=phone]").fill(PHONE)
    page.get_by_label("短信验证码").fill(get_sms_code(page))


def submit_web_petition(page: Page, category, title: str = "小区电梯停运三个月无人维修") -> str:
    """Fill and send the web form; returns the query code shown on the receipt."""
    page.goto("/petition/")
    fill_identity(page)
    page.get_by_label("联系地址").fill("无锡市梁溪区崇安寺街道中山路100号")
    page.get_by_label("标题").fill(title)
    page.get_by_label("信访内容").fill("我们小区的电梯已经停运三个月，物业公司一直推诿，老人上下楼非常困难。")
    page.get_by_label("诉求").fill("要求物业尽快修复电梯")
    page.get_by_label("信访目的").select_option(label="求决")
    pick_category(page, category)
    pick_region(page, "梁溪区", "崇安寺街道")
    page.get_by_label("本人承诺所反映情况真实").check()
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/petition/receipt/[^/]+/$"))
    return page.get_by_test_id("query-code").inner_text().strip()


def test_it_runs_submit_track_evaluate_and_review_in_the_browser(new_page, category, orgs, make_user, staff,
                                                                 artifacts):
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    supervisor = make_user("lx_bureau", "supervisor")

    code = submit_web_petition(page, category, title=SCRIPT)

    case = Case.objects.get()
    assert code == case.query_code and case.registered_org == orgs["lx_bureau"]
    assert case.issue_region_id.startswith("320213") and case.title == SCRIPT
    due = case.clocks.get(kind="dispose").due_date
    expect(page.get_by_test_id("due-text")).to_contain_text(f"信访部门应在 {due:%Y-%m-%d} 前作出处理")
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)
    page.screenshot(path=artifacts / "portal-receipt.png", full_page=True)

    # A fresh browser tab cannot open the receipt; tracking asks for the code.
    page.goto("/track/")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_label("手机号码后四位").fill("0000")
    page.get_by_test_id("track-submit").click()
    expect(page.get_by_test_id("track-error")).to_have_text("查询码或手机号码后四位不正确，请核对后重新输入")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号码后四位").fill("5678")
    page.get_by_test_id("track-submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已登记待处理")
    # The answer came with the POST; the address bar holds the page's own link, so reloads are GETs.
    expect(page).to_have_url(re.compile(r"/track/[\w-]+/$"))
    expect(page.get_by_test_id("case-title")).to_have_text(SCRIPT)
    expect(page.get_by_test_id("petitioner")).to_have_text("张* 138****5678")
    expect(page.locator("[data-testid=case-title] script, [data-testid=case-title] img")).to_have_count(0)

    staff.reply(case)
    page.reload()
    expect(page.get_by_test_id("case-status")).to_have_text("已答复")
    expect(page.get_by_test_id("letter-text")).to_have_text("经调查，已督促物业公司维修电梯。")

    evaluation = page.get_by_test_id("evaluation-form")
    evaluation.locator("input[name=bureau_rating][value=satisfied]").check()
    evaluation.locator("input[name=rating][value=dissatisfied]").check()
    evaluation.get_by_label("意见建议").fill("电梯仍未修好")
    page.get_by_test_id("evaluation-submit").click()
    expect(page.get_by_text("评价已提交，感谢您的参与")).to_be_visible()
    expect(page.get_by_test_id("my-evaluations")).to_contain_text("不满意")
    assert Notification.objects.filter(user=supervisor, kind="dissatisfied", case=case).exists()

    page.get_by_label("请求理由").fill("电梯至今未修好，答复与事实不符")
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("复查中")
    expect(page.get_by_test_id("current-org")).to_have_text("梁溪区人民政府")

    case.refresh_from_db()
    staff.decide_review(case)
    page.reload()
    expect(page.get_by_test_id("review")).to_contain_text("无锡市人民政府")
    page.get_by_label("请求理由").fill("对复查意见不服，请求复核")
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("复核中")
    page.screenshot(path=artifacts / "portal-track-reexamining.png", full_page=True)

    page.get_by_test_id("leave").click()
    expect(page).to_have_url(re.compile(r"/track/$"))
    page.wait_for_timeout(200)  # give an injected handler every chance to fire
    assert dialogs == []
    assert Submission.objects.get().online_source == "web"


def test_it_submits_and_tracks_at_the_kiosk_and_resets_when_idle(new_page, category, orgs, settings, artifacts):
    page = new_page(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page.goto("/kiosk/")
    page.screenshot(path=artifacts / "kiosk-home.png")
    big = page.get_by_test_id("kiosk-petition").bounding_box()
    assert big["height"] >= 64
    page.get_by_test_id("kiosk-petition").click()

    fill_identity(page, name="李四", seq=2)
    page.get_by_label("信访内容").fill("村口道路坑洼积水严重，雨天无法通行，已经反映多次。")
    page.get_by_label("信访目的").select_option(label="求决")
    pick_category(page, category)
    pick_region(page, "江阴市")
    page.get_by_label("本人承诺所反映情况真实").check()
    submit = page.get_by_test_id("submit")
    assert submit.bounding_box()["height"] >= 64
    submit.click()
    expect(page).to_have_url(re.compile(r"/kiosk/receipt/[^/]+/$"))
    code = page.get_by_test_id("query-code").inner_text().strip()
    sub = Submission.objects.select_related("case").get()
    assert sub.online_source == "kiosk" and sub.case.registered_org == orgs["jy_bureau"]
    page.screenshot(path=artifacts / "kiosk-receipt.png")

    page.get_by_test_id("kiosk-home").click()
    page.get_by_test_id("kiosk-track").click()
    for ch in code:  # the on-screen keypad
        page.locator(f".kiosk-key[data-key='{ch}']").click()
    expect(page.get_by_label("查询码")).to_have_value(code)
    for ch in "5678":  # the keypad moved on to the phone digits by itself
        page.locator(f".kiosk-key[data-key='{ch}']").click()
    expect(page.get_by_label("手机号码后四位")).to_have_value("5678")
    page.screenshot(path=artifacts / "kiosk-track-keypad.png")

    settings.PORTAL_KIOSK_IDLE_SECONDS = 4  # the next page resets after 4 s instead of 90
    page.get_by_test_id("track-submit").click()
    expect(page.get_by_test_id("case-number")).to_have_text(sub.case.number)
    case_url = page.url
    expect(page.get_by_test_id("idle-warning")).to_be_visible(timeout=6000)
    expect(page.get_by_test_id("kiosk-guide")).to_be_visible(timeout=8000)  # back at the kiosk home
    resp = page.goto(case_url)
    assert resp.status == 404  # the last person's case is gone from this kiosk


def test_it_fits_a_390_px_phone_without_horizontal_scroll(new_page, category, orgs, staff, artifacts):
    page = new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                    has_touch=True, user_agent=IPHONE_UA)
    page.goto("/")
    assert_fits(page)
    page.goto("/petition/")
    expect(page.get_by_label("区县").locator("option", has_text="梁溪区")).to_have_count(1)
    assert_fits(page)
    page.screenshot(path=artifacts / "phone-petition.png", full_page=True)

    code = submit_web_petition(page, category, title="小区停车场被外来车辆长期占用，业主无处停车" * 2)
    assert_fits(page)
    assert Submission.objects.get().online_source == "mobile"

    staff.reply(Case.objects.get())
    page.goto("/track/")
    assert_fits(page)
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号码后四位").fill("5678")
    page.get_by_test_id("track-submit").click()
    expect(page.get_by_test_id("evaluation-form")).to_be_visible()
    assert_fits(page)
    page.screenshot(path=artifacts / "phone-track.png", full_page=True)

    for url in ("/kiosk/", "/kiosk/petition/", "/kiosk/track/", "/kiosk/guide/"):
        page.goto(url)
        assert_fits(page)
