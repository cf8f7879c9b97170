"""Repeat candidates offered on a new submission: same petitioner (blind index)
and very similar text in the same county, within the window."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from tests.conftest import valid_id
from xinfang.cases.actions import PetitionerData, Registration, register_case
from xinfang.cases.models import Category
from xinfang.integrity.models import CaseLink
from xinfang.orgs.models import Region

ELEVATOR = ("我是崇安寺街道锦绣花园小区12栋的业主，小区电梯自今年三月起停运，物业公司华润物业一直推诿不修，"
            "老人上下楼非常困难，已经打过12345热线三次。")
ELEVATOR_AGAIN = ("再次反映：锦绣花园小区12栋电梯自三月起停运至今，华润物业公司一直推诿不修，"
                  "老人上下楼非常困难，12345热线打过多次也没用，请尽快处理。")
NOISE = ("广益街道某工地夜间施工噪音扰民，凌晨两点还在打桩，严重影响休息，请城管部门查处。")


def register(org, actor, content, *, seq, region="320213021", title="反映问题", days_ago=0, phone=""):
    reg = Registration(
        channel="letter", received_at=timezone.now() - timedelta(days=days_ago), title=title, content=content,
        demands="", purpose="claim", category=Category.objects.filter(parent__isnull=False).first(),
        issue_region=Region.objects.get(code=region),
        petitioners=[PetitionerData(name=f"信访人{seq}", id_number=valid_id(seq), phone=phone, is_lead=True)],
    )
    # Similar-text matching runs in the worker after commit: run the commit
    # callbacks (the test's transaction never commits) with the immediate backend.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return register_case(reg, actor=actor, org=org).case


def test_it_offers_an_earlier_case_with_a_similar_text_in_the_same_county(orgs, lx_registrar):
    earlier = register(orgs["lx_bureau"], lx_registrar, ELEVATOR, seq=1, days_ago=40)
    register(orgs["lx_bureau"], lx_registrar, NOISE, seq=2, days_ago=20)
    new = register(orgs["lx_bureau"], lx_registrar, ELEVATOR_AGAIN, seq=3)
    links = list(CaseLink.objects.filter(case=new))
    assert [lk.earlier_id for lk in links] == [earlier.pk]
    assert not links[0].same_petitioner and links[0].score >= 0.5
    assert links[0].state == "offered"


def test_it_ignores_similar_texts_of_another_county_or_outside_the_window(orgs, lx_registrar, settings):
    register(orgs["lx_bureau"], lx_registrar, ELEVATOR, seq=1, region="320281001", days_ago=5)  # 江阴
    register(orgs["lx_bureau"], lx_registrar, ELEVATOR, seq=2, days_ago=400)
    new = register(orgs["lx_bureau"], lx_registrar, ELEVATOR_AGAIN, seq=3)
    assert not CaseLink.objects.filter(case=new).exists()


def test_it_offers_every_earlier_case_of_the_same_petitioner(orgs, lx_registrar):
    earlier = register(orgs["lx_bureau"], lx_registrar, NOISE, seq=7, days_ago=700)
    by_phone = register(orgs["lx_bureau"], lx_registrar, NOISE, seq=8, days_ago=10, phone="13900001111")
    new = register(orgs["lx_bureau"], lx_registrar, ELEVATOR, seq=7)
    link = CaseLink.objects.get(case=new)
    assert link.earlier_id == earlier.pk and link.same_petitioner
    # The same phone (blind index) is the same petitioner too.
    again = register(orgs["lx_bureau"], lx_registrar, ELEVATOR, seq=9, phone="13900001111")
    assert CaseLink.objects.get(case=again, earlier=by_phone).same_petitioner


def test_matching_waits_for_the_commit_and_is_idempotent(orgs, lx_registrar):
    """The registering transaction does not look for similar texts; the task
    enqueued on commit does, and running it twice offers nothing new."""
    from xinfang.integrity.tasks import match_new_case

    earlier = register(orgs["lx_bureau"], lx_registrar, ELEVATOR, seq=1, days_ago=40)
    reg = Registration(
        channel="letter", received_at=timezone.now(), title="反映问题", content=ELEVATOR_AGAIN,
        demands="", purpose="claim", category=Category.objects.filter(parent__isnull=False).first(),
        issue_region=Region.objects.get(code="320213021"),
        petitioners=[PetitionerData(name="信访人3", id_number=valid_id(3), is_lead=True)],
    )
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        new = register_case(reg, actor=lx_registrar, org=orgs["lx_bureau"]).case
        assert not CaseLink.objects.filter(case=new).exists()
    assert callbacks, "a matching task must be enqueued on commit"
    for cb in callbacks:
        cb()
    assert list(CaseLink.objects.filter(case=new).values_list("earlier_id", flat=True)) == [earlier.pk]
    assert match_new_case.call(new.pk)["offered"] == 1
    assert CaseLink.objects.filter(case=new).count() == 1
