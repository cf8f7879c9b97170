"""The procedure's allowed and forbidden moves, as a table a domain owner can
read: tests/cases/transitions.csv. Each scenario drives a real case through
the engine to a state, then asks the engine whether each persona may take
each move there."""

import csv
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from xinfang.cases import workflow_engine as engine
from xinfang.cases.workflow import BY_NAME, TRANSITIONS

from .test_access_and_search import make_case

TABLE = Path(__file__).with_name("transitions.csv")


def rows() -> list[dict]:
    with open(TABLE, encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["scenario"] and not r["scenario"].startswith("#")]


def by_scenario() -> dict[tuple[str, int], list[dict]]:
    grouped: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows():
        grouped[(r["scenario"], int(r["days_later"]))].append(r)
    return grouped


HOLDER = {
    "registered": "lx_bureau", "reviewing": "lx_gov", "reviewed": "lx_gov",
    "reexamining": "wx_gov", "reexamining+hearing": "wx_gov", "terminated": "wx_gov",
}

REPLY = {"outcome": "explain", "text": "经调查，已督促物业公司维修电梯。", "legal_basis": "《物业管理条例》第三十五条",
         "rights_notice": "如不服，可于30日内申请复查。"}
DECISION = {"review_outcome": "uphold", "text": "维持原处理意见。", "legal_basis": "《信访工作条例》第三十五条",
            "rights_notice": "如不服，可于30日内申请复核。"}


class Scenario:
    """Drives one case through the procedure with the right people."""

    def __init__(self, orgs, make_user):
        self.orgs, self.make_user, self.people = orgs, make_user, {}
        self.at = timezone.now()
        self.case = make_case(orgs["lx_bureau"], self.user("lx_bureau", "registrar"), seq=1)

    def user(self, org_key, role):
        if (org_key, role) not in self.people:
            self.people[(org_key, role)] = self.make_user(org_key, role)
        return self.people[(org_key, role)]

    def do(self, name, org_key, role, later=0, **data):
        self.at += timedelta(days=later, minutes=5)
        user = None if role == "system" else self.user(org_key, role)
        engine.apply(self.case.pk, name, user=user, data=data, at=self.at)
        self.case.refresh_from_db()

    def reach(self, scenario: str) -> None:
        steps = {
            "registered": [],
            "forwarded": [("forward", "lx_bureau", "registrar", {"to_org": self.orgs["lx_zhujian"].pk})],
            "assigned": [("assign", "lx_bureau", "registrar",
                          {"to_org": self.orgs["lx_zhujian"].pk, "report_back_days": 20})],
        }
        base, _, extra = scenario.partition("+")
        path = []
        if base in ("registered", "forwarded", "assigned"):
            path = steps[base]
        elif base == "declined":
            path = steps["forwarded"] + [("decline", "lx_zhujian", "handler", {"reason": "不属于本单位职权"})]
        else:
            start = steps["assigned"] if extra == "assigned" else steps["forwarded"]
            path = start + [("accept", "lx_zhujian", "handler", {})]
            order = ["accepted", "reply_pending", "replied", "reviewing", "reviewed", "reexamining", "terminated"]
            more = {
                "reply_pending": ("draft_reply", "lx_zhujian", "handler", REPLY),
                "replied": ("reply", "lx_zhujian", "leader", {}),
                "reviewing": ("review_request", "lx_bureau", "registrar", {"reason": "对答复不服"}),
                "reviewed": ("review_decide", "lx_gov", "leader", DECISION),
                "reexamining": ("reexamine_request", "lx_bureau", "registrar", {"reason": "对复查意见不服"}),
                "terminated": ("reexamine_decide", "wx_gov", "leader", DECISION),
            }
            target = "replied" if base == "closed" else base
            for state in order[1:order.index(target) + 1]:
                path.append(more[state])
        for name, org_key, role, data in path:
            self.do(name, org_key, role, **data)
        if base == "closed":
            self.do("close", None, "system", later=40)
        if extra == "extension_requested":
            self.do("request_extension", "lx_zhujian", "handler", days=20, reason="需要现场勘验")
        if extra == "extended":
            self.do("request_extension", "lx_zhujian", "handler", days=20, reason="需要现场勘验")
            self.do("approve_extension", "lx_zhujian", "leader")
        if extra == "delegated":
            self.do("delegate", "lx_zhujian", "handler", to_org=self.orgs["lx_town"].pk, report_back_days=10)
        if extra == "hearing":
            self.do("hearing_pause", "wx_gov", "handler", reason="组织听证")
        assert self.case.status == (base if base != "closed" else "closed"), (scenario, self.case.status)


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(by_scenario()), ids=lambda k: f"{k[0]}@+{k[1]}d")
def test_it_allows_and_forbids_exactly_what_the_table_says(orgs, make_user, key):
    scenario, days_later = key
    s = Scenario(orgs, make_user)
    s.reach(scenario)
    holder_key = HOLDER.get(scenario, "lx_zhujian")
    at = s.at + timedelta(days=days_later, hours=1)
    wrong = []
    for r in by_scenario()[key]:
        t = BY_NAME[r["transition"]]
        if r["role"] == "system":
            user = None
        else:
            org_key = holder_key if r["org"] == "holder" else r["org"]
            user = s.user(org_key, r["role"])
        problem = engine.refusal(user, s.case, t, None, at)
        allowed = problem is None
        if allowed != (r["expected"] == "allow"):
            wrong.append(f"{r['transition']} by {r['role']}@{r['org']}: expected {r['expected']}, got "
                         f"{'allow' if allowed else 'deny (' + problem + ')'}")
    assert not wrong, "\n".join(wrong)


def test_it_covers_every_transition_both_ways():
    seen = defaultdict(set)
    for r in rows():
        seen[r["transition"]].add(r["expected"])
    missing = [t.name for t in TRANSITIONS if seen[t.name] != {"allow", "deny"}]
    assert not missing, f"transitions without both an allowed and a forbidden row: {missing}"
