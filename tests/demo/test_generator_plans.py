"""The generator's plans, without a database: every plan must be a history the
procedure allows, whatever the random draws (a plan that is not stops
`make bench` halfway through a million cases)."""

import random

from xinfang.cases.workflow import BY_NAME
from xinfang.demo.generator_lifecycle import Planner, Route
from xinfang.demo.generator_replay import OrgInfo

HANDLER = OrgInfo(2, "梁溪区住房和城乡建设局", "department", "320213", "3202", "320213", 1, False)
BUREAU = OrgInfo(1, "梁溪区信访局", "bureau", "320213", "3202", "320213", None, True)
STREET = OrgInfo(3, "崇安寺街道办事处", "government", "320213021", "320213", "320213", 2, False)


# Seeds whose draws once put the delegation between a first draft and its
# return (a short handling, the draft returned once): found by a search over
# 600,000 seeds, and the reason a million-case load stopped at case ~156,000.
ONCE_BROKEN = [289662, 315413]


def test_delegation_always_comes_before_the_first_draft():
    planner = Planner({o.id: o for o in (HANDLER, BUREAU, STREET)}, None, None)
    route = Route(t0=0, status="replied", reg_org=BUREAU, handler=HANDLER, channel_label="来信", purpose="claim",
                  title="小区电梯停运", top="CJ", window_bureau=BUREAU, delegate_to=STREET)
    delegate_from = BY_NAME["delegate"].sources
    delegated = 0
    for seed in [*ONCE_BROKEN, *range(20000)]:
        out: list = []
        planner._handling(random.Random(seed), route, out, until_reply=True)
        names = [step[0] for step in out]
        if "delegate" not in names:
            continue
        delegated += 1
        # Replaying the statuses: accepted until the first draft, reply_pending after it.
        status = "accepted"
        for name in names:
            if name == "delegate":
                assert status in delegate_from, (seed, names)
            if name == "draft_reply":
                status = "reply_pending"
            elif name == "return_draft":
                status = "accepted"
    assert delegated > 10000  # the route always delegates when handling lasts over 10 days
