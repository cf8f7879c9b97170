"""Factories for the disclosure tests: cases created directly at pinned Beijing
times (these tests are about what is published and counted, not about the
workflow that got the case there), signed letters and petitioners."""

from datetime import datetime
from itertools import count

import pytest

from xinfang.rules.calendar import LOCAL_TZ

_numbers = count(1)


def bj(text: str) -> datetime:
    """A Beijing time: bj("2026-09-28 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def _fresh_state(request):
    """The statistics page is cached; and transactional tests elsewhere flush the
    seeded work calendar, which due dates need."""
    from django.core.cache import cache

    cache.clear()
    uses = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & uses:
        return
    request.getfixturevalue("db")
    from xinfang.rules.seed import ensure_work_calendar

    ensure_work_calendar()


@pytest.fixture
def make_case(orgs, category):
    """A case at `org` (held there now), registered by 梁溪区信访局 unless told."""
    from xinfang.cases.models import Case
    from xinfang.orgs.models import Region

    def make(org_key: str = "lx_zhujian", *, region: str = "320213021", registered_at: str = "2026-08-25 09:00",
             status: str = "accepted", registered_by: str = "lx_bureau", **fields):
        n = next(_numbers)
        bureau = orgs[registered_by]
        defaults = {"title": "小区电梯长期停运", "content": "电梯已停运三个月，物业推诿。", "purpose": "claim",
                    "category": category, "channel": "letter"}
        return Case.objects.create(
            number=f"{bureau.region_id}-2026-{n:06d}", numbering_region_id=bureau.region_id,
            issue_region=Region.objects.get(code=region), registered_org=bureau, current_org=orgs[org_key],
            registered_at=bj(registered_at), status=status, rule_set="2022", **(defaults | fields),
        )

    return make


@pytest.fixture
def sign_letter(orgs):
    """A leader-signed letter (答复意见书 by default) from `org_key` on the case."""
    from xinfang.cases.models_procedure import ReplyLetter

    def sign(case, org_key: str = "lx_zhujian", *, text: str = "经调查，已督促物业公司修复电梯。",
             at: str = "2026-09-01 10:00", kind: str = "reply", outcome: str = "support"):
        return ReplyLetter.objects.create(
            case=case, kind=kind, org=orgs[org_key], outcome=outcome, text=text, legal_basis="《物业管理条例》",
            rights_notice="如不服，可于30日内申请复查。", drafted_at=bj(at), signed_at=bj(at),
        )

    return sign


@pytest.fixture
def add_petitioner():
    from xinfang.cases.actions import PetitionerData, find_or_create_petitioner
    from xinfang.cases.models import CasePetitioner

    def add(case, name: str, *, id_number: str = "", phone: str = "", address: str = ""):
        person = find_or_create_petitioner(PetitionerData(name, id_number, phone, address))
        CasePetitioner.objects.create(case=case, petitioner=person, is_lead=True)
        return person

    return add
