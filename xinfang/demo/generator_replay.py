"""Replays a planned case history the way the workflow engine would record it.

`CaseSim.do(name, at, org, **data)` mirrors `workflow_engine.apply` without the
database: the status moves along `workflow.TRANSITIONS`; clocks start, stop and
are cancelled as that table says (due dates and their explanations from
`rules.deadlines.compute_due`, cached per start day); assignments, reply
letters, extension requests, evaluations and involvements are written as
`workflow_effects` writes them. Everything is kept as plain lists and turned
into rows by the generator.

References to rows that get their primary key only at insert time (the
submission, an assignment, a letter …) are recorded as (payload key, table,
index) and filled in by the generator."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from xinfang.cases.models import Status as S
from xinfang.cases.workflow import BY_NAME
from xinfang.cases.workflow_effects import ROUTES
from xinfang.rules.calendar import load_calendar
from xinfang.rules.deadlines import UNIT_TEXT, compute_due
from xinfang.rules.rulesets import get_rule

LOCAL_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
DAY = 86400
OUTCOME_LABELS = {"support": "支持", "explain": "解释说明", "reject": "不予支持",
                  "uphold": "维持", "revoke": "撤销", "modify": "变更"}
RATING_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
RULE_SET = "2022"

# Clock row layout (mutable list): see CLOCK_COLS in the generator.
K_KIND, K_STARTED, K_DUE_DATE, K_DUE_AT, K_STATE, K_STOPPED, K_EXPL, K_EXTENDED = 0, 3, 9, 10, 11, 12, 13, 8


def local_date(ts: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=(ts + 8 * 3600) // DAY)


def as_dt(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, LOCAL_TZ)


def end_of_day_ts(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days * DAY - 8 * 3600 + DAY - 1


class Deadlines:
    """compute_due for one run, cached by start day (due dates only depend on the date)."""

    def __init__(self):
        self.calendar = load_calendar()
        self._due = lru_cache(maxsize=50000)(self._compute)

    def _compute(self, start: dt.date, amount: int, unit: str, extend: bool, start_label: str,
                 amount_label: str | None):
        due = compute_due(start, amount, unit, self.calendar, extend_if_day_off=extend, start_label=start_label,
                          amount_label=amount_label)
        return due.due, tuple(due.explanation), tuple(due.warnings)

    def due(self, start: dt.date, amount: int, unit: str, extend: bool, start_label: str, amount_label=None):
        return self._due(start, amount, unit, extend, start_label, amount_label)

    def is_day_off(self, d: dt.date) -> bool:
        return self.calendar.is_day_off(d)


class OrgInfo:
    __slots__ = ("id", "name", "kind", "region_id", "parent_region", "county", "superior_id", "is_bureau")

    def __init__(self, id, name, kind, region_id, parent_region, county, superior_id, is_bureau):  # noqa: A002
        self.id, self.name, self.kind, self.region_id = id, name, kind, region_id
        self.parent_region, self.county, self.superior_id, self.is_bureau = parent_region, county, superior_id, \
            is_bureau


class CaseSim:
    """One case's history as the engine would write it."""

    def __init__(self, deadlines: Deadlines, orgs: dict[int, OrgInfo], *, at: int, reg_org: OrgInfo,
                 channel: str, channel_label: str):
        self.dl = deadlines
        self.orgs = orgs
        self.status: str = S.REGISTERED
        self.current = reg_org
        self.reg_org = reg_org
        self.simple = False
        self.level_skipping = False
        self.merged_into = None  # a handle [case_id, number] of the earlier case
        self.events: list[tuple] = []  # (at, org_id, action, from, to, note, payload, public, refs)
        self.clocks: list[list] = []
        self.assignments: list[list] = []  # kind, from, to, created_at, rb_required, rb_due, instructions, state, closed
        self.letters: list[list] = []  # kind, org, outcome, text, basis, notice, drafted, signed, returned_note
        self.requests: list[list] = []  # org, days, reason, requested_at, decided_at, approved, decision_note
        self.evaluations: list[list] = []  # target, org, rating, comment, source, at
        self.involved: dict[int, str] = {reg_org.id: "registered"}
        self.at = at
        self.events.append((at, reg_org.id, "register", "", S.REGISTERED,
                            f"{reg_org.name}登记{channel_label}，编号 {{number}}", {"channel": channel}, True,
                            [("submission", "sub", 0)]))
        self._start("dispose" if reg_org.is_bureau else "accept", at)

    # -- clocks ------------------------------------------------------------------

    def _open(self, kind: str):
        for c in self.clocks:
            if c[K_KIND] == kind and c[K_STATE] == "running":
                return c
        return None

    def clock_due(self, kind: str) -> int | None:
        c = self._open(kind)
        return c[K_DUE_AT] if c is not None else None

    def _start(self, kind: str, at: int, amount: int | None = None) -> None:
        rule = get_rule(RULE_SET, kind)
        days = amount if amount is not None else rule.amount
        if days is None:  # the rule leaves the days to the assigner, who must give them
            raise ValueError(f"clock {kind} needs an amount")
        start = local_date(at)
        due, expl, warnings = self.dl.due(start, days, rule.unit, rule.extend_if_day_off, rule.start_event)
        intro = f"{rule.name}期限：{days}{UNIT_TEXT[rule.unit]}（{rule.article}）"
        self.clocks.append([kind, RULE_SET, rule.article, at, start, days, rule.unit, rule.extend_if_day_off, 0,
                            due, end_of_day_ts(due), "running", None, [intro, *expl], list(warnings)])

    def _stop(self, kind: str, at: int) -> None:
        c = self._open(kind)
        if c is None:
            return
        day = local_date(at)
        if at <= c[K_DUE_AT]:
            c[K_STATE] = "met"
            c[K_EXPL].append(f"{day} 完成，在期限（{c[K_DUE_DATE]}）内")
        else:
            c[K_STATE] = "missed"
            late = max((day - c[K_DUE_DATE]).days, 1)
            c[K_EXPL].append(f"{day} 完成，超过期限（{c[K_DUE_DATE]}）{late}日")
        c[K_STOPPED] = at

    def _cancel(self, kind: str, at: int) -> None:
        c = self._open(kind)
        if c is None:
            return
        c[K_STATE] = "cancelled"
        c[K_STOPPED] = at
        c[K_EXPL].append(f"{local_date(at)} 撤销计时")

    def _extend(self, kind: str, days: int, at: int, reason: str) -> dt.date:
        c = self._open(kind)
        limit = get_rule(RULE_SET, "extend")
        old = c[K_DUE_DATE]
        c[K_EXTENDED] += days
        amount, total = c[5], c[5] + c[K_EXTENDED]
        unit = UNIT_TEXT[c[6]]
        label = f"{amount}{unit} + 延期{c[K_EXTENDED]}日 = {total}{unit}"
        due, _expl, warnings = self.dl.due(c[4], total, c[6], c[7], "开始计时", label)
        c[K_DUE_DATE], c[K_DUE_AT], c[14] = due, end_of_day_ts(due), list(warnings)
        c[K_EXPL].append(f"{local_date(at)} 经批准延期{days}日（理由：{reason}；{limit.article}），"
                         f"期限由 {old} 调整为 {due}")
        return due

    def next_due(self) -> int | None:
        dues = [c[K_DUE_AT] for c in self.clocks if c[K_STATE] == "running"]
        return min(dues) if dues else None

    # -- transitions --------------------------------------------------------------

    def do(self, name: str, at: int, org: OrgInfo | None = None, **data) -> None:
        """Take transition `name` at `at`; `org` is the actor's org (default: the holder)."""
        t = BY_NAME[name]
        if self.status not in t.sources:
            raise ValueError(f"{name} not allowed from {self.status}")
        actor = org or self.current
        refs: list[tuple] = []
        payload: dict = {}
        starts, amounts = t.starts, {}
        note = ""
        if name in ("forward", "assign", "guide_down", "delegate"):
            target: OrgInfo = data["to_org"]
            days = data.get("report_back_days")
            if name != "delegate":
                for a in self.assignments:
                    if a[2] == self.current.id and a[7] == "open" and a[0] in ("forward", "assign"):
                        a[7], a[8] = "accepted", at
            rb_due = local_date(at) + dt.timedelta(days=days) if days else None
            self.assignments.append([name, self.current.id, target.id, at, name in ("assign", "delegate"), rb_due,
                                     "", "open", None])
            payload = {"to_org": target.id, "kind": name}
            refs.append(("assignment", "assignment", len(self.assignments) - 1))
            if name == "delegate":
                self.involved.setdefault(target.id, "delegated")
                note = f"转交{target.name}调查办理，限{days}日内报告结果"
            else:
                self.current = target
                self.involved.setdefault(target.id, {"forward": "forwarded", "assign": "assigned"}.get(name, "guided"))
                if name == "assign":
                    amounts["report_back"] = days
                    note = f"交办{target.name}，限{days}日内报告办理结果"
                elif name == "guide_down":
                    self.level_skipping = True
                    note = f"越级走访，引导信访人向{target.name}逐级走访，事项移交{target.name}处理"
                else:
                    note = f"转送{target.name}"
        elif name == "accept":
            self._close_assignments(self.current.id, "accepted", None)
            self.involved.setdefault(self.current.id, "handling")
            if data.get("simple"):
                self.simple = True
                starts = ("simple",)
                note = "予以受理，适用简易办理程序（10个工作日内答复）"
            else:
                note = "予以受理，已书面告知信访人"
        elif name in ("decline", "refuse_repeat"):
            self._close_assignments(self.current.id, "declined", at)
            note = ("不予受理：" if name == "decline" else "不再受理：") + data["reason"]
        elif name == "object":
            back = None
            for a in reversed(self.assignments):
                if a[2] == self.current.id and a[7] == "open":
                    back = self.orgs[a[1]]
                    break
            back = back or self.reg_org
            self._close_assignments(self.current.id, "objected", at)
            note = f"{self.current.name}提出异议，退回{back.name}重新处理：{data['reason']}"
            payload = {"back_to": back.id}
            self.current = back
        elif name == "redirect":
            note = f"告知信访人{ROUTES[data['route']]}：{data['reason']}"
            payload = {"route": data["route"]}
        elif name == "merge":
            self.merged_into = data["into"]
            note = "与{into_number}属同一事项，并入办理"
            refs.append(("into_case", "case", data["into"]))
        elif name == "note":
            note = data["text"]
        elif name == "delegate_report":
            for a in self.assignments:
                if a[0] == "delegate" and a[2] == actor.id and a[7] == "open":
                    a[7], a[8] = "reported", at
            note = f"报告调查处理结果：{data['text']}"
        elif name == "request_extension":
            self.requests.append([actor.id, data["days"], data["reason"], at, None, None, ""])
            note = f"申请延期{data['days']}日：{data['reason']}"
            payload = {"days": data["days"]}
            refs.append(("request", "request", len(self.requests) - 1))
        elif name == "approve_extension":
            req = self.requests[-1]
            due = self._extend("handle", req[1], at, req[2])
            req[4], req[5] = at, True
            note = f"批准延期{req[1]}日，办理期限延至{due:%Y-%m-%d}。延期理由：{req[2]}"
            payload = {"days": req[1], "due": due.isoformat()}
            refs.append(("request", "request", len(self.requests) - 1))
        elif name == "draft_reply":
            self.letters.append(["reply", actor.id, data["outcome"], data["text"], data["legal_basis"],
                                 data["rights_notice"], at, None, ""])
            note = f"拟写答复意见（{OUTCOME_LABELS[data['outcome']]}），报负责人签发"
            refs.append(("letter", "letter", len(self.letters) - 1))
        elif name == "return_draft":
            self.letters[-1][8] = data["reason"]
            note = f"答复意见退回修改：{data['reason']}"
            refs.append(("letter", "letter", len(self.letters) - 1))
        elif name == "reply":
            letter = self.letters[-1]
            letter[7] = at
            note = f"出具答复意见书（{OUTCOME_LABELS[letter[2]]}）：{letter[3]}"
            payload = {"outcome": letter[2]}
            refs.append(("letter", "letter", len(self.letters) - 1))
        elif name == "report_back":
            for a in self.assignments:
                if a[0] == "assign" and a[2] == actor.id and a[7] == "accepted":
                    a[7], a[8] = "reported", at
            note = "向交办机关报告办理结果"
        elif name == "evaluate":
            handler = next((self.orgs[x[1]] for x in reversed(self.letters) if x[0] == "reply" and x[7]),
                           self.current)
            parts = []
            for rated, org_id, key in (("handler", handler.id, "rating"), ("bureau", self.reg_org.id, "bureau_rating")):
                rating = data.get(key)
                if rating:
                    self.evaluations.append([rated, org_id, rating, "", data["source"], at])
                    parts.append(f"对{'办理单位' if rated == 'handler' else '信访部门'}{RATING_LABELS[rating]}")
            note = "信访人评价：" + "，".join(parts)
            payload = {"rating": data.get("rating"), "bureau_rating": data.get("bureau_rating")}
        elif name in ("review_request", "reexamine_request"):
            reviewer = self.orgs[self.current.superior_id]
            what = "复查" if name == "review_request" else "复核"
            note = f"信访人不服{self.current.name}的意见，请求{reviewer.name}{what}：{data['reason']}"
            payload = {"reviewer": reviewer.id}
            self.involved.setdefault(reviewer.id, "reviewing" if name == "review_request" else "reexamining")
            self.current = reviewer
        elif name in ("review_decide", "reexamine_decide"):
            kind = "review" if name == "review_decide" else "reexamine"
            self.letters.append([kind, actor.id, data["outcome"], data["text"], data["legal_basis"],
                                 data["rights_notice"], at, at, ""])
            label = "复查" if kind == "review" else "复核"
            note = f"出具{label}意见书（{OUTCOME_LABELS[data['outcome']]}）：{data['text']}"
            payload = {"outcome": data["outcome"]}
            refs.append(("letter", "letter", len(self.letters) - 1))
        elif name == "terminate":
            note = "复核申请期限届满，复查意见为最终意见，事项终结"
        elif name == "close":
            note = "办理完毕，归档"
        else:  # pragma: no cover - a transition the generator does not plan
            raise ValueError(name)

        for kind in t.stops:
            self._stop(kind, at)
        for kind in t.cancels:
            self._cancel(kind, at)
        for kind in starts:
            self._start(kind, at, amounts.get(kind))
        from_status = self.status
        to_status = t.target or from_status
        changed = to_status != from_status
        self.status = to_status
        self.at = at
        self.events.append((at, actor.id, name, from_status if changed else "", to_status if changed else "",
                            note, payload, t.public, refs))

    def _close_assignments(self, org_id: int, state: str, at: int | None) -> None:
        for a in self.assignments:
            if a[2] == org_id and a[7] == "open":
                a[7] = state
                if at is not None:
                    a[8] = at

    def repeat(self, at: int, org: OrgInfo, label: str, channel: str, sub_index: int) -> None:
        """A repeat submission merged into this case (actions.attach_repeat)."""
        self.involved.setdefault(org.id, "received_repeat")
        self.events.append((at, org.id, "repeat", "", "", f"{org.name}收到{label}，作为重复信访件并入本事项",
                            {"channel": channel}, True, [("submission", "sub", sub_index)]))


__all__ = ["CaseSim", "Deadlines", "OrgInfo", "ROUTES", "as_dt", "local_date"]
