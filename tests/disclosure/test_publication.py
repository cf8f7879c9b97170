"""Publishing answered cases (信访公开): only with the petitioner's consent, only
after a bureau of the case's region approved the masked texts, and only
until withdrawn."""

import pytest

from tests.conftest import valid_id
from xinfang.cases.models import CaseEvent
from xinfang.disclosure.models import Publication
from xinfang.disclosure.publishing import PublicationError, approve_publication, withdraw_publication

pytestmark = pytest.mark.django_db

ID = valid_id(7)  # 320213 1978-05-17 …
PHONE = "13912345678"
CONTENT = (f"我是王小明，身份证号{ID}，电话{PHONE}，家住无锡市梁溪区崇安寺街道中山路100号3幢502室。"
           "小区电梯停运三个月，物业一直推诿。")
REPLY = f"王小明同志：您反映的电梯问题，经联系人李建国现场核实，已督促物业于9月修复。如有疑问请致电{PHONE}。"


@pytest.fixture
def replied_case(make_case, sign_letter, add_petitioner):
    """A replied case in 梁溪区 whose petitioner agreed to publication."""

    def make(*, consent=True, status="replied", region="320213021", **fields):
        case = make_case("lx_zhujian", status=status, region=region, consent_publish=consent,
                         content=fields.pop("content", CONTENT), **fields)
        add_petitioner(case, "王小明", id_number=ID, phone=PHONE, address="无锡市梁溪区崇安寺街道中山路100号3幢502室")
        sign_letter(case, text=REPLY)
        return case

    return make


@pytest.fixture
def approver(make_user):
    return make_user("lx_bureau", "leader")


def publish(case, user, **texts):
    from xinfang.disclosure.publishing import masked_draft

    return approve_publication(case.pk, user=user, **(masked_draft(case) | texts))


def test_it_never_publishes_a_case_without_the_petitioners_consent(client, replied_case, approver):
    case = replied_case(consent=False)
    with pytest.raises(PublicationError, match="信访人未同意公开，该信访事项不能公开"):
        publish(case, approver)
    client.force_login(approver)
    page = client.get(f"/open/manage/cases/{case.pk}/").content.decode()
    assert "信访人未同意公开" in page and 'name="publish"' not in page
    response = client.post(f"/open/manage/cases/{case.pk}/",
                           {"title": "标题", "content": "内容", "reply_text": "答复", "publish": "1"})
    assert response.status_code == 400 and "信访人未同意公开，该信访事项不能公开" in response.content.decode()
    assert case.number not in client.get("/open/manage/").content.decode()
    assert not Publication.objects.exists()
    # Even a row written around the approval screen stays off the public pages.
    pub = Publication.objects.create(case=case, title="绕过审核", content="x", reply_text="y",
                                     district_id="320213", approved_at=case.registered_at)
    assert "绕过审核" not in client.get("/open/cases/").content.decode()
    assert client.get(f"/open/cases/{pub.pk}/").status_code == 404


@pytest.mark.parametrize(("fields", "message"), [
    ({"status": "accepted"}, "尚未办结（当前状态：已受理办理中）"),
    ({"is_accusation": True}, "检举控告类信访事项不予公开"),
])
def test_it_refuses_unanswered_cases_and_accusations(replied_case, approver, fields, message):
    with pytest.raises(PublicationError, match=message):
        publish(replied_case(**fields), approver)


def test_it_masks_id_numbers_phones_names_and_addresses_in_the_preview_and_on_approval(client, replied_case,
                                                                                       approver):
    case = replied_case()
    client.force_login(approver)
    page = client.get("/open/manage/").content.decode()
    assert case.number in page  # waiting for a decision
    preview = client.get(f"/open/manage/cases/{case.pk}/").content.decode().split('data-testid="preview"')[1]
    preview = preview.split("</div>\n  </div>")[0]
    for raw in (ID, PHONE, "王小明", "李建国", "中山路100号", "502室"):
        assert raw not in preview, raw
    assert "3202**********" in preview and "139****5678" in preview and "王**" in preview and "李**" in preview

    response = client.post(f"/open/manage/cases/{case.pk}/", {
        "title": "小区电梯长期停运", "content": CONTENT, "reply_text": REPLY + f"（王小明 {ID}）", "publish": "1"})
    assert response.status_code == 302
    pub = Publication.objects.get(case=case)
    for text in (pub.title, pub.content, pub.reply_text):
        for raw in (ID, PHONE, "王小明", "李建国", "中山路100号", "502室"):
            assert raw not in text, (raw, text)
    assert pub.content.startswith("我是王**，身份证号3202**********")
    assert "139****5678" in pub.reply_text and "无锡市梁溪区****" in pub.content
    assert (pub.approved_by, pub.reply_org.name, pub.district.name) == (approver, "梁溪区住房和城乡建设局", "梁溪区")
    event = CaseEvent.objects.get(case=case, action="publish")
    assert event.actor == approver and event.org.name == "梁溪区信访局"

    html = client.get(f"/open/cases/{pub.pk}/").content.decode()
    assert "经联系人李**现场核实" in html and "答复意见书" in html
    for raw in (ID, PHONE, "王小明"):
        assert raw not in html


def test_it_lets_the_approver_edit_the_masked_text_before_publishing(client, replied_case, approver):
    case = replied_case()
    client.force_login(approver)
    page = client.post(f"/open/manage/cases/{case.pk}/", {
        "title": "电梯停运问题", "content": "小区电梯停运，联系电话13800001111。", "reply_text": "已修复。",
        "preview": "1"}).content.decode()
    assert "小区电梯停运，联系电话138****1111。" in page and "13800001111" not in page
    assert not Publication.objects.exists()  # a preview publishes nothing
    client.post(f"/open/manage/cases/{case.pk}/", {"title": "电梯停运问题", "content": "小区电梯停运。",
                                                    "reply_text": "已修复。", "publish": "1"})
    pub = Publication.objects.get(case=case)
    assert (pub.title, pub.content, pub.reply_text) == ("电梯停运问题", "小区电梯停运。", "已修复。")


def test_it_publishes_the_untouched_masked_draft_on_a_bare_approval(client, replied_case, approver):
    case = replied_case()
    client.force_login(approver)
    assert client.post(f"/open/manage/cases/{case.pk}/").status_code == 302
    pub = Publication.objects.get(case=case)
    assert ID not in pub.content and PHONE not in pub.reply_text and "王小明" not in pub.reply_text
    assert pub.reply_text.startswith("王**同志")
    emptied = client.post(f"/open/manage/cases/{replied_case().pk}/", {"title": "", "publish": "1"})
    assert emptied.status_code == 400 and Publication.objects.count() == 1  # an emptied field is an error


def test_it_shows_only_approved_publications_that_are_not_withdrawn(client, replied_case, approver):
    shown = publish(replied_case(title="公开中的事项"), approver)
    withdrawn = publish(replied_case(title="已撤回的事项"), approver)
    withdraw_publication(withdrawn.pk, user=approver, reason="信访人撤回同意")
    replied_case(title="未经审核的事项")
    html = client.get("/open/cases/").content.decode()
    assert "公开中的事项" in html and "已撤回的事项" not in html and "未经审核的事项" not in html
    assert client.get(f"/open/cases/{shown.pk}/").status_code == 200
    assert client.get(f"/open/cases/{withdrawn.pk}/").status_code == 404
    assert CaseEvent.objects.filter(case=withdrawn.case, action="withdraw_publication").exists()
    with pytest.raises(PublicationError, match="该信访事项的公开已撤回"):
        publish(withdrawn.case, approver)
    with pytest.raises(PublicationError, match="该信访事项已经公开"):
        publish(shown.case, approver)


def test_it_withdraws_from_the_approval_screen(client, replied_case, approver):
    pub = publish(replied_case(), approver)
    client.force_login(approver)
    client.post(f"/open/manage/publications/{pub.pk}/withdraw/", {"reason": ""})
    pub.refresh_from_db()
    assert not pub.withdrawn  # a reason is required
    client.post(f"/open/manage/publications/{pub.pk}/withdraw/", {"reason": "发现未脱敏的个人信息"})
    pub.refresh_from_db()
    assert pub.withdrawn and pub.withdrawn_reason == "发现未脱敏的个人信息" and pub.withdrawn_by == approver


def test_it_answers_404_to_approvers_outside_the_region_and_to_other_roles(client, replied_case, make_user,
                                                                           approver):
    case = replied_case()
    outsiders = [make_user("jy_bureau", "leader"), make_user("lx_zhujian", "leader"),
                 make_user("lx_bureau", "handler"), make_user("lx_bureau", "supervisor")]
    for user in outsiders:
        client.force_login(user)
        assert client.get(f"/open/manage/cases/{case.pk}/").status_code == 404
        response = client.post(f"/open/manage/cases/{case.pk}/",
                               {"title": "t", "content": "c", "reply_text": "r", "publish": "1"})
        assert response.status_code == 404
    assert not Publication.objects.exists()
    assert client.get("/open/manage/cases/999999/").status_code == 404
    # Registrars and leaders of the city bureau above cover the district.
    client.force_login(make_user("wx_bureau", "registrar"))
    assert client.get(f"/open/manage/cases/{case.pk}/").status_code == 200
    pub = publish(case, approver)
    client.force_login(make_user("jy_bureau", "registrar"))
    assert client.post(f"/open/manage/publications/{pub.pk}/withdraw/", {"reason": "x"}).status_code == 404
    pub.refresh_from_db()
    assert not pub.withdrawn


def test_it_forbids_the_queue_to_people_who_cannot_approve(client, make_user):
    client.force_login(make_user("lx_zhujian", "handler"))
    assert client.get("/open/manage/").status_code == 403


def test_it_filters_published_cases_by_category_district_and_keyword(client, replied_case, approver, make_user):
    from xinfang.cases.models import Category

    other = Category.objects.filter(parent__isnull=False).exclude(parent__code="CXJS").order_by("code").first()
    lx = publish(replied_case(title="梁溪电梯问题"), approver)
    jy = publish(replied_case(title="江阴工资问题", region="320281", category=other), make_user("jy_bureau", "leader"))
    assert (lx.district.name, jy.district.name) == ("梁溪区", "江阴市")

    def titles(query: str) -> set[str]:
        html = client.get(f"/open/cases/?{query}").content.decode()
        return {t for t in ("梁溪电梯问题", "江阴工资问题") if t in html}

    assert titles("") == {"梁溪电梯问题", "江阴工资问题"}
    assert titles("district=320213") == {"梁溪电梯问题"}
    assert titles("district=320281") == {"江阴工资问题"}
    assert titles(f"category={lx.case.category.parent.code}") == {"梁溪电梯问题"}
    assert titles(f"category={other.parent.code}") == {"江阴工资问题"}
    assert titles("q=工资") == {"江阴工资问题"}
    assert titles("district=nonsense") == {"梁溪电梯问题", "江阴工资问题"}  # bad input is ignored


def test_it_renders_markup_in_case_texts_as_text(client, replied_case, approver):
    case = replied_case(content='<script>alert("x")</script><b>粗体</b>', title="<img src=x onerror=alert(1)>")
    pub = publish(case, approver, reply_text="<script>steal()</script>")
    html = client.get(f"/open/cases/{pub.pk}/").content.decode()
    assert "<script>alert" not in html and "<script>steal" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "&lt;script&gt;steal()" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get("/open/cases/").content.decode()


@pytest.mark.parametrize(("text", "masked"), [
    ("我是王小明，电话13912345678。", "我是王**，电话139****5678。"),  # the case's petitioner, cue or not
    (f"身份证{ID}", "身份证3202**********" + ID[-4:]),
    ("家住无锡市梁溪区中山路100号。", "家住无锡市梁溪区****。"),
    ("您反映的中山路100号3幢502室漏水问题", "您反映的中山路****漏水问题"),
    ("5号楼2单元漏水", "****漏水"),
    ("本人住在西望村5组，", "本人住在西****，"),
    ("联系人：赵六，于2025年3月补偿12000元。", "联系人：赵*，于2025年3月补偿12000元。"),
    # Ordinary words, amounts, counts and document numbers stay readable.
    ("我们祖辈都住在这个村里，小区共有12幢楼。锡政发〔2024〕3号文件，地铁3号线。",
     "我们祖辈都住在这个村里，小区共有12幢楼。锡政发〔2024〕3号文件，地铁3号线。"),
])
def test_it_masks_what_a_published_text_must_not_show(text, masked):
    from xinfang.disclosure.masking import Person, mask_for_publication

    people = [Person("王小明", ID, PHONE, "无锡市梁溪区崇安寺街道中山路100号3幢502室")]
    assert mask_for_publication(text, people) == masked
    assert mask_for_publication(masked, people) == masked  # masking twice changes nothing more
