"""Flags raised while a new case registers (integrity.receivers.on_submission):
a group visit and a level-skipping visit are flagged at once; a one-person
online petition, which can be neither, costs no query for them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import valid_id
from xinfang.cases.actions import PetitionerData, Registration, register_case
from xinfang.cases.models import Category
from xinfang.integrity.models import Flag
from xinfang.orgs.models import Region


def register(org, actor, *, channel="visit", headcount=1, region="320213021"):
    reg = Registration(
        channel=channel, received_at=timezone.now(), title="反映问题", content="小区电梯停运三个月，物业一直推诿。",
        demands="", purpose="claim", category=Category.objects.filter(parent__isnull=False).first(),
        issue_region=Region.objects.get(code=region), headcount=headcount,
        petitioners=[PetitionerData(name="信访人", id_number=valid_id(3), is_lead=True)],
    )
    return register_case(reg, actor=actor, org=org).case


def test_it_flags_a_group_visit_when_it_registers(orgs, lx_registrar):
    case = register(orgs["lx_bureau"], lx_registrar, headcount=6)
    assert set(Flag.objects.filter(case=case).values_list("rule", flat=True)) == {"group"}


def test_it_flags_a_visit_that_skipped_the_county_when_it_registers(orgs, make_user):
    city_registrar = make_user("wx_bureau", "registrar")
    case = register(orgs["wx_bureau"], city_registrar)
    assert case.is_level_skipping
    assert list(Flag.objects.filter(case=case).values_list("rule", flat=True)) == ["level_skipping"]


def test_a_one_person_online_petition_asks_nothing_about_groups_or_levels(orgs, lx_registrar):
    with CaptureQueriesContext(connection) as queries:
        case = register(orgs["lx_bureau"], lx_registrar, channel="online")
    assert not Flag.objects.filter(case=case).exists()
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in selects if "MAX(\"cases_submission\"" in sql or "is_level_skipping" in sql]
