"""The two assessment indicators that count other apps' records: supervision
orders issued to an org (督办单) and idle-spin flags (网上空转) in the period."""

from datetime import date, datetime

import pytest

from xinfang.assessment.indicators import idle_spin_flags, supervision_orders
from xinfang.disclosure.rates import Period
from xinfang.integrity.models import Flag
from xinfang.rules.calendar import LOCAL_TZ
from xinfang.supervision.models_orders import SupervisionOrder

pytestmark = pytest.mark.django_db

OCT = Period.month(2026, 10)


def at(day: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=LOCAL_TZ)


def order(orgs, org_key: str, issued_at: datetime | None, n: int) -> SupervisionOrder:
    return SupervisionOrder.objects.create(
        number=f"督〔2026〕{n}号" if issued_at else "", org=orgs[org_key], issued_by_org=orgs["lx_bureau"],
        title="督办", requirements="限期办结", deadline=date(2026, 11, 30),
        status="issued" if issued_at else "draft", created_at=at(1), issued_at=issued_at)


def test_orders_issued_in_the_period_count_for_the_ordered_org(orgs):
    order(orgs, "lx_zhujian", at(3), 1)
    order(orgs, "lx_zhujian", at(1, month=11), 2)  # next month
    order(orgs, "lx_zhujian", None, 3)  # a draft never issued
    order(orgs, "jy_zhujian", at(20), 4)
    assert supervision_orders(OCT) == {orgs["lx_zhujian"].pk: 1, orgs["jy_zhujian"].pk: 1}


def test_flags_count_for_the_flagged_org_or_the_org_holding_the_case(orgs, make_user):
    from tests.cases.test_transitions_table import Scenario

    scenario = Scenario(orgs, make_user)
    scenario.reach("accepted")
    case = scenario.case
    Flag.objects.create(org=orgs["lx_zhujian"], rule="proxy_evaluations", period="2026-10", raised_at=at(5),
                        explanation="代评比例过高")
    Flag.objects.create(case=case, rule="ping_pong", raised_at=at(6), explanation="来回转办")
    Flag.objects.create(case=case, rule="last_minute_reply", raised_at=at(6, month=9), explanation="九月")
    found = idle_spin_flags(OCT)
    assert found is not None
    # The org flag counts for its org; the case flag for the org now holding the case.
    expected: dict[int, int] = {orgs["lx_zhujian"].pk: 1}
    expected[case.current_org_id] = expected.get(case.current_org_id, 0) + 1
    assert found == expected
