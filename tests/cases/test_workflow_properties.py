"""Property tests: random sequences of actions by random people never break
the procedure's invariants."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from xinfang.cases import workflow_engine as engine
from xinfang.cases.models import CaseEvent, Status
from xinfang.cases.workflow import TRANSITIONS, allowed_moves

from .test_access_and_search import make_case
from .test_transitions_table import DECISION, REPLY

ORGS = ["lx_bureau", "lx_zhujian", "lx_gov", "wx_gov", "wx_bureau", "jy_bureau", "lx_town"]
ROLES = ["registrar", "handler", "leader", "supervisor"]
RUNNING = ("running", "paused")
TERMINAL = {Status.TERMINATED, Status.CLOSED, Status.DECLINED, Status.REDIRECTED, Status.REFUSED_REPEAT,
            Status.MERGED}


def good_data(name: str, orgs, other_case=None) -> dict:
    return {
        "merge": {"into_case": other_case.pk if other_case else None},
        "forward": {"to_org": orgs["lx_zhujian"].pk},
        "assign": {"to_org": orgs["lx_zhujian"].pk, "report_back_days": 15},
        "guide_down": {"to_org": orgs["lx_bureau"].pk},
        "delegate": {"to_org": orgs["lx_town"].pk, "report_back_days": 10},
        "draft_reply": REPLY,
        "review_decide": DECISION,
        "reexamine_decide": DECISION,
        "request_extension": {"days": 15, "reason": "情况复杂"},
        "redirect": {"route": "litigation", "reason": "属诉讼事项"},
        "evaluate": {"rating": "dissatisfied", "bureau_rating": "satisfied"},
    }.get(name, {"reason": "理由", "text": "记录"})


def check_invariants(case, before: list[tuple]) -> None:
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
    # Append-only: what was there before is still there, unchanged.
    assert [(e.pk, e.action, e.at, e.to_status) for e in events[: len(before)]] == before
    # Status only ever moves along the table, in an unbroken chain.
    moves = allowed_moves()
    status = ""
    for e in events:
        if e.to_status:
            assert (e.from_status, e.to_status) in moves, (e.action, e.from_status, e.to_status)
            assert e.from_status == status, (e.action, e.from_status, status)
            status = e.to_status
    assert status == case.status
    # Clocks agree with the status.
    live = [c.kind for c in case.clocks.all() if c.state in RUNNING]
    assert len(live) == len(set(live)), f"two live clocks of one kind: {live}"
    s = case.status
    if s == Status.REGISTERED:
        assert ("dispose" in live) != ("accept" in live), live
    if s in (Status.FORWARDED, Status.ASSIGNED):
        assert "accept" in live and "handle" not in live, live
    if s in (Status.ACCEPTED, Status.REPLY_PENDING):
        assert len({"handle", "simple"} & set(live)) == 1, live
    if s == Status.REVIEWING:
        assert "review" in live, live
    if s == Status.REEXAMINING:
        assert "reexamine" in live, live
    if s == Status.REPLIED:
        assert not {"handle", "simple", "accept", "dispose"} & set(live), live
    if s in TERMINAL:
        assert not set(live) - {"report_back"}, (s, live)
    expected_next = min((c.due_at for c in case.clocks.all() if c.state == "running"), default=None)
    assert case.next_due_at == expected_next


PERSONAS = [(o, r) for o in ORGS for r in ROLES] + [("system", "")]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_it_never_breaks_invariants_under_random_actions(orgs, make_user, data):
    people = {}

    def person(org_key, role):
        if org_key == "system":
            return None
        if (org_key, role) not in people:
            people[(org_key, role)] = make_user(org_key, role)
        return people[(org_key, role)]

    case = make_case(orgs["lx_bureau"], person("lx_bureau", "registrar"))
    other = make_case(orgs["lx_bureau"], person("lx_bureau", "registrar"), seq=2)
    at = timezone.now()
    for _ in range(data.draw(st.integers(min_value=3, max_value=25), label="steps")):
        case.refresh_from_db()
        before = [(e.pk, e.action, e.at, e.to_status)
                  for e in CaseEvent.objects.filter(case=case).order_by("at", "id")]
        status_before = case.status
        at += timedelta(days=data.draw(st.sampled_from([0, 0, 1, 3, 10, 35]), label="days"), hours=1)
        # Mostly a move someone may take now (to reach every stage), sometimes anything at all.
        allowed = [(t.name, o, r) for o, r in PERSONAS for t in engine.available(person(o, r), case, at)]
        if allowed and data.draw(st.integers(0, 4), label="kind") > 0:
            name, org_key, role = data.draw(st.sampled_from(allowed), label="allowed move")
        else:
            name = data.draw(st.sampled_from([t.name for t in TRANSITIONS]), label="any move")
            org_key, role = data.draw(st.sampled_from(PERSONAS), label="anyone")
        try:
            engine.apply(case.pk, name, user=person(org_key, role), data=good_data(name, orgs, other), at=at)
        except engine.TransitionError:
            case.refresh_from_db()
            assert case.status == status_before
            assert CaseEvent.objects.filter(case=case).count() == len(before)
        case.refresh_from_db()
        check_invariants(case, before)
        event(f"reached {case.status}")
