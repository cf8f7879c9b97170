"""绩效网上考评 on the month of test_rates_table.py, worked out by hand.

Scheme: 按期办结率（办理单位）40, 群众满意率（办理单位）30, 超期件数 20,
收到督办单数 10 (first as if the supervision app were not installed: 未启用, so the
other weights count out of 90; then installed, with one order issued to A).

| org | 按期办结率 | 满意率 | 超期件数 (late + overdue) | normalised          | points (× 100/90)          | score |
|-----|-----------|--------|--------------------------|---------------------|----------------------------|-------|
| A   | 2/3       | 1/1    | 2 + 1 = 3                | 0.667, 1, 1−3/3 = 0 | 29.63, 33.33, 0            | 62.96 |
| B   | 0/1       | 1/1    | 0 + 1 = 1                | 0, 1, 1−1/3         | 0, 33.33, 14.81            | 48.14 |
| C   | 1/1       | 0/1    | 0                        | 1, 0, 1             | 44.44, 0, 22.22            | 66.66 |

With at least 2 items to rank, only A (3 items) ranks; B and C are listed unranked.
"""

from datetime import date
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from openpyxl import load_workbook

from tests.assessment.test_rates_table import NOW, SEPTEMBER
from xinfang.accounts.models import User
from xinfang.assessment.models import AssessmentScheme
from xinfang.assessment.rates import Scope
from xinfang.assessment.scoring import SchemeError, save_scheme, score

pytestmark = pytest.mark.django_db

WEIGHTS = {"handler.on_time_reply": 40, "handler.satisfaction": 30, "overdue": 20, "supervision_orders": 10}
EXPECTED = {"lx_zhujian": (62.96, [29.63, 33.33, 0.0, None]),
            "lx_chengguan": (48.14, [0.0, 33.33, 14.81, None]),
            "jy_zhujian": (66.66, [44.44, 0.0, 22.22, None])}


@pytest.fixture
def no_orders_model(monkeypatch):
    """As in a deployment without the supervision app: the indicator is 未启用."""
    from xinfang.assessment import indicators

    monkeypatch.setattr(indicators, "SUPERVISION_ORDER", ("supervision", "NotInstalled"))


@pytest.fixture
def editor(make_user):
    user = make_user("wx_bureau", "leader")
    user.user_permissions.add(Permission.objects.get(codename="manage_scheme"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def scheme(editor):
    return save_scheme(user=editor, code="wx2026", name="无锡市2026年度信访工作考评", weights=WEIGHTS,
                       effective_from=date(2026, 1, 1), min_volume=2)


def test_it_scores_and_ranks_as_worked_out_by_hand(orgs, month, scheme, no_orders_model):
    table = score(scheme, Scope(), SEPTEMBER, NOW)
    rows = {r.org.pk: r for r in table.ranked + table.unranked}
    for key, (total, points) in EXPECTED.items():
        row = rows[orgs[key].pk]
        assert (row.score, [p.points for p in row.parts]) == (total, points), key
    assert [r.org.pk for r in table.ranked] == [orgs["lx_zhujian"].pk] and table.ranked[0].rank == 1
    assert [r.org.pk for r in table.unranked] == [orgs["jy_zhujian"].pk, orgs["lx_chengguan"].pk]
    assert table.disabled == {"supervision_orders"}
    assert rows[orgs["lx_zhujian"].pk].parts[3].shown == "未启用"
    assert rows[orgs["lx_zhujian"].pk].parts[2].shown == "3 件"


def test_editing_makes_a_new_version_and_the_old_one_still_scores_the_same(orgs, month, scheme, editor):
    before = score(scheme, Scope(), SEPTEMBER, NOW)
    v2 = save_scheme(user=editor, code="wx2026", name="无锡市2026年度信访工作考评",
                     weights={"handler.on_time_reply": 100}, effective_from=date(2026, 1, 1), min_volume=2)
    assert (v2.version, AssessmentScheme.objects.filter(code="wx2026").count()) == (2, 2)
    old = AssessmentScheme.objects.get(code="wx2026", version=1)
    assert old.weights == {k: float(v) for k, v in WEIGHTS.items()}
    again = score(old, Scope(), SEPTEMBER, NOW)
    assert [(r.org.pk, r.score) for r in again.ranked + again.unranked] == [
        (r.org.pk, r.score) for r in before.ranked + before.unranked]
    assert {r.org.pk: r.score for r in score(v2, Scope(), SEPTEMBER, NOW).unranked}[orgs["jy_zhujian"].pk] == 100


@pytest.mark.parametrize(("weights", "message"), [
    ({"handler.on_time_reply": 60}, "各项权重之和应为 100，现为 60"),
    ({"handler.on_time_reply": "abc", "overdue": 100}, "不是数字"),
    ({"nonsense": 100}, "未知的考评指标"),
    ({"handler.on_time_reply": 120}, "应在 0 到 100 之间"),
])
def test_invalid_weights_are_refused_in_chinese_and_change_nothing(editor, weights, message):
    with pytest.raises(SchemeError, match=message):
        save_scheme(user=editor, code="x", name="x", weights=weights, effective_from=date(2026, 1, 1))
    assert not AssessmentScheme.objects.exists()


def test_only_authorised_staff_edit_schemes(client, make_user, scheme):
    plain = make_user("wx_bureau", "supervisor")
    with pytest.raises(SchemeError, match="没有制定或修改考评方案的权限"):
        save_scheme(user=plain, code="wx2026", name="x", weights={"overdue": 100}, effective_from=date(2026, 1, 1))
    client.force_login(plain)
    assert client.get("/assessment/schemes/wx2026/edit/").status_code == 403
    assert client.get("/assessment/schemes/").status_code == 200


def test_the_edit_page_writes_a_new_version_or_explains(client, editor, scheme):
    client.force_login(editor)
    url = "/assessment/schemes/wx2026/edit/"
    assert "第2版" in client.get(url).content.decode()
    form = {"name": "无锡市2026年度信访工作考评", "effective_from": "2026-01-01", "min_volume": "5",
            "w-handler.on_time_reply": "50", "w-overdue": "40"}
    bad = client.post(url, form)
    assert bad.status_code == 400 and "各项权重之和应为 100，现为 90" in bad.content.decode()
    assert client.post(url, form | {"w-overdue": "50", "note": "加大超期权重"}).status_code == 302
    latest = AssessmentScheme.objects.get(code="wx2026", version=2)
    assert latest.weights == {"handler.on_time_reply": 50.0, "overdue": 50.0} and latest.note == "加大超期权重"


def test_the_score_table_page_and_its_export(client, make_user, orgs, month, scheme, monkeypatch, no_orders_model):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(make_user("wx_bureau", "analyst"))
    url = f"/assessment/schemes/{scheme.pk}/scores/?start=2026-09-01&end=2026-09-30"
    html = client.get(url).content.decode()
    assert "62.96" in html and "未启用" in html and "未排名" in html
    response = client.get(url + "&format=xlsx")
    rows = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    zhujian = next(r for r in rows if r[1] == "梁溪区住房和城乡建设局")
    assert zhujian[:4] == [1, "梁溪区住房和城乡建设局", 62.96, 3]
    assert "→ 29.63" in zhujian[4]


def test_supervision_orders_count_once_the_app_is_installed(orgs, month, scheme):
    """One order issued to A in September; B and C received none.

    | org | 收到督办单数 | normalised 1 − n/max | points (weights out of 100)     | score |
    |-----|------------|----------------------|---------------------------------|-------|
    | A   | 1          | 0                    | 26.67, 30.00, 0.00, 0.00        | 56.67 |
    | B   | 0          | 1                    | 0.00, 30.00, 13.33, 10.00       | 53.33 |
    | C   | 0          | 1                    | 40.00, 0.00, 20.00, 10.00       | 70.00 |
    """
    from datetime import timedelta

    from xinfang.supervision.models_orders import SupervisionOrder

    issued = SEPTEMBER.start + timedelta(days=10)
    SupervisionOrder.objects.create(number="督〔2026〕1号", org=orgs["lx_zhujian"], issued_by_org=orgs["lx_bureau"],
                                    title="督办", requirements="限期办结", deadline=date(2026, 10, 10),
                                    status="issued", created_at=issued, issued_at=issued)
    table = score(scheme, Scope(), SEPTEMBER, NOW)
    rows = {r.org.pk: r for r in table.ranked + table.unranked}
    expected = {"lx_zhujian": (56.67, [26.67, 30.0, 0.0, 0.0]),
                "lx_chengguan": (53.33, [0.0, 30.0, 13.33, 10.0]),
                "jy_zhujian": (70.0, [40.0, 0.0, 20.0, 10.0])}
    for key, (total, points) in expected.items():
        row = rows[orgs[key].pk]
        assert (row.score, [p.points for p in row.parts]) == (total, points), key
    assert table.disabled == set()
