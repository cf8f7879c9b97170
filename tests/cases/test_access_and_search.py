"""Who sees what (DESIGN §7) and Chinese full-text search, on both databases."""

import pytest
from django.utils import timezone

from tests.conftest import valid_id
from xinfang.cases.actions import PetitionerData, Registration, register_case
from xinfang.cases.models import Case, CaseOrg, Category
from xinfang.cases.queries import filtered_cases
from xinfang.orgs.access import can_see_identity, get_case_for_user, visible_cases
from xinfang.orgs.models import Region

pytestmark = pytest.mark.django_db


def make_case(org, actor=None, *, title="反映问题", content="内容", region="320213021", **kw):
    reg = Registration(
        channel=kw.pop("channel", "letter"), received_at=timezone.now(), title=title, content=content, demands="",
        purpose=kw.pop("purpose", "claim"), category=Category.objects.filter(parent__isnull=False).first(),
        issue_region=Region.objects.get(code=region),
        petitioners=[PetitionerData(name="张三", id_number=valid_id(kw.pop("seq", 1)), phone="13812345678",
                                    is_lead=True)],
        **kw,
    )
    return register_case(reg, actor=actor, org=org).case


def test_it_hides_other_districts_cases_with_the_same_404(client, orgs, lx_registrar, jy_handler):
    case = make_case(orgs["lx_bureau"], lx_registrar)
    client.force_login(jy_handler)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get("/cases/999999/").status_code == 404
    assert case.number not in client.get("/cases/?scope=all").content.decode()
    client.force_login(lx_registrar)
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_it_lets_bureaus_above_see_their_subtree(orgs, make_user, lx_registrar):
    case = make_case(orgs["lx_bureau"], lx_registrar)
    assert visible_cases(make_user("wx_bureau", "supervisor")).filter(pk=case.pk).exists()
    assert visible_cases(make_user("js_bureau", "leader")).filter(pk=case.pk).exists()
    assert not visible_cases(make_user("jy_bureau", "registrar")).filter(pk=case.pk).exists()
    # A municipal department sees only what it is involved in.
    zj = make_user("wx_zhujian", "handler")
    assert not visible_cases(zj).filter(pk=case.pk).exists()
    CaseOrg.objects.create(case=case, org=orgs["wx_zhujian"], relation="forwarded")
    assert get_case_for_user(zj, case.pk) == case


def test_it_shows_admins_no_cases(orgs, make_user, lx_registrar):
    make_case(orgs["lx_bureau"], lx_registrar)
    assert visible_cases(make_user("wx_bureau", "sysadmin")).count() == 0


def test_it_requires_login_everywhere(client, orgs, lx_registrar):
    case = make_case(orgs["lx_bureau"], lx_registrar)
    for url in ["/cases/", f"/cases/{case.pk}/", "/cases/new/letter/", "/cases/lookup/"]:
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/"), url
    assert client.get("/accounts/login/").status_code == 200


def test_it_masks_identity_for_roles_that_do_not_need_it(client, orgs, make_user, lx_registrar):
    case = make_case(orgs["lx_bureau"], lx_registrar)
    client.force_login(lx_registrar)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert valid_id(1) in html and "13812345678" in html
    supervisor = make_user("wx_bureau", "supervisor")
    client.force_login(supervisor)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert valid_id(1) not in html and "13812345678" not in html
    assert "张*" in html and "138****5678" in html and "3202**********" in html


def test_it_never_shows_an_accuser_to_the_accused_org(orgs, make_user, lx_registrar):
    case = make_case(orgs["lx_bureau"], lx_registrar, purpose="accusation", accused_org=orgs["lx_zhujian"])
    assert case.is_accusation
    accused = make_user("lx_zhujian", "leader")
    CaseOrg.objects.create(case=case, org=orgs["lx_zhujian"], relation="handling")
    assert not can_see_identity(accused, case)
    assert can_see_identity(lx_registrar, case)


def test_it_numbers_cases_per_region_and_year(orgs, lx_registrar):
    a = make_case(orgs["lx_bureau"], lx_registrar, seq=1)
    b = make_case(orgs["lx_bureau"], lx_registrar, seq=2)
    c = make_case(orgs["jy_bureau"], None, seq=3)
    year = timezone.localdate().year
    assert a.number == f"320213-{year}-000001"
    assert b.number == f"320213-{year}-000002"
    assert c.number == f"320281-{year}-000001"
    assert len({a.query_code, b.query_code, c.query_code}) == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("电梯", {"elevator"}),
        ("物业", {"elevator", "fee"}),
        ("物业管理", {"elevator"}),
        ("拖欠工资", {"wages"}),
        ("工资 农民工", {"wages"}),
        ("电梯 工资", set()),
        ("' OR 1=1 --", set()),
        ('"引号" & | !', set()),
    ],
)
def test_it_finds_cases_by_chinese_words_the_same_on_both_databases(orgs, lx_registrar, query, expected):
    cases = {
        "elevator": make_case(orgs["lx_bureau"], lx_registrar, title="电梯停运",
                              content="小区物业管理混乱，电梯停运三个月无人维修", seq=1),
        "fee": make_case(orgs["lx_bureau"], lx_registrar, title="物业费上涨",
                         content="物业公司擅自上涨物业费，业主不同意", seq=2),
        "wages": make_case(orgs["lx_bureau"], lx_registrar, title="拖欠工资",
                           content="建筑工地拖欠农民工工资八万元", seq=3),
    }
    found = set(filtered_cases(lx_registrar, {"scope": "all", "q": query}).values_list("pk", flat=True))
    assert found == {cases[k].pk for k in expected}


def test_it_keeps_the_search_index_current_on_update(orgs, lx_registrar):
    case = make_case(orgs["lx_bureau"], lx_registrar, title="噪音", content="夜间施工噪音扰民")
    assert filtered_cases(lx_registrar, {"scope": "all", "q": "施工"}).count() == 1
    from xinfang.lib.text import index_text

    Case.objects.filter(pk=case.pk).update(search_text=index_text("油烟扰民"))
    assert filtered_cases(lx_registrar, {"scope": "all", "q": "施工"}).count() == 0
    assert filtered_cases(lx_registrar, {"scope": "all", "q": "油烟"}).count() == 1


def test_it_pages_the_inbox_by_keyset(client, orgs, lx_registrar):
    for i in range(45):
        make_case(orgs["lx_bureau"], lx_registrar, title=f"事项{i:02d}", seq=i + 1)
    client.force_login(lx_registrar)
    seen = []
    url = "/cases/"
    while url:
        resp = client.get(url)
        page = resp.context["page"]
        seen += [c.pk for c in page.rows]
        url = f"/cases/?after={page.next_cursor}" if page.next_cursor else None
    assert len(seen) == 45 == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_it_pads_city_numbers_and_numbers_towns_under_their_county(orgs):
    year = timezone.localdate().year
    city = make_case(orgs["wx_bureau"], None, seq=1)
    town = make_case(orgs["lx_town"], None, seq=2)
    county = make_case(orgs["lx_bureau"], None, seq=3)
    assert city.number == f"320200-{year}-000001"
    assert town.number == f"320213-{year}-000001"
    assert county.number == f"320213-{year}-000002"
