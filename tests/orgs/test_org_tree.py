"""The Wuxi demo tree, the region table and the staff screens that maintain them."""

import pytest

from xinfang.demo.orgtree import COUNTIES, build_org_tree, create_demo_users
from xinfang.orgs.models import Org, OrgKind, Region

pytestmark = pytest.mark.django_db


def test_it_loads_regions_down_to_every_wuxi_street():
    wuxi = Region.objects.get(code="3202")
    assert wuxi.name == "无锡市" and wuxi.parent.name == "江苏省"
    counties = set(Region.objects.filter(parent=wuxi).values_list("name", flat=True))
    assert {"梁溪区", "锡山区", "惠山区", "滨湖区", "新吴区", "江阴市", "宜兴市"} <= counties
    assert Region.objects.filter(level=4, code__startswith="3202").count() >= 80
    assert Region.objects.get(code="320213021").full_name == "江苏省无锡市梁溪区崇安寺街道"
    assert Region.objects.filter(level=3).count() > 2800  # the whole country to county level


def test_it_builds_the_org_tree_with_superiors(orgs):
    assert Org.objects.filter(region_id="3202", kind=OrgKind.DEPARTMENT).count() >= 10
    city_gov = Org.objects.get(name="无锡市人民政府")
    assert city_gov.superior.name == "江苏省人民政府"
    assert Org.objects.get(name="无锡市住房和城乡建设局").superior == city_gov
    for code in COUNTIES:
        here = Org.objects.filter(region_id=code)
        assert here.filter(kind=OrgKind.GOVERNMENT).count() == 1
        assert here.filter(kind=OrgKind.BUREAU).count() == 1
        assert here.filter(kind=OrgKind.DEPARTMENT).count() >= 5
        gov = here.get(kind=OrgKind.GOVERNMENT)
        assert gov.superior == city_gov
        towns = Org.objects.filter(region__parent_id=code)
        assert towns.count() == Region.objects.filter(parent_id=code).count()
        assert all(t.superior == gov for t in towns)
    # Paths make subtrees one prefix query.
    assert orgs["lx_zhujian"] in city_gov.subtree()


def test_it_is_idempotent():
    build_org_tree()
    n = Org.objects.count()
    keys = build_org_tree()
    create_demo_users(keys)
    create_demo_users(keys)
    assert Org.objects.count() == n


def test_it_lets_the_system_admin_maintain_the_tree_in_chinese(client, orgs):
    create_demo_users(orgs)
    from xinfang.accounts.models import User

    client.force_login(User.objects.get(username="sysadmin"))
    for url in ["/admin/orgs/org/", "/admin/orgs/region/?q=梁溪", "/admin/orgs/membership/",
                "/admin/cases/category/", f"/admin/orgs/org/{orgs['lx_bureau'].pk}/change/"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
    assert "单位" in client.get("/admin/orgs/org/").content.decode()
    # The auditor reads but cannot change.
    client.force_login(User.objects.get(username="auditor"))
    assert client.get("/admin/orgs/org/").status_code == 200
    assert client.post(f"/admin/orgs/org/{orgs['lx_bureau'].pk}/change/", {"name": "x"}).status_code == 403


def test_it_logs_in_and_out_in_chinese(client, orgs):
    create_demo_users(orgs)
    resp = client.post("/accounts/login/", {"username": "lx_registrar", "password": "wrong"})
    assert "用户名或密码不正确" in resp.content.decode()
    resp = client.post("/accounts/login/", {"username": "lx_registrar", "password": "Xinfang@2026"})
    assert resp.status_code == 302 and resp["Location"] == "/cases/"
    assert "沈登记" in client.get("/cases/").content.decode()
    client.post("/accounts/logout/")
    assert client.get("/cases/").status_code == 302
