"""The case panel and the supervision-queue section: what each persona sees,
what they may do, and that user text is escaped."""

from django.utils import timezone

from tests.cases.test_access_and_search import make_case
from xinfang.cases.models import CaseOrg
from xinfang.integrity.models import CaseLink, Flag

from .test_detection import ELEVATOR, ELEVATOR_AGAIN, register

XSS = "<script>alert(1)</script>"


def pair(orgs, registrar):
    earlier = register(orgs["lx_bureau"], registrar, ELEVATOR, seq=1, days_ago=30, title="电梯停运" + XSS)
    new = register(orgs["lx_bureau"], registrar, ELEVATOR_AGAIN, seq=1)
    return earlier, new, CaseLink.objects.get(case=new, earlier=earlier)


def test_it_offers_candidates_with_reason_score_and_buttons_escaped(client, orgs, lx_registrar):
    earlier, new, link = pair(orgs, lx_registrar)
    client.force_login(lx_registrar)
    html = client.get(f"/cases/{new.pk}/").content.decode()
    assert earlier.number in html and "同一信访人" in html and f"内容相似度 {link.score:.2f}" in html
    assert "确认关联" in html and "不是重复" in html
    assert XSS not in html and "&lt;script&gt;" in html
    assert "该信访人共 2 件事项" in html  # the registrar may see identity


def test_it_hides_counts_of_the_person_from_those_who_may_not_see_identity(client, orgs, make_user, lx_registrar):
    _, new, _ = pair(orgs, lx_registrar)
    supervisor = make_user("wx_bureau", "supervisor")  # sees the region, is not involved
    client.force_login(supervisor)
    html = client.get(f"/cases/{new.pk}/").content.decode()
    assert "该信访人共" not in html
    assert "确认关联" not in html  # may see, may not decide


def test_it_does_not_show_an_earlier_case_the_viewer_cannot_see(client, orgs, make_user, lx_registrar):
    earlier, new, _ = pair(orgs, lx_registrar)
    handler = make_user("wx_zhujian", "handler")
    CaseOrg.objects.create(case=new, org=orgs["wx_zhujian"], relation="forwarded")
    client.force_login(handler)
    html = client.get(f"/cases/{new.pk}/").content.decode()
    assert "integrity-panel" in html and earlier.number not in html


def test_it_confirms_and_rejects_links(client, orgs, lx_registrar):
    earlier, new, link = pair(orgs, lx_registrar)
    client.force_login(lx_registrar)
    r = client.post(f"/integrity/links/{link.pk}/decide/", {"decision": "confirm"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "已确认关联" in r.content.decode()
    link.refresh_from_db()
    assert link.state == "confirmed" and link.decided_by == lx_registrar
    # Decided once: a second click changes nothing.
    client.post(f"/integrity/links/{link.pk}/decide/", {"decision": "reject"})
    link.refresh_from_db()
    assert link.state == "confirmed"
    # The earlier case now counts the confirmed repeat.
    assert "重复次数 1" in client.get(f"/cases/{earlier.pk}/").content.decode()
    third = register(orgs["lx_bureau"], lx_registrar, ELEVATOR, seq=5)
    other = CaseLink.objects.get(case=third, earlier=earlier)
    r = client.post(f"/integrity/links/{other.pk}/decide/", {"decision": "reject"})
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.state == "rejected"


def test_it_refuses_bad_input_and_outsiders_alike(client, orgs, make_user, lx_registrar, jy_handler):
    _, _, link = pair(orgs, lx_registrar)
    client.force_login(lx_registrar)
    r = client.post(f"/integrity/links/{link.pk}/decide/", {"decision": "merge"})
    assert r.status_code == 400 and "请选择确认关联或不是重复" in r.content.decode()
    for outsider in (jy_handler, make_user("wx_bureau", "supervisor")):
        client.force_login(outsider)
        assert client.post(f"/integrity/links/{link.pk}/decide/", {"decision": "confirm"}).status_code == 404
    assert client.post("/integrity/links/999999/decide/", {"decision": "confirm"}).status_code == 404
    link.refresh_from_db()
    assert link.state == "offered"


def test_group_and_large_scale_flags_and_badges(client, orgs, lx_registrar):
    four = make_case(orgs["lx_bureau"], lx_registrar, channel="visit", headcount=4, seq=1)
    group = make_case(orgs["lx_bureau"], lx_registrar, channel="visit", headcount=5, seq=2)
    large = make_case(orgs["lx_bureau"], lx_registrar, channel="visit", headcount=50, seq=3)
    assert not Flag.objects.filter(case=four).exists()
    assert set(Flag.objects.filter(case=group).values_list("rule", flat=True)) == {"group"}
    assert set(Flag.objects.filter(case=large).values_list("rule", flat=True)) == {"group", "large_scale"}
    assert "50人" in Flag.objects.get(case=large, rule="large_scale").explanation
    client.force_login(lx_registrar)
    assert 'data-testid="badge-large-scale"' in client.get(f"/cases/{large.pk}/").content.decode()
    assert 'data-testid="badge-group"' in client.get(f"/cases/{group.pk}/").content.decode()


def test_level_skipping_visit_is_flagged(orgs, make_user):
    city = make_user("wx_bureau", "registrar")
    skipped = make_case(orgs["wx_bureau"], city, channel="visit", seq=1)
    proper = make_case(orgs["lx_bureau"], make_user("lx_bureau", "registrar"), channel="visit", seq=2)
    flag = Flag.objects.get(case=skipped, rule="level_skipping")
    assert flag.org_id == orgs["wx_bureau"].pk and "越级走访" in flag.explanation and "梁溪区信访局" in flag.explanation
    assert not Flag.objects.filter(case=proper, rule="level_skipping").exists()


def test_the_queue_shows_visible_flags_grouped_and_resolves_with_a_note(client, orgs, make_user, lx_registrar):
    case = make_case(orgs["lx_bureau"], lx_registrar, seq=1)
    now = timezone.now()
    flag = Flag.objects.create(case=case, org=orgs["lx_zhujian"], rule="ping_pong", raised_at=now,
                               explanation="来回转送" + XSS)
    org_flag = Flag.objects.create(org=orgs["lx_zhujian"], rule="proxy_evaluations", period="2026-11",
                                   key="2026-11", raised_at=now, explanation="代评占65%")
    supervisor = make_user("lx_bureau", "supervisor")
    client.force_login(supervisor)
    html = client.get("/supervision/").content.decode()
    assert "来回转送（1）" in html and "代评比例过高（1）" in html and case.number in html
    assert XSS not in html and "&lt;script&gt;" in html
    # Another county's supervisor sees neither.
    client.force_login(make_user("jy_bureau", "supervisor"))
    html = client.get("/supervision/").content.decode()
    assert case.number not in html and "代评占65%" not in html
    assert client.post(f"/integrity/flags/{flag.pk}/resolve/", {"note": "已核实"}).status_code == 404
    # A registrar may see the case but not resolve flags.
    client.force_login(lx_registrar)
    assert client.post(f"/integrity/flags/{flag.pk}/resolve/", {"note": "已核实"}).status_code == 404
    client.force_login(supervisor)
    r = client.post(f"/integrity/flags/{flag.pk}/resolve/", {"note": "  "}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "请填写处理意见" in r.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_at is None
    r = client.post(f"/integrity/flags/{flag.pk}/resolve/", {"note": "已约谈两单位，明确由住建局办理"},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "已处理" in r.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_by == supervisor and flag.resolution_note.startswith("已约谈")
    assert "来回转送（" not in client.get("/supervision/").content.decode()
    assert client.post(f"/integrity/flags/{org_flag.pk}/resolve/", {"note": "已督促"}).status_code == 302
