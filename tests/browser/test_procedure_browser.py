"""One petition's whole statutory life, in chromium, with real logins.

A letter is registered at 梁溪区信访局 and forwarded to 梁溪区住房和城乡建设局,
which accepts it, asks for and gets a 20-day extension, drafts and signs a
reply. The petitioner is dissatisfied and asks 梁溪区人民政府 for a review
(复查), which upholds the reply; then 无锡市人民政府 for a re-examination (复核),
which holds a hearing (the clock stops counting) and upholds it: the matter is
terminated (已终结). The same petitioner writes again on the same matter and
is refused as a repeat.

Only the org tree and the staff accounts are made in Python. Both letters go
through the registration form; every later step through the case page: the
action buttons, the htmx-loaded forms and the redirect back. Each person logs
in with their own password. Along the way the page must offer each person
exactly the actions the transitions table gives them, and a refused action
must say why in Chinese and change nothing.

The hearing takes time: between its start and its end the whole process
(the live server included) is moved 9 days forward by patching
`django.utils.timezone.now`, so the re-examination clock really moves.
"""

import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, logout
from tests.conftest import valid_id
from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.models_procedure import Evaluation, ExtensionRequest, ReplyLetter
from xinfang.rules.calendar import is_day_off, load_calendar, local_date
from xinfang.rules.models import Clock

pytestmark = pytest.mark.browser

CASE_URL = re.compile(r"/cases/(\d+)/$")
PETITIONER = {"name": "王五", "id_number": valid_id(7), "phone": "13700001111"}
HEARING_DAYS = 10  # both the first and the last day of a hearing count (rules/clocks.py `_resume`)


# --- page helpers -------------------------------------------------------------------------------------

def switch_to(page: Page, user, case_id: int | None = None) -> None:
    """The next person at the keyboard: log out whoever is there, log in, open the case."""
    if page.get_by_test_id("whoami").count():
        logout(page)
    login(page, user)
    if case_id is not None:
        page.goto(f"/cases/{case_id}/")
        expect(page.get_by_test_id("case-number")).to_be_visible()


def offered(page: Page) -> set[str]:
    """The names of the action buttons on the case page."""
    return set(page.locator("[data-testid=actions] a[data-action]").evaluate_all(
        "els => els.map((e) => e.dataset.action)"))


def status_badge(page: Page):
    return page.locator("[data-testid=case-number] + .badge")


def timeline(page: Page):
    return page.locator("[data-testid=timeline] > li")


def clock_row(page: Page, kind: str):
    return page.get_by_test_id("clocks").locator("li").filter(has=page.get_by_test_id(f"clock-due-{kind}"))


def clock_due(page: Page, kind: str) -> date:
    return date.fromisoformat(page.get_by_test_id(f"clock-due-{kind}").inner_text().strip())


def open_action(page: Page, name: str, label: str):
    """Click the action's button; htmx loads its form into the side panel."""
    page.locator(f"[data-testid=actions] a[data-action={name}]").click()
    panel = page.get_by_test_id("action-panel")
    expect(panel.locator(".card-header")).to_contain_text(label)
    expect(panel.get_by_test_id("action-form")).to_be_visible()
    return panel


def fill_action(page: Page, fields: dict[str, str]) -> None:
    """Fill the action form: select fields by option label, the rest by typing."""
    panel = page.get_by_test_id("action-panel")
    for name, value in fields.items():
        field = panel.locator(f"[name={name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)


def take(page: Page, name: str, label: str, fields: dict[str, str] | None = None, *, status: str | None = None,
         note: str | None = None) -> None:
    """Take one action through its form (see `finish`)."""
    before = timeline(page).count()
    open_action(page, name, label)
    finish(page, label, fields, before=before, status=status, note=note)


def finish(page: Page, label: str, fields: dict[str, str] | None = None, *, before: int, status: str | None = None,
           note: str | None = None) -> None:
    """Fill and submit the open action form; the page comes back (HX-Redirect) with
    the message, one more line at the end of the timeline and maybe a new status."""
    fill_action(page, fields or {})
    page.get_by_test_id("action-submit").click()
    expect(page.get_by_role("alert").filter(has_text=f"已{label}")).to_be_visible()
    expect(page.get_by_test_id("action-panel")).to_have_count(0)
    expect(timeline(page)).to_have_count(before + 1)
    last = timeline(page).last
    expect(last.locator(".fw-bold")).to_have_text(label)
    if note:
        expect(last).to_contain_text(note)
    if status:
        expect(status_badge(page)).to_have_text(status)


def expect_offered(page: Page, names: set[str]) -> None:
    expect(page.get_by_test_id("actions")).to_be_visible()
    assert offered(page) == names
    if not names:
        expect(page.get_by_test_id("actions")).to_contain_text("当前没有您可办理的操作")


def csrf_token(page: Page) -> str:
    return json.loads(page.locator("body").get_attribute("hx-headers"))["X-CSRFToken"]


def rolled(d: date) -> date:
    """A calendar-day period that ends on a day off ends on the next working day."""
    calendar = load_calendar()
    while is_day_off(calendar, d):
        d += timedelta(days=1)
    return d


def register_letter(page: Page, category, *, title: str, content: str, repeat_of: Case | None = None) -> int:
    """Fill the letter registration form as a registrar does; returns the case shown after it."""
    page.goto("/cases/")
    page.get_by_role("link", name="登记来信", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cases/new/letter/$"))
    now = timezone.localtime()
    page.locator("#id_received_at").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_postmark_date").fill((now.date() - timedelta(days=3)).isoformat())
    page.locator("#id_letter_received_date").fill((now.date() - timedelta(days=1)).isoformat())
    page.locator("#id_p-0-name").fill(PETITIONER["name"])
    page.locator("#id_p-0-phone").fill(PETITIONER["phone"])
    page.locator("#id_title").fill(title)
    page.locator("#id_content").fill(content)
    page.locator("#id_purpose").select_option(label="求决")
    page.locator("#id_category").select_option(value=str(category.pk))
    streets = page.locator("select.region-level[data-level='4']")
    expect(streets.locator("option", has_text="崇安寺街道")).to_have_count(1)  # the picker has loaded
    streets.select_option(label="崇安寺街道")
    expect(page.locator("input[name=issue_region]")).to_have_value("320213021")

    panel = page.get_by_test_id("earlier-cases")
    page.locator("#id_p-0-id_number").press_sequentially(PETITIONER["id_number"], delay=10)
    if repeat_of is None:
        expect(panel).to_contain_text("未找到该信访人的既往信访事项")
    else:
        expect(panel).to_contain_text("该信访人有 1 件既往信访事项")
        expect(panel).to_contain_text("已终结")
        choice = panel.get_by_label(re.compile(re.escape(repeat_of.number)))
        panel.evaluate("el => { el.dataset.stale = '1'; }")
        choice.check()
        # Leaving the ID field fires one more lookup; the choice survives the re-render.
        expect(page.locator("#earlier-cases:not([data-stale])")).to_be_attached()
        expect(page.get_by_test_id("earlier-cases").get_by_label(re.compile(re.escape(repeat_of.number)))) \
            .to_be_checked()
        expect(page.locator("#id_repeat_of")).to_have_value(str(repeat_of.pk))

    page.get_by_role("button", name="提交登记").click()
    expect(page).to_have_url(CASE_URL)
    return int(CASE_URL.search(page.url).group(1))


# --- the test -----------------------------------------------------------------------------------------

def test_it_runs_a_whole_life_in_the_browser(new_page, make_user, orgs, lx_registrar, category, artifacts,
                                             monkeypatch):
    zj_handler, zj_leader = make_user("lx_zhujian", "handler"), make_user("lx_zhujian", "leader")
    lx_gov_leader = make_user("lx_gov", "leader")
    wx_handler, wx_leader = make_user("wx_gov", "handler"), make_user("wx_gov", "leader")
    jy_registrar = make_user("jy_bureau", "registrar")
    page = new_page()

    # -- 1. 梁溪区信访局 registers the letter and forwards it ------------------------------------------
    login(page, lx_registrar)
    case_id = register_letter(page, category, title="小区电梯停运三个月",
                              content="我是崇安寺街道某小区业主，电梯已停运三个月，物业和住建部门一直推诿。")
    case = Case.objects.get(pk=case_id)
    url = f"/cases/{case_id}/"
    expect(page.get_by_role("alert").filter(has_text="登记成功")).to_be_visible()
    expect(status_badge(page)).to_have_text("已登记待处理")
    expect(timeline(page)).to_have_count(1)
    expect(timeline(page).first.locator(".fw-bold")).to_have_text("登记")
    expect_offered(page, {"forward", "assign", "accept", "decline", "redirect", "refuse_repeat", "merge",
                          "guide_down"})

    take(page, "forward", "转送", {"to_org": "梁溪区住房和城乡建设局"}, status="已转送待受理",
         note="转送梁溪区住房和城乡建设局")
    expect(page.locator("dd").filter(has_text="梁溪区住房和城乡建设局")).to_be_visible()
    expect_offered(page, set())  # the bureau no longer holds it

    # -- 2. nobody in 江阴市 can see it, not even by URL --------------------------------------------------
    outsider = new_page()
    login(outsider, jy_registrar)
    for path in (url, f"{url}actions/accept/"):
        resp = outsider.goto(path)
        assert resp is not None and resp.status == 404, path
        expect(outsider.get_by_text("小区电梯停运三个月")).to_have_count(0)
    outsider.context.close()

    # -- 3. 住建局's handler accepts and asks for 20 more days -------------------------------------------
    switch_to(page, zj_handler, case_id)
    expect_offered(page, {"accept", "decline", "object", "refuse_repeat"})
    take(page, "accept", "受理", status="已受理办理中")
    expect_offered(page, {"delegate", "note", "request_extension", "draft_reply"})
    handle = Clock.objects.get(case=case, kind="handle")
    start = local_date(handle.started_at)
    due_before = clock_due(page, "handle")
    assert due_before == rolled(start + timedelta(days=60))  # 60 days (art. 34)

    # Refused by the form: 45 days is more than the law allows. Nothing changes.
    rows = timeline(page).count()
    panel = open_action(page, "request_extension", "申请延期")
    fill_action(page, {"days": "45", "reason": "需要现场勘验并委托第三方检测电梯"})
    page.get_by_test_id("action-submit").click()
    expect(panel.locator(".invalid-feedback")).to_have_text(re.compile(r"小于或等于\s*30"))
    expect(panel.locator("[name=days]")).to_have_value("45")
    assert not ExtensionRequest.objects.filter(case=case).exists()

    # A second tab still shows the extension form when the first one's request goes through.
    tab = page.context.new_page()
    tab_errors: list[str] = []
    tab.on("pageerror", lambda exc: tab_errors.append(str(exc)))
    tab.goto(url)
    open_action(tab, "request_extension", "申请延期")
    fill_action(tab, {"days": "10", "reason": "重复提交"})

    fill_action(page, {"days": "20"})
    page.get_by_test_id("action-submit").click()
    expect(page.get_by_role("alert").filter(has_text="已申请延期")).to_be_visible()
    expect(timeline(page)).to_have_count(rows + 1)
    expect(timeline(page).last).to_contain_text("申请延期20日：需要现场勘验并委托第三方检测电梯")
    expect_offered(page, {"delegate", "note", "draft_reply"})  # one request at a time

    # Refused by the procedure: the stale tab's request is turned down in Chinese.
    tab.get_by_test_id("action-submit").click()
    expect(tab.get_by_test_id("action-error")).to_have_text("已有待审批的延期申请")
    assert list(ExtensionRequest.objects.filter(case=case).values_list("days", flat=True)) == [20]
    tab.close()
    assert not tab_errors, tab_errors
    page.reload()
    expect(timeline(page)).to_have_count(rows + 1)
    assert clock_due(page, "handle") == due_before

    # -- 4. 住建局's leader approves: the handling period moves by 20 days -----------------------------
    switch_to(page, zj_leader, case_id)
    expect_offered(page, {"delegate", "note", "draft_reply", "approve_extension", "refuse_extension"})
    take(page, "approve_extension", "批准延期", {"text": "同意延期"})
    due_after = clock_due(page, "handle")
    assert due_after == rolled(start + timedelta(days=60 + 20)), (due_before, due_after)
    assert due_after > due_before
    expect(timeline(page).last).to_contain_text(f"批准延期20日，办理期限延至{due_after:%Y-%m-%d}")
    expect(clock_row(page, "handle")).to_contain_text("延期20日")

    # -- 5. the handler drafts the reply; only the leader may sign it --------------------------------------
    switch_to(page, zj_handler, case_id)
    expect_offered(page, {"delegate", "note", "draft_reply"})  # extended once: no second request
    rows = timeline(page).count()
    open_action(page, "draft_reply", "拟写答复意见")
    rights = page.get_by_test_id("action-panel").locator("[name=rights_notice]")
    expect(rights).to_have_value(re.compile("向梁溪区人民政府请求复查"))  # prefilled: the organ above
    finish(page, "拟写答复意见", {
        "outcome": "解释说明",
        "text": "经调查，电梯停运系主板损坏，已督促物业公司于十日内更换并恢复运行。",
        "legal_basis": "《物业管理条例》第三十五条",
        "rights_notice": "信访人对本意见不服的，可以自收到本意见书之日起30日内向梁溪区人民政府请求复查。",
    }, before=rows, status="答复待签发", note="拟写答复意见（解释说明），报负责人签发")
    expect_offered(page, {"note"})
    expect(page.get_by_test_id("actions")).not_to_contain_text("签发答复")
    expect(page.get_by_test_id("letters")).to_contain_text("待签发")
    # Not by typing the URL either, nor by posting the form.
    page.goto(f"{url}actions/reply/")
    expect(page.get_by_test_id("action-error")).to_have_text("您没有权限对该事项签发答复")
    expect(page.get_by_test_id("action-form")).to_have_count(0)
    resp = page.request.post(f"{url}actions/reply/", form={"csrfmiddlewaretoken": csrf_token(page)},
                             headers={"HX-Request": "true"})
    assert resp.status == 422 and "您没有权限对该事项签发答复" in resp.text()
    assert case.letters.get().signed_at is None
    page.goto(url)

    switch_to(page, zj_leader, case_id)
    expect_offered(page, {"note", "return_draft", "reply"})
    take(page, "reply", "签发答复", status="已答复", note="出具答复意见书（解释说明）")
    letters = page.get_by_test_id("letters")
    expect(letters).to_contain_text("已签发")
    expect(letters).to_contain_text("依据：《物业管理条例》第三十五条")
    expect(letters).to_contain_text("向梁溪区人民政府请求复查")
    expect(page.get_by_test_id("clock-due-handle")).to_be_visible()
    expect(clock_row(page, "handle")).to_contain_text("按期完成")
    expect(clock_row(page, "review_request")).to_contain_text("计时中")
    expect_offered(page, set())
    page.screenshot(path=artifacts / "procedure-1-replied.png", full_page=True)

    # -- 6. back at the bureau: 不满意, and a request for review --------------------------------------
    switch_to(page, lx_registrar, case_id)
    expect_offered(page, {"evaluate", "review_request"})
    take(page, "evaluate", "记录评价", {"rating": "不满意", "text": "电梯仍未修好"}, note="对办理单位不满意")
    expect(page.get_by_test_id("evaluations")).to_contain_text("办理单位（梁溪区住房和城乡建设局）：不满意")
    take(page, "review_request", "申请复查", {"reason": "物业承诺的期限已过，电梯仍未恢复运行"}, status="复查中",
         note="请求梁溪区人民政府复查")
    expect(page.locator("dd").filter(has_text="梁溪区人民政府")).to_be_visible()
    expect_offered(page, set())

    # -- 7. 梁溪区人民政府 upholds the reply -------------------------------------------------------------
    switch_to(page, lx_gov_leader, case_id)
    expect_offered(page, {"note", "review_decide"})
    rows = timeline(page).count()
    open_action(page, "review_decide", "作出复查意见")
    expect(page.get_by_test_id("action-panel").locator("[name=rights_notice]")) \
        .to_have_value(re.compile("向无锡市人民政府请求复核"))
    finish(page, "作出复查意见", {
        "review_outcome": "维持",
        "text": "经复查，原处理意见认定事实清楚，予以维持。",
        "legal_basis": "《信访工作条例》第三十五条",
    }, before=rows, status="已复查", note="出具复查意见书（维持）")

    # -- 8. the bureau asks 无锡市人民政府 to re-examine --------------------------------------------------
    switch_to(page, lx_registrar, case_id)
    expect_offered(page, {"reexamine_request"})
    take(page, "reexamine_request", "申请复核", {"reason": "对复查意见不服"}, status="复核中",
         note="请求无锡市人民政府复核")

    # -- 9. 无锡市人民政府 holds a hearing: the clock stops, then moves --------------------------------
    switch_to(page, wx_handler, case_id)
    expect_offered(page, {"note", "hearing_pause"})
    reexamine = Clock.objects.get(case=case, kind="reexamine")
    raw_due = local_date(reexamine.started_at) + timedelta(days=30)
    due_before = clock_due(page, "reexamine")
    assert due_before == rolled(raw_due)
    expect(clock_row(page, "reexamine")).to_contain_text("计时中")
    take(page, "hearing_pause", "举行听证（暂停计时）", {"reason": "组织听证，听取信访人和物业公司意见"},
         status="复核中")
    expect(clock_row(page, "reexamine").locator(".badge")).to_have_text("中止计算")
    assert clock_due(page, "reexamine") == due_before
    expect_offered(page, {"note", "hearing_resume"})
    page.screenshot(path=artifacts / "procedure-2-hearing-paused.png", full_page=True)
    logout(page)

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=HEARING_DAYS - 1))

    switch_to(page, wx_handler, case_id)
    take(page, "hearing_resume", "听证结束（恢复计时）", {"text": "听证结束，各方意见已记录在案"})
    expect(clock_row(page, "reexamine").locator(".badge")).to_have_text("计时中")
    due_after = clock_due(page, "reexamine")
    assert due_after == rolled(raw_due + timedelta(days=HEARING_DAYS)), (due_before, due_after)
    assert due_after > due_before
    expect(clock_row(page, "reexamine")).to_contain_text(f"听证所需时间{HEARING_DAYS}日不计入期限")
    expect_offered(page, {"note", "hearing_pause"})

    # -- 10. its leader decides: the matter is terminated -----------------------------------------------
    switch_to(page, wx_leader, case_id)
    expect_offered(page, {"note", "hearing_pause", "reexamine_decide"})
    take(page, "reexamine_decide", "作出复核意见", {
        "review_outcome": "维持",
        "text": "经复核，维持梁溪区人民政府的复查意见。本复核意见为最终意见。",
        "legal_basis": "《信访工作条例》第三十六条",
    }, status="已终结", note="出具复核意见书（维持）")
    expect(clock_row(page, "reexamine")).to_contain_text("按期完成")
    expect_offered(page, set())
    expect(page.get_by_test_id("letters").locator("li")).to_have_count(3)
    page.screenshot(path=artifacts / "procedure-3-terminated.png", full_page=True)

    # -- 11. the same petitioner writes again on the same matter: not accepted again -------------------
    switch_to(page, lx_registrar)
    rows = CaseEvent.objects.filter(case=case).count()
    shown = register_letter(page, category, title="电梯问题再次来信",
                            content="电梯问题仍未解决，再次来信反映。", repeat_of=case)
    assert shown == case_id
    expect(page.get_by_role("alert").filter(has_text=f"已作为重复信访件并入 {case.number}")).to_be_visible()
    expect(status_badge(page)).to_have_text("已终结")
    expect(timeline(page)).to_have_count(rows + 2)
    expect(timeline(page).nth(rows).locator(".fw-bold")).to_have_text("重复信访件并入")
    expect(timeline(page).last.locator(".fw-bold")).to_have_text("重复信访不再受理")
    expect(timeline(page).last).to_contain_text("依法不再受理")
    expect(page.get_by_text("信访件（2）")).to_be_visible()
    expect_offered(page, set())
    page.screenshot(path=artifacts / "procedure-4-repeat-refused.png", full_page=True)

    # -- what was recorded -----------------------------------------------------------------------------
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == "terminated" and case.submission_count == 2
    assert case.next_due_at is None  # nothing left to count down
    assert not Clock.objects.filter(case=case, state__in=("running", "paused")).exists()
    assert list(case.events.values_list("action", flat=True)) == [
        "register", "forward", "accept", "request_extension", "approve_extension", "draft_reply", "reply",
        "evaluate", "review_request", "review_decide", "reexamine_request", "hearing_pause", "hearing_resume",
        "reexamine_decide", "repeat", "repeat_refused",
    ]
    assert list(case.letters.order_by("drafted_at").values_list("kind", "outcome", "org__name")) == [
        ("reply", "explain", "梁溪区住房和城乡建设局"), ("review", "uphold", "梁溪区人民政府"),
        ("reexamine", "uphold", "无锡市人民政府"),
    ]
    assert all(ReplyLetter.objects.filter(case=case).values_list("signed_at", flat=True))
    assert Evaluation.objects.get(case=case).rating == "dissatisfied"
    assert case.outbox.filter(template="refused_repeat").exists()
