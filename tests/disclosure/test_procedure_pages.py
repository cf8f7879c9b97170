"""The public procedure pages: the statutory limits table (2022 beside 2005),
the flow chart drawn from the transitions table, and the reception directory."""

import re

import pytest

from xinfang.cases.models import Status
from xinfang.cases.workflow import TRANSITIONS
from xinfang.disclosure.flowchart import build_chart

pytestmark = pytest.mark.django_db

# What a petitioner reads in the limits table, checked against the regulations' text.
#  limit           2022 《信访工作条例》              2005 《信访条例》
LIMITS = [
    ("处理",     "15日", "《信访工作条例》第二十二条", "15日", "《信访条例》第二十一条"),
    ("受理告知", "15日", "《信访工作条例》第二十三条", "15日", "《信访条例》第二十二条"),
    ("异议",     "5个工作日", "《信访工作条例》第二十三条", "5个工作日", "逐级走访的办法》"),
    ("办理",     "60日", "《信访工作条例》第三十四条", "60日", "《信访条例》第三十三条"),
    ("延期",     "30日", "《信访工作条例》第三十四条", "30日", "《信访条例》第三十三条"),
    ("复查申请", "30日", "《信访工作条例》第三十五条", "30日", "《信访条例》第三十四条"),
    ("复查",     "30日", "《信访工作条例》第三十五条", "30日", "《信访条例》第三十四条"),
    ("复核申请", "30日", "《信访工作条例》第三十六条", "30日", "《信访条例》第三十五条"),
    ("复核",     "30日", "《信访工作条例》第三十六条", "30日", "《信访条例》第三十五条"),
]  # fmt: skip


def limit_rows(html: str) -> dict[str, dict[str, str]]:
    """name -> {"2022": cell text, "2005": cell text} from the limits table."""
    table = re.search(r'<table[^>]*data-testid="limits".*?</table>', html, re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr data-kind=.*?</tr>", table, re.S):
        name = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)).strip()
        cells = {year: re.sub(r"<[^>]+>", " ", re.search(rf'class="limit-{year}">(.*?)</td>', row, re.S).group(1))
                 for year in ("2022", "2005")}
        rows[name] = cells
    return rows


@pytest.mark.parametrize("url", ["/open/", "/open/guide/"])
def test_it_shows_the_statutory_limits_of_both_regulations_with_their_articles(client, url):
    html = client.get(url).content.decode()
    rows = limit_rows(html)
    assert "《信访工作条例》（2022年）" in html and "《信访条例》（2005年）" in html
    for name, limit_2022, article_2022, limit_2005, article_2005 in LIMITS:
        assert limit_2022 in rows[name]["2022"] and article_2022 in rows[name]["2022"], name
        assert limit_2005 in rows[name]["2005"] and article_2005 in rows[name]["2005"], name


def test_it_lists_a_local_rule_that_tightens_a_limit(client):
    from xinfang.rules.models import RuleSet

    RuleSet.objects.create(code="wuxi", name="无锡市信访事项办理规定", base="2022", region_id="3202",
                           overrides={"dispose": {"amount": 7, "article": "《无锡市信访事项办理规定》第八条"}})
    html = client.get("/open/guide/").content.decode()
    assert "本地从严规定" in html and "处理：7日（《无锡市信访事项办理规定》第八条）" in html


def svg_of(html: str) -> str:
    return re.search(r"<svg class=\"flow\".*?</svg>", html, re.S).group(0)


def test_it_draws_every_status_and_every_status_change_of_the_procedure(client):
    svg = svg_of(client.get("/open/").content.decode())
    for value, label in Status.choices:
        assert f'data-status="{value}"' in svg and f">{label}</text>" in svg, label
    for t in TRANSITIONS:
        if t.target and set(t.sources) - {t.target}:
            assert f">{t.label}</text>" in svg, t.label
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched from elsewhere


def test_it_lists_every_step_with_its_article_under_the_chart(client):
    html = client.get("/open/").content.decode()
    steps = re.search(r'data-testid="steps".*?</table>', html, re.S).group(0)
    for t in TRANSITIONS:
        assert f">{t.label}</th>" in steps, t.label
        assert t.article in steps
    assert "《信访工作条例》第三十五条" in steps


def test_it_keeps_the_chart_readable():
    chart = build_chart()
    boxes = [n.box for n in chart.nodes]
    labels = [e.label_box for e in chart.edges]
    for i, label in enumerate(labels):
        assert not any(label.overlaps(b) for b in boxes), chart.edges[i].label
        assert not any(label.overlaps(other) for other in labels[i + 1:]), chart.edges[i].label
    for a in boxes:
        assert a.x >= 0 and a.x + a.w <= chart.width and a.y + a.h <= chart.height


def test_it_guides_petitioners_step_by_step(client):
    html = client.get("/open/guide/").content.decode()
    for text in ("网上信访", "来信", "来电", "来访", "身份证件", "权利", "义务", "逐级走访",
                 "代表人数不超过5人", "《信访工作条例》第二十条", "30日内请求原办理机关的上一级机关复查"):
        assert text in html, text


def test_it_shows_addresses_phones_and_reception_hours_of_the_reception_places(client, orgs):
    html = client.get("/open/orgs/").content.decode()
    assert "无锡市信访局" in html and "无锡市观山路199号市民中心" in html
    assert "0510-81821234" in html and "工作日 8:30-12:00，13:30-17:30" in html
    assert "江苏省信访局" in html and "南京市北京西路70号" in html
    assert "梁溪区信访局" in html and "工作日 8:30-11:30，13:30-17:00" in html
    assert "无锡市人民政府" in html and "崇安寺街道办事处" in html  # governments down to the streets
    # Departments only where they receive visitors.
    assert "无锡市住房和城乡建设局" not in html and "无锡市纪委监委" not in html
    dept = orgs["wx_zhujian"]
    dept.reception_hours, dept.address = "每周三 9:00-11:30", "无锡市解放东路1000号"
    dept.save()
    html = client.get("/open/orgs/").content.decode()
    assert "无锡市住房和城乡建设局" in html and "每周三 9:00-11:30" in html and "无锡市解放东路1000号" in html


def test_it_filters_the_directory_by_district(client, orgs):
    html = client.get("/open/orgs/?district=320213").content.decode()
    assert "梁溪区信访局" in html and "梁溪区人民政府" in html
    assert "江阴市信访局" not in html and "无锡市信访局" not in html
    html = client.get("/open/orgs/?district=3202").content.decode()  # the city's own organs
    assert "无锡市信访局" in html and "梁溪区信访局" not in html
    html = client.get("/open/orgs/?district=nonsense").content.decode()  # ignored, not an error
    assert "江阴市信访局" in html and "梁溪区信访局" in html


@pytest.mark.parametrize("url", ["/open/", "/open/guide/", "/open/orgs/", "/open/cases/", "/open/stats/",
                                 "/open/policies/"])
def test_it_needs_no_login_for_public_pages(client, orgs, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'href="/open/"' in response.content.decode()  # the public frame, not the staff one


def test_it_needs_login_for_the_approval_screen(client):
    response = client.get("/open/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
