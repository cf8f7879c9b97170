"""The rates pages: figures with their formulas, drill-downs within the
viewer's scope, region picker limited to the viewer's subtree, xlsx export."""

import re
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.assessment.test_rates_table import NOW

pytestmark = pytest.mark.django_db

SEPT = "start=2026-09-01&end=2026-09-30"


@pytest.fixture(autouse=True)
def _pinned_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def login(client, user):
    client.force_login(user)
    return client


def test_it_shows_each_figure_with_its_formula_and_links_to_the_cases(client, make_user, month):
    login(client, make_user("wx_bureau", "supervisor"))
    html = client.get(f"/assessment/?{SEPT}").content.decode()
    assert "及时受理率 = 3 ÷ 5 = 60.0%" in html
    assert "按期办结率 = 按期办结数 ÷ 应办结数（按期办结 + 超期办结 + 逾期未办结）" in html
    assert "梁溪区住房和城乡建设局" in html and "江阴市住房和城乡建设局" in html
    assert "drill/?" in html


def test_the_drill_down_page_lists_the_counted_cases(client, make_user, orgs, month):
    login(client, make_user("wx_bureau", "supervisor"))
    url = (f"/assessment/drill/?{SEPT}&target=handler&key=on_time_reply&part=denominator"
           f"&org={orgs['lx_zhujian'].pk}")
    html = client.get(url).content.decode()
    assert re.search(r'data-testid="drill-count">3<', html)
    for name in ("k1", "k2", "k7"):
        assert month[name].number in html
    assert month["k4"].number not in html


def test_a_district_user_sees_only_their_district(client, make_user, orgs, month):
    login(client, make_user("lx_bureau", "leader"))
    html = client.get(f"/assessment/?{SEPT}").content.decode()
    assert "梁溪区住房和城乡建设局" in html and "江阴市" not in html
    # Asking for another district gives only what they may see anyway: nothing of 江阴.
    html = client.get(f"/assessment/?{SEPT}&region=320281").content.decode()
    assert "江阴市住房和城乡建设局" not in html
    url = (f"/assessment/drill/?{SEPT}&region=320281&target=handler&key=timely_acceptance&part=denominator"
           f"&org={orgs['jy_zhujian'].pk}")
    html = client.get(url).content.decode()
    assert re.search(r'data-testid="drill-count">0<', html) and month["k6"].number not in html


def test_the_bureau_tab_and_the_region_grouping(client, make_user, month):
    login(client, make_user("wx_bureau", "analyst"))
    html = client.get(f"/assessment/?{SEPT}&target=bureau").content.decode()
    assert "梁溪区信访局" in html and "按期处理数" in html
    html = client.get(f"/assessment/?{SEPT}&group=region").content.decode()
    assert "梁溪区" in html and "江阴市" in html


def test_it_explains_a_bad_period_in_chinese(client, make_user, month):
    login(client, make_user("wx_bureau", "analyst"))
    html = client.get("/assessment/?start=2026-09-30&end=2026-09-01").content.decode()
    assert "结束日期不能早于开始日期" in html


def test_the_export_opens_with_openpyxl_and_has_the_numbers(client, make_user, orgs, month):
    login(client, make_user("wx_bureau", "supervisor"))
    response = client.get(f"/assessment/?{SEPT}&format=xlsx&rank_by=timely_acceptance")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    zhujian = next(r for r in rows if r[0] == "梁溪区住房和城乡建设局")
    assert zhujian[2:5] == [round(1 / 3, 4), 1, 3]  # 及时受理率, numerator, denominator
    total = next(r for r in rows if r[0] == "合计")
    assert total[3:5] == [3, 5]
    assert any(r[0] and str(r[0]).startswith("及时受理率 = ") for r in rows)


def test_people_without_a_staff_seat_are_refused(client, make_user, month):
    from xinfang.accounts.models import User

    login(client, User.objects.create_user("nobody", password="pw-for-tests-123"))
    assert client.get("/assessment/").status_code == 403
    client.logout()
    assert client.get("/assessment/").status_code in (302, 403)
