"""Shared by the rules tests: the seeded work calendar, Beijing times, and a case to hang clocks on."""

from datetime import datetime

import pytest

from xinfang.rules.calendar import LOCAL_TZ


@pytest.fixture(autouse=True)
def _work_calendar(request):
    """Other suites' transactional tests flush every table, the seeded calendar
    included; put it back before any test here that uses the database."""
    uses = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & uses:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in uses else "db")
    from xinfang.rules.seed import ensure_work_calendar

    ensure_work_calendar()


def bj(text: str) -> datetime:
    """A Beijing time: bj("2026-09-28 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


@pytest.fixture
def calendar(db):
    from xinfang.rules.calendar import load_calendar

    return load_calendar()


@pytest.fixture
def make_case(orgs, category):
    """A letter on the books of 梁溪区信访局, with no clocks yet (created
    directly, so these tests do not depend on the registration workflow)."""
    from xinfang.cases.models import Case
    from xinfang.orgs.models import Region

    def make(rule_set: str = "2022", n: int = 1):
        bureau = orgs["lx_bureau"]
        return Case.objects.create(
            number=f"320213-2026-{n:06d}", numbering_region_id=bureau.region_id, title="小区电梯长期停运",
            content="电梯已停运三个月，物业推诿。", purpose="claim", category=category,
            issue_region=Region.objects.get(code="320213021"), channel="letter", registered_org=bureau,
            current_org=bureau, registered_at=bj("2026-09-28 10:00"), rule_set=rule_set,
        )

    return make


@pytest.fixture
def case(make_case):
    return make_case()
