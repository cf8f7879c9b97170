"""Where a generated case stands at `now`, and the steps that brought it there.

Instead of simulating forward and hoping every status shows up, each case first
draws the status it has reached (weights depend on its age, so old cases are
mostly finished and recent ones still open), then gets a consistent path to it
along the transitions table: register → (guide down) → forward/assign (with the
odd objection) → accept → notes, delegation, extension → draft and sign the
reply → report back, evaluation → review, re-examination → terminate/close.
Step delays follow the statutory clocks; when a case is too young for its
path, the delays shrink so that everything happens before `now`. Steps the
sweeper takes after a window lapses (close, terminate) happen just after the
window, or not yet. `CaseSim` (generator_replay.py) records each step as the
workflow engine would.

All times are integer epoch seconds."""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

from xinfang.cases.models import Status

from .generator_replay import DAY, CaseSim, Deadlines, OrgInfo

S = Status
STATUSES = [s.value for s in Status]
LOCAL_OFFSET = 8 * 3600
MORNING, EVENING = int(8.5 * 3600), int(17.5 * 3600)

DECLINE_REASONS = [
    "该事项不属于本机关法定职权范围，已告知信访人向有权处理的机关提出",
    "该信访事项已经受理且正在办理中，不再重复受理",
    "信访人未能提供必要的事实和理由，经告知补正后仍未补正",
]
OBJECT_REASONS = ["该事项不属于本单位职权范围，建议转送有权处理的单位", "经核实，所涉事项由其他部门主管"]
REDIRECT_REASONS = {
    "litigation": "该事项属于应当通过诉讼途径解决的涉法涉诉事项",
    "arbitration": "该事项属于劳动人事争议，依法应当申请仲裁",
    "reconsideration": "该事项涉及行政行为，依法可以申请行政复议",
}
REFUSE_REASON = "同一事实和理由的信访事项已经复核终结，依法不再受理"
NOTES = ["赴现场调查核实，约谈相关当事人", "调取相关材料，召集有关部门协调会商", "电话联系信访人，进一步了解具体诉求",
         "会同属地街道开展联合调查", "组织双方当事人进行调解"]
EXTENSION_REASONS = ["案情复杂，涉及多个部门，需进一步调查核实", "需委托第三方鉴定评估，短期内难以办结",
                     "涉及历史遗留问题，需调阅档案并召开协调会"]
DELEGATE_REPORT = ["已实地核查，情况基本属实，已提出处理建议", "已约谈相关当事人并核实有关情况，处理建议见附件"]
REVIEW_REASONS = ["对处理意见不服，认为调查不全面", "认为处理意见未解决实际问题", "对答复中认定的事实有异议"]
LAWS = {
    "CXJS": ["《物业管理条例》", "《国有土地上房屋征收与补偿条例》", "《中华人民共和国城乡规划法》"],
    "LDSB": ["《中华人民共和国劳动合同法》", "《保障农民工工资支付条例》", "《中华人民共和国社会保险法》"],
    "JYWT": ["《中华人民共和国义务教育法》", "《中华人民共和国教育法》"],
    "SMLY": ["《中华人民共和国消费者权益保护法》", "《中华人民共和国旅游法》"],
    "HJBH": ["《中华人民共和国环境保护法》", "《中华人民共和国大气污染防治法》", "《中华人民共和国噪声污染防治法》"],
    "WSJS": ["《医疗纠纷预防和处理条例》", "《医疗保障基金使用监督管理条例》"],
    "JTYS": ["《中华人民共和国道路交通安全法》", "《中华人民共和国道路运输条例》"],
    "GTZY": ["《中华人民共和国土地管理法》", "《不动产登记暂行条例》"],
    "NCNY": ["《中华人民共和国农村土地承包法》", "《中华人民共和国村民委员会组织法》"],
    "ZF": ["《中华人民共和国治安管理处罚法》", "《中华人民共和国人民警察法》"],
    "MZ": ["《社会救助暂行办法》", "《江苏省社会救助办法》"],
    "JJGL": ["《中华人民共和国消费者权益保护法》", "《中华人民共和国食品安全法》", "《中华人民共和国产品质量法》"],
    "KJXX": ["《中华人民共和国电信条例》", "《中华人民共和国个人信息保护法》"],
    "JJJC": ["《中国共产党纪律处分条例》", "《中华人民共和国监察法》"],
    "ZZRS": ["《中华人民共和国公务员法》", "《事业单位人事管理条例》"],
    "QT": ["《信访工作条例》"],
}
REPLY_TEXTS = {
    "support": ["经调查核实，您反映的“{title}”问题基本属实。我单位已责成有关方面依法依规整改，相关问题已于近期处理到位。",
                "经调查核实，您反映的“{title}”情况属实，您的诉求合理，已协调相关单位落实解决。"],
    "explain": ["经调查核实，您反映的“{title}”问题，相关做法符合现行法律政策规定。现将有关政策和调查情况向您说明，请予理解。",
                "关于您反映的“{title}”，经核查，有关情况已向您当面作出解释说明，今后我们将加强监管和服务。"],
    "reject": ["经调查核实，您反映的“{title}”问题与事实不符，所提诉求缺乏法律政策依据，不予支持。",
               "经调查，您提出的诉求超出现行政策规定的范围，不予支持。"],
}
REVIEW_TEXTS = {
    "uphold": "经复查，原处理意见认定事实清楚、适用依据正确、处理恰当，予以维持。",
    "modify": "经复查，原处理意见部分不当，予以变更，并责成原办理单位落实。",
    "revoke": "经复查，原处理意见认定事实不清，予以撤销，由原办理单位重新办理。",
}
FINAL_NOTICE = "本复核意见为最终意见。信访人以同一事实和理由再提出信访事项的，不再受理。"


class Weighted:
    """`rng.choices(options, weights)[0]` with the cumulative weights computed once."""

    def __init__(self, options, weights):
        self.options = tuple(options)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng):
        return self.options[bisect.bisect(self.cum, rng.random() * self.total)]


RATING = Weighted(("satisfied", "basically_satisfied", "dissatisfied"), (72, 18, 10))
REVIEW_OUTCOME = Weighted(("uphold", "modify", "revoke"), (85, 10, 5))
REEXAMINE_OUTCOME = Weighted(("uphold", "modify"), (92, 8))
OUTCOME_CONTESTED = Weighted(("reject", "explain", "support"), (60, 35, 5))
OUTCOME_ADVICE = Weighted(("explain", "support"), (75, 25))
OUTCOME = Weighted(("support", "explain", "reject"), (42, 40, 18))


class WorkDays:
    """Working days for one run (from the project's WorkCalendar), for office hours."""

    def __init__(self, deadlines: Deadlines, first_day: int, last_day: int):
        import datetime as dt

        epoch = dt.date(1970, 1, 1)
        self.first = first_day
        self.flags = [not deadlines.is_day_off(epoch + dt.timedelta(days=d)) for d in range(first_day, last_day + 1)]

    def is_workday(self, day: int) -> bool:
        i = day - self.first
        if 0 <= i < len(self.flags):
            return self.flags[i]
        return (day + 3) % 7 < 5  # 1970-01-01 was a Thursday

    def office_time(self, rng, ts: int) -> int:
        """`ts` if it is within office hours, else the next office morning."""
        day, sec = divmod(ts + LOCAL_OFFSET, DAY)
        if self.is_workday(day):
            if MORNING <= sec <= EVENING:
                return ts
            if sec < MORNING:
                return day * DAY - LOCAL_OFFSET + MORNING + int(rng.random() * 7200)
        day += 1
        while not self.is_workday(day):
            day += 1
        return day * DAY - LOCAL_OFFSET + MORNING + int(rng.random() * 10800)


def _delay(rng, lo: float, median: float, hi: float) -> float:
    """A right-skewed delay in days, median `median`, clipped to [lo, hi]."""
    return min(hi, max(lo, median * math.exp(rng.gauss(0.0, 0.55))))


def status_weights(age: float, *, law_related: bool, reviewable: bool) -> list[float]:
    """Relative chance of each status (in `STATUSES` order) for a case `age` days old."""
    w = dict.fromkeys(STATUSES, 0.0)
    w[S.REGISTERED] = 1.0 if age < 0.3 else 0.6 if age < 1 else 0.25 if age < 3 else 0.04 if age < 15 else 0.002
    if age >= 0.1:
        w[S.FORWARDED] = 0.30 if age < 15 else 0.03 if age < 30 else 0.002
        w[S.ASSIGNED] = 0.08 if age < 15 else 0.01 if age < 30 else 0.001
    w[S.ACCEPTED] = 0.0 if age < 1 else 0.15 if age < 3 else 0.50 if age < 60 else 0.16 if age < 90 else 0.006
    w[S.REPLY_PENDING] = 0.05 if 8 <= age < 90 else 0.002 if age >= 90 else 0.0
    w[S.DECLINED] = 0.04 if age >= 1.5 else 0.0
    w[S.REDIRECTED] = (0.24 if law_related else 0.03) if age >= 0.5 else 0.0
    w[S.REFUSED_REPEAT] = 0.012 if age >= 0.5 else 0.0
    w[S.MERGED] = 0.012 if age >= 0.5 else 0.0
    w[S.REPLIED] = 0.0 if age < 5 else 0.35 * min(1.0, (age - 5) / 25) if age < 75 else 0.02
    w[S.CLOSED] = 0.0 if age < 40 else min(0.85, 0.85 * (age - 40) / 60)
    if reviewable:
        w[S.REVIEWING] = 0.035 if 25 <= age < 220 else 0.002 if age >= 220 else 0.0
        w[S.REVIEWED] = 0.03 if 45 <= age < 180 else 0.002 if age >= 180 else 0.0
        w[S.REEXAMINING] = 0.03 if 60 <= age < 280 else 0.0
        w[S.TERMINATED] = 0.05 if age >= 80 else 0.0
    return [w[s] for s in STATUSES]


@dataclass
class Route:
    """Everything about a case the plan needs."""

    t0: int
    status: str
    reg_org: OrgInfo
    handler: OrgInfo
    channel_label: str
    purpose: str
    title: str
    top: str
    window_bureau: OrgInfo  # where petitioners come back (review requests, ratings)
    guide_to: OrgInfo | None = None  # level-skipping visit: the county bureau
    wrong_org: OrgInfo | None = None  # first forwarded to the wrong org, which objects
    delegate_to: OrgInfo | None = None
    assign: bool = False
    simple: bool = False
    closed_from: str = ""
    route: str = "litigation"
    merge_into: list | None = None  # handle [case_id, number] of the earlier case


class Planner:
    def __init__(self, orgs: dict[int, OrgInfo], deadlines: Deadlines, workdays: WorkDays):
        self.orgs = orgs
        self.dl = deadlines
        self.wd = workdays
        self._cum: dict[tuple, list[float]] = {}

    def pick_status(self, rng, age: float, *, law_related: bool, reviewable: bool) -> str:
        key = (min(int(age * 4), 4000), law_related, reviewable)  # quarter-day resolution
        cum = self._cum.get(key)
        if cum is None:
            total, cum = 0.0, []
            for w in status_weights(key[0] / 4 + 0.01, law_related=law_related, reviewable=reviewable):
                total += w
                cum.append(total)
            self._cum[key] = cum
        x = rng.random() * cum[-1]
        for i, c in enumerate(cum):
            if x < c:
                return STATUSES[i]
        return STATUSES[-1]

    def reviewer(self, org: OrgInfo) -> OrgInfo | None:
        sup = self.orgs.get(org.superior_id) if org.superior_id else None
        return sup if sup is not None and sup.id != org.id else None

    # -- the steps ---------------------------------------------------------------

    def steps(self, rng, r: Route) -> list[list]:
        """[name, delay_days, org or None, data, timing] in order; timing is
        "office", "free", "after:<clock>" (sweeper, after a window lapses) or
        "within:<clock>" (must happen before that clock runs out)."""
        target = r.closed_from or r.status
        self.open_tail = None
        out: list[list] = []
        add = out.append
        holder = r.reg_org
        if r.reg_org.is_bureau and r.guide_to is not None and (target != S.REGISTERED or rng.random() < 0.5):
            add(["guide_down", _delay(rng, 0.01, 0.05, 0.3), None, {"to_org": r.guide_to}, "office"])
            holder = r.guide_to
        if target == S.REGISTERED:
            return out
        if target == S.REDIRECTED:
            add(["redirect", _delay(rng, 0.05, 1.5, 12), None,
                 {"route": r.route, "reason": REDIRECT_REASONS[r.route]}, "office"])
        elif target == S.REFUSED_REPEAT:
            add(["refuse_repeat", _delay(rng, 0.05, 2, 12), None, {"reason": REFUSE_REASON}, "office"])
        elif target == S.MERGED:
            add(["merge", _delay(rng, 0.02, 0.8, 8), None, {"into": r.merge_into}, "office"])
        else:
            if holder.id != r.handler.id:  # a bureau sends it on
                if r.wrong_org is not None:
                    add(["forward", _delay(rng, 0.05, 1.5, 10), None, {"to_org": r.wrong_org}, "office"])
                    add(["object", _delay(rng, 0.3, 1.5, 3.5), None, {"reason": rng.choice(OBJECT_REASONS)},
                         "within:object"])
                kind = "assign" if r.assign else "forward"
                data = {"to_org": r.handler}
                if kind == "assign":
                    data["report_back_days"] = rng.choice((30, 45, 60, 60))
                add([kind, _delay(rng, 0.05, 1.5, 12), None, data, "office"])
            if target in (S.FORWARDED, S.ASSIGNED):
                return out
            if target == S.DECLINED:
                add(["decline", _delay(rng, 0.2, 4, 14), None, {"reason": rng.choice(DECLINE_REASONS)}, "office"])
            else:
                add(["accept", _delay(rng, 0.2, 3.5, 14), None, {"simple": r.simple}, "office"])
                if target == S.ACCEPTED:
                    self.open_tail = len(out)  # what follows is cut off at `now`, not squeezed before it
                    self._handling(rng, r, out, until_reply=False)
                    return out
                self._handling(rng, r, out, until_reply=True)
                if target == S.REPLY_PENDING:
                    while out[-1][0] != "draft_reply":
                        out.pop()
                    return out
                self._after_reply(rng, r, out, target)
        if r.closed_from:
            if r.closed_from == S.REPLIED:
                add(["close", 0.0, None, {}, "after:review_request"])
            else:
                add(["close", _delay(rng, 5, 20, 60), None, {}, "office"])
        return out

    def _handling(self, rng, r: Route, out: list, until_reply: bool) -> None:
        """Notes, delegation, extension, draft and signature, as offsets from acceptance."""
        roll = rng.random()
        if r.simple:
            length = _delay(rng, 1, 5, 13)
        elif roll < 0.12:
            length = _delay(rng, 62, 75, 88)  # extended
        elif roll < 0.15:
            length = _delay(rng, 61, 66, 80)  # late, no extension asked
        else:
            length = _delay(rng, 3, 32, 58)
        if not until_reply:
            length = 120.0  # still handling: whatever fits before `now`
        marks: list[tuple[float, list]] = []
        if rng.random() < 0.4:
            marks.append((length * rng.uniform(0.1, 0.4), ["note", 0, None, {"text": rng.choice(NOTES)}, "office"]))
        if r.delegate_to is not None and length > 10:
            days = rng.choice((10, 15, 20))
            at = length * rng.uniform(0.05, 0.2)
            marks.append((at, ["delegate", 0, None, {"to_org": r.delegate_to, "report_back_days": days}, "office"]))
            marks.append((at + min(days, length * 0.5) * rng.uniform(0.5, 0.95),
                          ["delegate_report", 0, r.delegate_to, {"text": rng.choice(DELEGATE_REPORT)}, "office"]))
        sign = _delay(rng, 0.05, 1.2, 5)
        drafted = length - sign - (4 if until_reply else 0)
        if not r.simple and (length > 60 and roll < 0.12 or not until_reply and rng.random() < 0.5):
            ask = rng.uniform(45, min(56, drafted - 3))  # asked and approved before the draft
            if ask > 44:
                reason = rng.choice(EXTENSION_REASONS)
                marks.append((ask, ["request_extension", 0, None, {"days": 30, "reason": reason}, "within:handle"]))
                marks.append((ask + rng.uniform(0.2, 2.5), ["approve_extension", 0, None, {}, "within:handle"]))
        if until_reply:
            outcome = self._outcome(rng, r)
            letter = self._reply_letter(rng, r, outcome)
            if rng.random() < 0.06 and length > 8:
                marks.append((length - sign - 4, ["draft_reply", 0, None, letter, "office"]))
                marks.append((length - sign - 3, ["return_draft", 0, None, {"reason": "事实表述不够清楚，请补充调查情况"},
                                                  "office"]))
            marks.append((length - sign, ["draft_reply", 0, None, letter, "office"]))
            marks.append((length, ["reply", 0, None, {}, "office"]))
            # Delegation is only possible while handling (accepted): never after
            # the first draft, which short handlings with a returned draft reach early.
            first_draft = min(offset for offset, step in marks if step[0] == "draft_reply")
            marks = [(first_draft * 0.5, step) if step[0] == "delegate" and offset >= first_draft else (offset, step)
                     for offset, step in marks]
        marks.sort(key=lambda m: m[0])
        last = 0.0
        for offset, step in marks:
            step[1] = max(offset - last, 0.01)
            last = max(last, offset)
            out.append(step)

    def _after_reply(self, rng, r: Route, out: list, target: str) -> None:
        review_path = target in (S.REVIEWING, S.REVIEWED, S.REEXAMINING, S.TERMINATED)
        if r.assign:
            out.append(["report_back", _delay(rng, 0.1, 1.5, 5), r.handler, {}, "office"])
        if rng.random() < (0.6 if review_path else 0.72):
            rating = "dissatisfied" if review_path else RATING(rng)
            data = {"rating": rating, "source": "self" if rng.random() < 0.85 else "proxy"}
            if rng.random() < 0.8:
                data["bureau_rating"] = rating if rng.random() < 0.7 else "satisfied"
            out.append(["evaluate", _delay(rng, 0.2, 3, 7), r.window_bureau, data, "office"])
        if not review_path:
            return
        reviewer = self.reviewer(r.handler)
        # Review statuses are only picked for handlers with a reviewer (`reviewable` in build_case).
        assert reviewer is not None
        out.append(["review_request", _delay(rng, 2, 12, 28), r.window_bureau,
                    {"reason": rng.choice(REVIEW_REASONS)}, "within:review_request"])
        if target == S.REVIEWING:
            return
        upper = self.reviewer(reviewer)
        outcome = REVIEW_OUTCOME(rng)
        notice = f"如对本复查意见不服，可自收到之日起30日内向{upper.name}书面请求复核。" if upper else FINAL_NOTICE
        out.append(["review_decide", _delay(rng, 7, 22, 30), reviewer,
                    {"outcome": outcome, "text": REVIEW_TEXTS[outcome], "legal_basis": self._basis(rng, r),
                     "rights_notice": notice}, "within:review"])
        if target == S.REVIEWED:
            return
        if target == S.TERMINATED and (upper is None or rng.random() < 0.4):
            out.append(["terminate", 0.0, None, {}, "after:reexamine_request"])
            return
        out.append(["reexamine_request", _delay(rng, 2, 12, 28), r.window_bureau,
                    {"reason": "对复查意见仍然不服"}, "within:reexamine_request"])
        if target == S.TERMINATED:
            outcome = REEXAMINE_OUTCOME(rng)
            out.append(["reexamine_decide", _delay(rng, 7, 24, 30), upper,
                        {"outcome": outcome, "text": REVIEW_TEXTS[outcome].replace("复查", "复核"),
                         "legal_basis": self._basis(rng, r), "rights_notice": FINAL_NOTICE}, "within:reexamine"])

    def _outcome(self, rng, r: Route) -> str:
        if r.status in (S.REVIEWING, S.REVIEWED, S.REEXAMINING, S.TERMINATED):
            return OUTCOME_CONTESTED(rng)
        if r.purpose in ("inquiry", "suggestion", "other"):
            return OUTCOME_ADVICE(rng)
        return OUTCOME(rng)

    def _basis(self, rng, r: Route) -> str:
        return f"《信访工作条例》第三十二条；{rng.choice(LAWS.get(r.top, LAWS['QT']))}"

    def _reply_letter(self, rng, r: Route, outcome: str) -> dict:
        reviewer = self.reviewer(r.handler)
        notice = (f"如对本处理意见不服，可自收到本意见书之日起30日内向{reviewer.name}书面请求复查。"
                  if reviewer else "如对本处理意见不服，可依法通过其他途径反映。")
        return {"outcome": outcome, "text": rng.choice(REPLY_TEXTS[outcome]).format(title=r.title),
                "legal_basis": self._basis(rng, r), "rights_notice": notice}

    # -- running them ----------------------------------------------------------------

    def run(self, rng, r: Route, now: int, channel: str) -> CaseSim:
        sim = CaseSim(self.dl, self.orgs, at=r.t0, reg_org=r.reg_org, channel=channel, channel_label=r.channel_label)
        steps = self.steps(rng, r)
        tail = len(steps) if self.open_tail is None else self.open_tail
        age = (now - r.t0) / DAY
        fixed = sum(31 for s in steps if s[4].startswith("after:"))
        total = sum(s[1] for s in steps[:tail])
        budget = max(age * 0.9 - fixed, 0.05)
        scale = budget / total if total > budget else 1.0
        limit = now - 60
        t = r.t0
        for i, (name, delay, org, data, timing) in enumerate(steps):
            at = t + max(int(delay * (scale if i < tail else 1.0) * DAY), 300)
            if timing.startswith("after:"):
                due = sim.clock_due(timing[6:])
                if due is not None:
                    at = max(at, due + 1800 + int(rng.random() * 5400))  # the night sweep
            elif timing == "office" or timing.startswith("within:"):
                at = self.wd.office_time(rng, at)
            if timing.startswith("within:"):
                due = sim.clock_due(timing[7:])
                if due is not None and at > due:
                    at = due - 600
                    if at < t:
                        break
            if at > limit:
                break
            sim.do(name, at, org, **data)
            t = at
        return sim

