"""Where a generated case stands at `now`, and the timeline that brought it there.

Instead of simulating forward and hoping every status shows up, each case first
draws the status it has reached (weights depend on its age, so old cases are
mostly finished and recent ones still open), then gets the shortest consistent
path to that status: register → forward/assign → accept → reply → review →
re-examination → terminate/close. Step delays follow the statutory clocks
(15 days to dispose and to accept, 60 (+30) to reply, 30 + 30 for review and
re-examination); when a case is too young for its path, the delays are scaled
down so every event happens before `now`.

All times are integer epoch seconds; the caller turns them into datetimes."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field

from xinfang.cases.models import Status

DAY = 86400
LOCAL_OFFSET = 8 * 3600  # Asia/Shanghai, no daylight saving since 1991
MORNING = int(8.5 * 3600)
EVENING = int(17.5 * 3600)

S = Status
STATUSES = [s.value for s in Status]

OUTCOME_LABELS = {"support": "支持", "explain": "解释说明", "reject": "不予支持"}
RATING_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
DECLINE_NOTES = [
    "不属于本机关法定职权范围，不予受理，已书面告知信访人",
    "该信访事项已经受理且正在办理中，不予重复受理，已告知信访人",
    "信访人未提供必要的事实和理由，经告知补正后仍未补正，不予受理",
]
REDIRECT_NOTE = "属于应当通过诉讼、仲裁、行政复议等法定途径解决的事项，已告知信访人依法向有关机关提出"
REFUSE_NOTE = "同一事实和理由的信访事项已经复核终结，不再受理，已书面告知信访人"


@dataclass(slots=True)
class OrgInfo:
    id: int
    name: str
    kind: str
    region_id: str
    county: str  # 6-digit county code, or "" above county level
    superior_id: int | None
    is_bureau: bool


@dataclass(slots=True)
class Plan:
    status: str
    reg_org: OrgInfo
    current_org_id: int
    next_due: int | None
    last_at: int
    # (at, org_id, action, from_status, to_status, note, payload, is_public)
    events: list = field(default_factory=list)
    # org ids with their first relation to the case, in order
    involved: dict = field(default_factory=dict)


class Clock:
    """Working days (statutory holidays and 调休 make-up days from
    chinese-calendar where it has data, weekends otherwise) and due dates."""

    def __init__(self, first_day: int, last_day: int):
        import datetime as dt

        try:
            import chinese_calendar
        except ImportError:  # pragma: no cover - a declared dependency
            chinese_calendar = None
        self.first = first_day
        epoch = dt.date(1970, 1, 1)
        flags = []
        for day in range(first_day, last_day + 1):
            d = epoch + dt.timedelta(days=day)
            flag = d.weekday() < 5
            if chinese_calendar is not None:
                with contextlib.suppress(NotImplementedError):  # beyond the library's years
                    flag = chinese_calendar.is_workday(d)
            flags.append(flag)
        self.flags = flags

    def is_workday(self, day: int) -> bool:
        i = day - self.first
        if 0 <= i < len(self.flags):
            return self.flags[i]
        return (day + 3) % 7 < 5  # 1970-01-01 was a Thursday

    def next_workday(self, day: int) -> int:
        while not self.is_workday(day):
            day += 1
        return day

    def due(self, start: int, days: int) -> int:
        """End of the last day of a calendar-day period; a period ending on a
        day off ends on the next working day instead."""
        day = (start + LOCAL_OFFSET) // DAY + days
        day = self.next_workday(day)
        return day * DAY - LOCAL_OFFSET + DAY - 1

    def office_time(self, rng, ts: int) -> int:
        """`ts` if it is within office hours, else the next office morning."""
        local = ts + LOCAL_OFFSET
        day, sec = divmod(local, DAY)
        if self.is_workday(day):
            if MORNING <= sec <= EVENING:
                return ts
            if sec < MORNING:
                return day * DAY - LOCAL_OFFSET + MORNING + int(rng.random() * 7200)
        day = self.next_workday(day + 1)
        return day * DAY - LOCAL_OFFSET + MORNING + int(rng.random() * 10800)


def _delay(rng, lo: float, median: float, hi: float) -> float:
    """A right-skewed delay in days, median `median`, clipped to [lo, hi]."""
    value = median * math.exp(rng.gauss(0.0, 0.55))
    return min(hi, max(lo, value))


def status_weights(age: float, *, law_related: bool, reviewable: bool) -> list[float]:
    """Relative chance of each status (in `STATUSES` order) for a case `age` days old."""
    if age < 0.3:
        registered = 1.0
    elif age < 1:
        registered = 0.6
    elif age < 3:
        registered = 0.25
    else:
        registered = 0.04 if age < 15 else 0.002
    forwarded = 0.0 if age < 0.1 else 0.30 if age < 15 else 0.03 if age < 30 else 0.002
    assigned = 0.0 if age < 0.1 else 0.08 if age < 15 else 0.01 if age < 30 else 0.001
    accepted = 0.0 if age < 1 else 0.15 if age < 3 else 0.55 if age < 60 else 0.18 if age < 90 else 0.006
    declined = 0.04 if age >= 1.5 else 0.0
    redirected = (0.24 if law_related else 0.03) if age >= 0.5 else 0.0
    refused = 0.012 if age >= 0.5 else 0.0
    replied = 0.0 if age < 5 else 0.35 * min(1.0, (age - 5) / 25) if age < 60 else 0.30
    closed = 0.0 if age < 20 else min(0.62, 0.62 * (age - 20) / 150)
    if reviewable:
        reviewing = 0.035 if 25 <= age < 220 else 0.002 if age >= 220 else 0.0
        reviewed = 0.025 if age >= 45 else 0.0
        reexamining = 0.03 if 60 <= age < 280 else 0.0
        terminated = 0.04 if age >= 80 else 0.0
    else:
        reviewing = reviewed = reexamining = terminated = 0.0
    by_status = {
        S.REGISTERED: registered, S.FORWARDED: forwarded, S.ASSIGNED: assigned, S.ACCEPTED: accepted,
        S.DECLINED: declined, S.REDIRECTED: redirected, S.REPLIED: replied, S.REVIEWING: reviewing,
        S.REVIEWED: reviewed, S.REEXAMINING: reexamining, S.TERMINATED: terminated, S.CLOSED: closed,
        S.REFUSED_REPEAT: refused,
    }
    return [by_status[s] for s in STATUSES]


class Lifecycle:
    def __init__(self, orgs: dict[int, OrgInfo], clock: Clock, city_gov: OrgInfo, province_gov: OrgInfo | None):
        self.orgs = orgs
        self.clock = clock
        self.city_gov = city_gov
        self.province_gov = province_gov or city_gov
        self._cum: dict[tuple, list[float]] = {}

    # -- choices ---------------------------------------------------------

    def pick_status(self, rng, age: float, *, law_related: bool, reviewable: bool) -> str:
        key = (min(int(age * 4), 4000), law_related, reviewable)  # quarter-day resolution
        weights = self._cum.get(key)
        if weights is None:
            weights = status_weights(key[0] / 4 + 0.01, law_related=law_related, reviewable=reviewable)
            total = 0.0
            cum = []
            for w in weights:
                total += w
                cum.append(total)
            self._cum[key] = weights = cum
        x = rng.random() * weights[-1]
        for i, c in enumerate(weights):
            if x < c:
                return STATUSES[i]
        return STATUSES[-1]

    def review_org(self, handler: OrgInfo) -> OrgInfo:
        sup = self.orgs.get(handler.superior_id) if handler.superior_id else None
        return sup if sup is not None and sup.id != handler.id else self.city_gov

    def reexamine_org(self, review: OrgInfo) -> OrgInfo:
        sup = self.orgs.get(review.superior_id) if review.superior_id else None
        if sup is None or sup.id == review.id:
            return self.province_gov if review.id == self.city_gov.id else self.city_gov
        return sup

    # -- the plan ----------------------------------------------------------

    def plan(self, rng, *, t0: int, now: int, status: str, reg_org: OrgInfo, hops: list[OrgInfo],
             assign_last: bool, purpose: str, channel_label: str, closed_from: str = "") -> Plan:
        """Events from registration at `t0` to `status` at `now`.

        `hops` are the orgs the case is forwarded/assigned to in order (empty
        when the registering org handles it itself); the last one handles."""
        clock = self.clock
        handler = hops[-1] if hops else reg_org
        plan = Plan(status=status, reg_org=reg_org, current_org_id=reg_org.id, next_due=None, last_at=t0)
        plan.involved[reg_org.id] = "registered"
        age_days = (now - t0) / DAY

        # 1. The chain of status-changing steps: (action, holder, to_status, delay_days, office_hours)
        steps: list[list] = []
        may_extend = False
        target = closed_from or status
        if target == S.REDIRECTED:
            steps.append(["redirect", reg_org, S.REDIRECTED, _delay(rng, 0.05, 1.5, 12), True])
        elif target == S.REFUSED_REPEAT:
            steps.append(["refuse_repeat", reg_org, S.REFUSED_REPEAT, _delay(rng, 0.05, 2, 12), True])
        elif target != S.REGISTERED:
            # forwarding/assigning hops, possibly stopping at the first of two
            n_hops = len(hops) if hops and hops[-1].id != reg_org.id else 0
            if target in (S.FORWARDED, S.ASSIGNED) and n_hops > 1 and rng.random() < 0.5 and target == S.FORWARDED:
                n_hops = 1
            for i in range(n_hops):
                last = i == len(hops) - 1
                kind = "assign" if last and assign_last else "forward"
                to_status = S.ASSIGNED if kind == "assign" else S.FORWARDED
                delay = _delay(rng, 0.05, 1.5, 12) if i == 0 else _delay(rng, 0.1, 1.2, 8)
                steps.append([kind, hops[i], to_status, delay, True])
            if target not in (S.FORWARDED, S.ASSIGNED):
                if target == S.DECLINED:
                    steps.append(["decline", handler, S.DECLINED, _delay(rng, 0.2, 4, 14), True])
                else:
                    steps.append(["accept", handler, S.ACCEPTED, _delay(rng, 0.2, 3.5, 14), True])
                    if target != S.ACCEPTED:
                        roll = rng.random()
                        if roll < 0.12:
                            handle = _delay(rng, 62, 75, 88)  # extended
                            may_extend = True
                        elif roll < 0.15:
                            handle = _delay(rng, 61, 66, 80)  # late, no extension
                        else:
                            handle = _delay(rng, 3, 32, 58)
                        steps.append(["reply", handler, S.REPLIED, handle, True])
                        if target in (S.REVIEWING, S.REVIEWED, S.REEXAMINING, S.TERMINATED):
                            rev = self.review_org(handler)
                            steps.append(["review_request", rev, S.REVIEWING, _delay(rng, 2, 14, 30), False])
                            if target != S.REVIEWING:
                                steps.append(["review_decide", rev, S.REVIEWED, _delay(rng, 7, 22, 30), True])
                            if target in (S.REEXAMINING, S.TERMINATED):
                                if target == S.TERMINATED and rng.random() < 0.4:
                                    steps.append(["terminate", rev, S.TERMINATED, _delay(rng, 31, 34, 45), True])
                                else:
                                    rex = self.reexamine_org(rev)
                                    steps.append(["reexamine_request", rex, S.REEXAMINING,
                                                  _delay(rng, 2, 14, 30), False])
                                    if target == S.TERMINATED:
                                        steps.append(["reexamine_decide", rex, S.TERMINATED,
                                                      _delay(rng, 7, 24, 30), True])
        if closed_from:
            steps.append(["close", None, S.CLOSED,
                          _delay(rng, 10, 30, 90) if closed_from == S.REPLIED else _delay(rng, 5, 20, 60), True])

        # 2. Fit the chain before `now`.
        budget = max(age_days * 0.9 - 0.02, 0.01)
        total = sum(s[3] for s in steps)
        if total > budget:
            f = budget / total
            for s in steps:
                s[3] *= f

        # 3. Times, events and involvements.
        events = plan.events
        extended = False
        cur_status = S.REGISTERED
        holder = reg_org
        t = t0
        limit = now - 60
        events.append((t0, reg_org.id, "register", "", S.REGISTERED,
                       f"{reg_org.name}登记{channel_label}，编号 {{number}}", None, True))
        chain_times: list[int] = []
        accept_at = reply_at = 0
        assigner: OrgInfo | None = None
        review_path = False
        for action, org, to_status, delay, office in steps:
            nt = t + max(int(delay * DAY), 600)
            if office:
                nt = clock.office_time(rng, nt)
            nt = max(t, min(nt, limit))
            t = nt
            chain_times.append(t)
            if action in ("forward", "assign"):
                payload = {"to_org": org.id, "kind": action}
                if action == "assign":
                    payload["report_back"] = True
                    payload["due"] = _date_str(clock.due(t, 30))
                    note = f"交办{org.name}办理，要求按期报告办理结果"
                    assigner = holder
                else:
                    note = f"转送{org.name}处理"
                events.append((t, holder.id, action, cur_status, to_status, note, payload, True))
                relation = "handling" if org.id == handler.id else "forwarded"
                plan.involved.setdefault(org.id, relation)
                holder = org
            elif action == "accept":
                accept_at = t
                events.append((t, org.id, "accept", cur_status, to_status, "予以受理，已书面告知信访人", None, True))
                plan.involved.setdefault(org.id, "handling")
                holder = org
            elif action == "decline":
                events.append((t, org.id, "decline", cur_status, to_status, rng.choice(DECLINE_NOTES), None, True))
                plan.involved.setdefault(org.id, "handling")
                holder = org
            elif action == "reply":
                reply_at = t
                outcome = _outcome(rng, purpose, target)
                events.append((t, org.id, "reply", cur_status, to_status,
                               f"出具信访事项处理意见书（{OUTCOME_LABELS[outcome]}），已送达信访人",
                               {"outcome": outcome}, True))
            elif action == "review_request":
                review_path = True
                events.append((t, org.id, "review_request", cur_status, to_status,
                               f"信访人对处理意见不服，向{org.name}请求复查", None, True))
                plan.involved.setdefault(org.id, "reviewing")
                holder = org
            elif action == "review_decide":
                decision = "uphold" if rng.random() < 0.85 else "revise"
                note = "复查意见：维持原处理意见" if decision == "uphold" else "复查意见：变更原处理意见"
                events.append((t, org.id, "review_decide", cur_status, to_status, note + "，已送达信访人",
                               {"decision": decision}, True))
            elif action == "reexamine_request":
                events.append((t, org.id, "reexamine_request", cur_status, to_status,
                               f"信访人对复查意见不服，向{org.name}请求复核", None, True))
                plan.involved.setdefault(org.id, "reexamining")
                holder = org
            elif action == "reexamine_decide":
                decision = "uphold" if rng.random() < 0.9 else "revise"
                note = "复核意见：维持复查意见" if decision == "uphold" else "复核意见：变更复查意见"
                events.append((t, org.id, "reexamine_decide", cur_status, to_status,
                               note + "，信访事项终结", {"decision": decision}, True))
            elif action == "terminate":
                events.append((t, org.id, "terminate", cur_status, to_status,
                               "复查意见送达后30日内信访人未请求复核，信访事项终结", None, True))
            elif action == "redirect":
                events.append((t, org.id, "redirect", cur_status, to_status, REDIRECT_NOTE, None, True))
            elif action == "refuse_repeat":
                events.append((t, org.id, "refuse_repeat", cur_status, to_status, REFUSE_NOTE, None, True))
            elif action == "close":
                events.append((t, holder.id, "close", cur_status, to_status, "办理完毕，材料归档", None, False))
            cur_status = to_status

        # 4. Side events that change no status: extension, report back, evaluation.
        def before_next(anchor: int) -> int:
            later = [c for c in chain_times if c > anchor]
            return min(later[0] - 1, limit) if later else limit

        # An extension is asked for before the 60 days run out: for replies
        # that took longer, and for some cases still being handled after 50 days.
        if accept_at and (
            (reply_at and may_extend and reply_at - accept_at > 60 * DAY)
            or (not reply_at and status == S.ACCEPTED and now - accept_at > 50 * DAY and rng.random() < 0.6)
        ):
            et = clock.office_time(rng, accept_at + int(rng.uniform(48, 58) * DAY))
            if et < min(reply_at or now, limit):
                events.append((et, handler.id, "extend", "", "",
                               "情况复杂，经本单位负责人批准延长办理期限30日，已告知信访人延期理由",
                               {"days": 30}, True))
                extended = True
        if reply_at:
            cap = before_next(reply_at)
            if assigner is not None:
                rt = clock.office_time(rng, reply_at + int(_delay(rng, 0.1, 1.5, 5) * DAY))
                if rt <= cap:
                    events.append((rt, handler.id, "report_back", "", "", f"向{assigner.name}报告办理结果",
                                   {"to_org": assigner.id}, False))
            if rng.random() < (0.6 if review_path else 0.72):
                vt = reply_at + int(_delay(rng, 0.2, 4, 15) * DAY)
                if vt <= cap:
                    rating = "dissatisfied" if review_path else rng.choices(
                        ("satisfied", "basically_satisfied", "dissatisfied"), (72, 18, 10))[0]
                    by = "self" if rng.random() < 0.85 else "proxy"
                    events.append((vt, handler.id, "evaluate", "", "", f"信访人评价：{RATING_LABELS[rating]}",
                                   {"rating": rating, "by": by}, True))

        # 5. Who holds it now, and the next statutory deadline.
        plan.current_org_id = holder.id
        if status == S.REGISTERED:
            plan.next_due = clock.due(t0, 15)
        elif status in (S.FORWARDED, S.ASSIGNED):
            plan.next_due = clock.due(chain_times[-1], 15)
        elif status == S.ACCEPTED:
            plan.next_due = clock.due(accept_at, 90 if extended else 60)
        elif status in (S.REVIEWING, S.REEXAMINING):
            plan.next_due = clock.due(chain_times[-1], 30)
        plan.last_at = max(e[0] for e in events)
        return plan


def _outcome(rng, purpose: str, target: str) -> str:
    if target in (S.REVIEWING, S.REVIEWED, S.REEXAMINING, S.TERMINATED):
        return rng.choices(("reject", "explain", "support"), (60, 35, 5))[0]
    if purpose in ("inquiry", "suggestion", "other"):
        return rng.choices(("explain", "support"), (75, 25))[0]
    return rng.choices(("support", "explain", "reject"), (42, 40, 18))[0]


def _date_str(ts: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=(ts + LOCAL_OFFSET) // DAY)).isoformat()
