"""Registration as a registrar really does it: in chromium, through the inbox
buttons, the cascading region picker, the petitioner formset and htmx."""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, logout
from tests.conftest import valid_id
from xinfang.cases.models import Case, Submission

pytestmark = pytest.mark.browser

PDF_SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" \
           b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

BUTTONS = {"letter": "登记来信", "visit": "登记来访", "call": "登记来电", "online": "录入网上信访"}
HEADINGS = {"letter": "登记来信", "visit": "登记来访", "call": "登记来电", "online": "登记网上"}
CASE_URL = re.compile(r"/cases/(\d+)/$")


@dataclass
class Person:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


# --- page helpers -------------------------------------------------------------------------------------

def open_registration(page: Page, channel: str) -> None:
    """From the inbox, click the channel's button, as a registrar would."""
    page.goto("/cases/")
    page.get_by_role("link", name=BUTTONS[channel], exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cases/new/{channel}/$"))
    expect(page.get_by_role("heading", name=HEADINGS[channel])).to_be_visible()


def region_select(page: Page, level: int):
    return page.locator(f"select.region-level[data-level='{level}']")


def issue_region(page: Page):
    return page.locator("input[name=issue_region]")


def expect_picker_prefilled_with_liangxi(page: Page) -> None:
    """The picker starts at the registrar's own region: 江苏省 › 无锡市 › 梁溪区, streets loaded."""
    for level, (code, name) in enumerate([("32", "江苏省"), ("3202", "无锡市"), ("320213", "梁溪区")], start=1):
        expect(region_select(page, level)).to_have_value(code)
        expect(region_select(page, level).locator("option:checked")).to_have_text(name)
    expect(region_select(page, 4).locator("option", has_text="崇安寺街道")).to_have_count(1)
    expect(region_select(page, 4)).to_be_enabled()
    expect(issue_region(page)).to_have_value("320213")


def pick_street(page: Page, street: str) -> None:
    expect_picker_prefilled_with_liangxi(page)
    region_select(page, 4).select_option(label=street)
    expect(issue_region(page)).to_have_value(re.compile(r"^320213\d{3}$"))


def pick_region_cascade(page: Page, names: list[str], codes: list[str]) -> None:
    """Choose every level from the top; each choice reloads the level below."""
    expect_picker_prefilled_with_liangxi(page)  # the initial chain has finished loading
    for level, (name, code) in enumerate(zip(names, codes, strict=True), start=1):
        region_select(page, level).select_option(label=name)
        expect(issue_region(page)).to_have_value(code)
        if level < 4:
            # Deeper levels were cleared and the next one reloaded with this region's children.
            expect(region_select(page, level + 1)).to_be_enabled()
            expect(region_select(page, level + 1)).to_have_value("")
            for deeper in range(level + 2, 5):
                expect(region_select(page, deeper)).to_be_disabled()


def fill_petitioner(page: Page, i: int, p: Person, lead: bool = False) -> None:
    page.locator(f"#id_p-{i}-name").fill(p.name)
    if p.id_number:
        page.locator(f"#id_p-{i}-id_number").fill(p.id_number)
    if p.phone:
        page.locator(f"#id_p-{i}-phone").fill(p.phone)
    if p.address:
        page.locator(f"#id_p-{i}-address").fill(p.address)
    if lead:
        page.locator(f"#id_p-{i}-is_lead").check()


def add_petitioner(page: Page) -> None:
    before = int(page.locator("#id_p-TOTAL_FORMS").input_value())
    page.get_by_role("button", name="增加信访人").click()
    expect(page.locator("#id_p-TOTAL_FORMS")).to_have_value(str(before + 1))
    expect(page.locator(f"#id_p-{before}-name")).to_be_visible()


def fill_matter(page: Page, *, title: str, content: str, category, purpose: str = "求决", demands: str = "") -> None:
    page.locator("#id_title").fill(title)
    page.locator("#id_content").fill(content)
    if demands:
        page.locator("#id_demands").fill(demands)
    page.locator("#id_purpose").select_option(label=purpose)
    page.locator("#id_category").select_option(value=str(category.pk))


def fill_received_at(page: Page, when) -> None:
    page.locator("#id_received_at").fill(timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"))


def submit(page: Page) -> int:
    page.get_by_role("button", name="提交登记").click()
    expect(page).to_have_url(CASE_URL)
    return int(CASE_URL.search(page.url).group(1))


def fill_form(page: Page, channel: str, *, person: Person, title: str, content: str, category,
              street: str = "崇安寺街道", when=None) -> None:
    """A complete, valid registration of `channel` (the registration page is open)."""
    fill_received_at(page, when or timezone.now() - timedelta(hours=1))
    today = timezone.localdate()
    if channel == "letter":
        page.locator("#id_postmark_date").fill((today - timedelta(days=3)).isoformat())
        page.locator("#id_letter_received_date").fill((today - timedelta(days=1)).isoformat())
    elif channel == "visit":
        page.locator("#id_receiving_officer").fill("王接待")
    elif channel == "call":
        page.locator("#id_caller_number").fill("0510-82345678")
    fill_petitioner(page, 0, person)
    fill_matter(page, title=title, content=content, category=category)
    pick_street(page, street)


def register_directly(org, actor, category, *, title: str, content: str, people=(), days_ago: int = 3) -> Case:
    """A case registered earlier (not through the browser)."""
    from xinfang.cases.actions import PetitionerData, Registration, register_case
    from xinfang.orgs.models import Region

    received = timezone.now() - timedelta(days=days_ago)
    reg = Registration(
        channel="letter", received_at=received, title=title, content=content, demands="", purpose="claim",
        category=category, issue_region=Region.objects.get(pk="320213021"),
        petitioners=[PetitionerData(name=p.name, id_number=p.id_number, phone=p.phone, is_lead=i == 0)
                     for i, p in enumerate(people)],
        channel_fields={"letter_received_date": timezone.localtime(received).date()},
        client_token=uuid.uuid4().hex,
    )
    return register_case(reg, actor=actor, org=org).case


def case_number_pattern(when) -> re.Pattern:
    return re.compile(rf"^320213-{timezone.localtime(when).year}-\d{{6}}$")


def has_no_horizontal_scroll(page: Page) -> tuple[bool, dict]:
    info = page.evaluate("""() => {
        const de = document.documentElement;
        const wide = Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > de.clientWidth + 1)
            .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right));
        return {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wide};
    }""")
    return info["scrollWidth"] <= info["clientWidth"] + 1, info


# --- 1. each channel ----------------------------------------------------------------------------------

CHANNEL_CASES = {
    "letter": ("崇安寺街道", "320213021"),
    "visit": ("清名桥街道", "320213022"),
    "call": ("北大街街道", "320213024"),
    "online": ("广益街道", "320213025"),
}


@pytest.mark.parametrize("channel", ["letter", "visit", "call", "online"])
def test_it_registers_each_channel_through_the_browser(page, lx_registrar, category, media_root, artifacts, channel):
    login(page, lx_registrar)
    open_registration(page, channel)
    street, street_code = CHANNEL_CASES[channel]
    person = Person("张三", valid_id(1), "13812345678", "无锡市梁溪区中山路100号")
    when = timezone.now() - timedelta(hours=2)

    fill_received_at(page, when)
    today = timezone.localdate()
    postmark, letter_received = today - timedelta(days=3), today - timedelta(days=1)
    if channel == "letter":
        page.get_by_label("邮戳日期").fill(postmark.isoformat())
        page.get_by_label("收信日期").fill(letter_received.isoformat())
        page.get_by_label("来信扫描件").set_input_files(
            files=[{"name": "来信扫描件.pdf", "mimeType": "application/pdf", "buffer": PDF_SCAN}])
    elif channel == "visit":
        page.get_by_label("人数").fill("3")
        page.get_by_label("接待人员").fill("王接待")
    elif channel == "call":
        page.get_by_label("来电号码").fill("0510-82345678")
    else:
        page.get_by_label("网上来源").select_option(label="领导信箱")
    fill_petitioner(page, 0, person)
    fill_matter(page, title="小区电梯停运三个月", content="我们是梁溪区某小区业主，电梯已经停运三个月，物业一直推诿。",
                category=category, demands="要求尽快修复电梯")
    if channel == "visit":
        # The full cascade, top to bottom, each level loaded by fetch from the level above.
        pick_region_cascade(page, ["江苏省", "无锡市", "梁溪区", street], ["32", "3202", "320213", street_code])
    else:
        pick_street(page, street)
    expect(issue_region(page)).to_have_value(street_code)
    if channel == "letter":
        page.screenshot(path=artifacts / "letter-form-filled.png", full_page=True)

    case_id = submit(page)

    expect(page.get_by_role("alert").filter(has_text="登记成功")).to_be_visible()
    expect(page.get_by_test_id("case-number")).to_have_text(case_number_pattern(when))
    first_event = page.get_by_test_id("timeline").locator("li").first
    expect(first_event).to_contain_text("登记")
    expect(first_event).to_contain_text("梁溪区信访局登记")
    people = page.get_by_test_id("petitioners")
    expect(people).to_contain_text("张三")
    expect(people).to_contain_text(valid_id(1))  # the registering bureau sees the full identity
    expect(people).to_contain_text("13812345678")
    expect(page.get_by_test_id("case-title")).to_have_text("小区电梯停运三个月")
    expect(page.locator("dd").filter(has_text=street)).to_have_text(re.compile(rf"江苏省无锡市梁溪区{street}"))
    page.screenshot(path=artifacts / f"case-page-{channel}.png", full_page=True)

    case = Case.objects.get()
    assert case.pk == case_id
    assert case.channel == channel
    assert case.issue_region_id == street_code
    assert page.get_by_test_id("case-number").inner_text() == case.number
    sub = Submission.objects.get(case=case)
    assert timezone.localtime(sub.received_at).strftime("%Y-%m-%d %H:%M") == \
        timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    if channel == "letter":
        assert (sub.postmark_date, sub.letter_received_date) == (postmark, letter_received)
        scan = case.attachments.get()
        assert scan.original_name == "来信扫描件.pdf" and scan.content_type == "application/pdf"
        expect(page.get_by_role("link", name="来信扫描件.pdf")).to_be_visible()
        expect(page.get_by_text(f"邮戳 {postmark:%Y-%m-%d}")).to_be_visible()
    elif channel == "visit":
        assert (sub.headcount, sub.receiving_officer) == (3, "王接待")
        expect(page.get_by_text("3 人来访 · 接待人 王接待")).to_be_visible()
    elif channel == "call":
        assert sub.caller_number and sub.caller_number.replace("-", "").endswith("82345678")
    else:
        assert sub.online_source == "mailbox"
        expect(page.get_by_text("领导信箱")).to_be_visible()


# --- 2. co-signed letter, group visit, inbox, search, another county ----------------------------------

def test_it_lists_finds_and_hides_a_cosigned_letter_and_a_group_visit(
        new_page, lx_registrar, jy_handler, category, orgs, artifacts):
    unrelated = register_directly(orgs["lx_bureau"], lx_registrar, category, title="楼上装修噪音扰民",
                                  content="楼上装修夜间施工，噪音扰民，影响休息。", people=[Person("赵六", valid_id(40))])
    page = new_page()
    login(page, lx_registrar)

    open_registration(page, "letter")
    fill_form(page, "letter", person=Person("张三", valid_id(1), "13812345678"), title="小区停车场被长期占用",
              content="小区停车场被外来车辆长期占用，业主无处停车，围墙也被拆除。", category=category)
    page.locator("#id_p-0-is_lead").check()
    add_petitioner(page)
    fill_petitioner(page, 1, Person("李四", valid_id(2), "13912345678", "无锡市梁溪区中山路102号"))
    letter_id = submit(page)
    people = page.get_by_test_id("petitioners").locator("li")
    expect(people).to_have_count(2)
    expect(people.nth(0)).to_contain_text("张三")
    expect(people.nth(0)).to_contain_text("主访人")
    expect(people.nth(1)).to_contain_text("李四")
    expect(people.nth(1)).to_contain_text(valid_id(2))

    open_registration(page, "visit")
    reps = [Person(f"代表{i}", valid_id(20 + i), f"1391234560{i}") for i in range(1, 6)]
    fill_form(page, "visit", person=reps[0], title="停车场收费过高集体上访",
              content="三十名业主反映小区停车场收费过高，物业擅自涨价。", category=category, street="清名桥街道")
    page.get_by_label("人数").fill("30")
    for i, rep in enumerate(reps[1:], start=1):
        add_petitioner(page)
        fill_petitioner(page, i, rep)
    visit_id = submit(page)
    expect(page.get_by_text("集体访 30 人")).to_be_visible()
    people = page.get_by_test_id("petitioners").locator("li")
    expect(people).to_have_count(5)
    expect(people.filter(has_text="代表")).to_have_count(5)
    expect(page.get_by_test_id("petitioners").locator(".badge", has_text="代表")).to_have_count(5)

    letter, visit = Case.objects.get(pk=letter_id), Case.objects.get(pk=visit_id)
    assert letter.headcount == 2 and not letter.is_group
    assert visit.is_group and visit.headcount == 30 and visit.petitioner_links.filter(is_representative=True).count() == 5

    page.get_by_role("link", name="信访事项", exact=True).click()
    table = page.get_by_test_id("case-table")
    for c in (letter, visit, unrelated):
        expect(table.get_by_role("link", name=c.number)).to_be_visible()
    expect(table.locator("tbody tr", has_text=visit.number)).to_contain_text("集体")

    page.get_by_label("全文检索").fill("停车场")
    page.get_by_label("全文检索").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=%E5%81%9C%E8%BD%A6%E5%9C%BA"))
    expect(page.get_by_label("全文检索")).to_have_value("停车场")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.get_by_role("link", name=letter.number)).to_be_visible()
    expect(table.get_by_role("link", name=visit.number)).to_be_visible()
    expect(table.get_by_role("link", name=unrelated.number)).to_have_count(0)
    expect(page.get_by_text("共 2 件")).to_be_visible()
    page.screenshot(path=artifacts / "inbox-search.png", full_page=True)

    page.get_by_label("全文检索").fill("围墙")
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.get_by_role("link", name=letter.number)).to_be_visible()

    # A handler in 江阴市 may not see Liangxi's cases, not even by URL.
    logout(page)
    login(page, jy_handler)
    for c in (letter, visit):
        resp = page.goto(f"/cases/{c.pk}/")
        assert resp is not None and resp.status == 404
        expect(page.get_by_text(c.title)).to_have_count(0)
        expect(page.get_by_text("张三")).to_have_count(0)
    page.goto("/cases/?scope=all")
    expect(page.get_by_test_id("case-table")).to_contain_text("没有符合条件的信访事项")


# --- 3. the same person again: attach as a repeat ------------------------------------------------------

def test_it_offers_the_earlier_case_and_attaches_the_new_submission_as_a_repeat(
        page, lx_registrar, category, orgs, artifacts):
    wang = Person("王五", valid_id(7), "13700001111")
    earlier = register_directly(orgs["lx_bureau"], lx_registrar, category, title="小区电梯停运",
                                content="电梯停运三个月，物业推诿。", people=[wang], days_ago=20)
    login(page, lx_registrar)
    open_registration(page, "letter")
    # The title is left out on purpose: the form comes back once with an error.
    fill_form(page, "letter", person=Person("王五"), title="", content="上次反映的电梯至今未修好，再次来信。",
              category=category)
    panel = page.get_by_test_id("earlier-cases")
    expect(panel).to_have_text("")

    page.locator("#id_p-0-id_number").press_sequentially(wang.id_number, delay=15)
    expect(panel).to_contain_text("该信访人有 1 件既往信访事项")
    expect(panel.get_by_role("link", name=earlier.number)).to_be_visible()
    expect(panel.get_by_label("不并入，登记为新事项")).to_be_checked()
    choice = panel.get_by_label(re.compile(re.escape(earlier.number)))
    panel.evaluate("el => { el.dataset.stale = '1'; }")
    choice.check()
    # Leaving the ID field fires one more lookup, which re-renders the panel: the choice must survive it.
    expect(page.locator("#earlier-cases:not([data-stale])")).to_be_attached()
    expect(choice).to_be_checked()
    expect(page.locator("#id_repeat_of")).to_have_value(str(earlier.pk))
    panel.screenshot(path=artifacts / "earlier-cases-panel.png")

    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_text("登记信息有误，请按提示修改后重新提交。")).to_be_visible()
    # Back with the error, the panel shows again which case the submission will join.
    expect(choice).to_be_checked()
    expect(page.locator("#id_repeat_of")).to_have_value(str(earlier.pk))
    page.locator("#id_title").fill("电梯仍未修好")

    case_id = submit(page)

    assert case_id == earlier.pk
    expect(page.get_by_role("alert").filter(has_text=f"已作为重复信访件并入 {earlier.number}")).to_be_visible()
    expect(page.get_by_text("重复信访 2 次")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("重复信访件并入")
    expect(page.get_by_text("信访件（2）")).to_be_visible()
    assert Case.objects.count() == 1
    earlier.refresh_from_db()
    assert earlier.submission_count == 2
    assert list(earlier.submissions.order_by("received_at").values_list("is_repeat", flat=True)) == [False, True]
    page.screenshot(path=artifacts / "case-page-repeat.png", full_page=True)


# --- 4. bad input ------------------------------------------------------------------------------------

def test_it_rejects_an_invalid_id_number_in_chinese_and_keeps_the_form(page, lx_registrar, category, artifacts):
    good = valid_id(3)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    login(page, lx_registrar)
    open_registration(page, "letter")
    fill_form(page, "letter", person=Person("孙七", bad, "13812345678"), title="拆迁补偿不到位",
              content="老城区拆迁补偿款至今未到位。", category=category, street="惠山街道")

    page.get_by_role("button", name="提交登记").click()

    expect(page.get_by_text("登记信息有误，请按提示修改后重新提交。")).to_be_visible()
    id_field = page.locator("#id_p-0-id_number")
    error = page.locator(".petitioner-form .invalid-feedback")
    expect(error).to_have_text(re.compile("身份证号码.*校验位"))
    expect(page).to_have_url(re.compile(r"/cases/new/letter/$"))
    assert Case.objects.count() == 0
    # What was typed is kept, down to the region picker's street.
    expect(id_field).to_have_value(bad)
    expect(page.locator("#id_title")).to_have_value("拆迁补偿不到位")
    expect(issue_region(page)).to_have_value("320213023")
    expect(region_select(page, 4)).to_have_value("320213023")
    page.screenshot(path=artifacts / "invalid-id-number.png", full_page=True)

    id_field.fill(good)
    submit(page)
    expect(page.get_by_test_id("petitioners")).to_contain_text(good)
    assert Case.objects.count() == 1


def test_it_shows_script_in_title_and_content_as_text(page, lx_registrar, category, artifacts):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    payload = "<script>alert(1)</script>"
    login(page, lx_registrar)
    open_registration(page, "online")
    fill_form(page, "online", person=Person("周八", valid_id(8), "13812345678"), title=payload,
              content=f"{payload}<img src=x onerror=alert(2)>", category=category)

    submit(page)

    expect(page.get_by_test_id("case-title")).to_have_text(payload)
    expect(page.get_by_test_id("case-content")).to_have_text(f"{payload}<img src=x onerror=alert(2)>")
    expect(page.locator("[data-testid=case-title] script, [data-testid=case-content] script, "
                        "[data-testid=case-content] img")).to_have_count(0)
    page.screenshot(path=artifacts / "case-page-script-as-text.png", full_page=True)
    page.get_by_role("link", name="信访事项", exact=True).click()
    expect(page.get_by_test_id("case-table")).to_contain_text(payload)
    page.wait_for_timeout(300)  # give an injected handler every chance to fire
    assert dialogs == []
    assert Case.objects.get().title == payload


# --- 5. phone-sized screen -----------------------------------------------------------------------------

def test_it_fits_registration_and_inbox_on_a_phone(new_page, lx_registrar, category, orgs, artifacts):
    register_directly(orgs["lx_bureau"], lx_registrar, category, title="小区停车场被外来车辆长期占用，业主无处停车",
                      content="停车难。", people=[Person("张三", valid_id(1))])
    page = new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    login(page, lx_registrar)

    open_registration(page, "letter")
    expect_picker_prefilled_with_liangxi(page)
    ok, info = has_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "phone-register-letter.png", full_page=True)
    assert ok, info

    page.goto("/cases/")
    expect(page.get_by_test_id("case-table").locator("tbody tr")).to_have_count(1)
    ok, info = has_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "phone-inbox.png", full_page=True)
    assert ok, info
