"""The statutory time limits as data, one table per regulation.

- "2022": 《信访工作条例》, issued by the CPC Central Committee and the State
  Council on 2022-01-24, in force 2022-05-01.
- "2005": 《信访条例》, State Council Decree No. 431, in force 2005-05-01 until
  replaced by the 2022 regulation.

A local rule set (a `RuleSet` row) starts from one of these and may only make
the organs' limits stricter: shorter, counted the stricter way. The
petitioner's own statutory windows (复查/复核申请) cannot be changed locally.
"""

from dataclasses import dataclass, replace
from datetime import date

from xinfang.lib.memo import Memo

from .deadlines import CALENDAR_DAYS, UNIT_TEXT, WORKING_DAYS

R2022 = "《信访工作条例》"
R2005 = "《信访条例》"
# 国家信访局 guidance, not a regulation article; applies under both regulations.
SIMPLE_PROCEDURE = "国家信访局《信访事项简易办理办法（试行）》"
# The 2005 regulation has no objection period; the 5-working-day objection
# comes from 国家信访局's 2014 procedure rules, later written into 2022 art. 23.
OBJECTION_2014 = "国家信访局《关于进一步规范信访事项受理办理程序引导来访人依法逐级走访的办法》"
LOCAL = "本地规则（评价期限）"


class RuleError(ValueError):
    """An unknown rule set or clock kind; the message is for the user."""


@dataclass(frozen=True)
class Rule:
    kind: str
    name: str
    amount: int | None  # None: set each time (交办报告: by the assigner)
    unit: str
    article: str
    start_event: str = "收到"  # names the start in the explanation: "起算：… 收到"
    extend_if_day_off: bool = True
    extendable: bool = False  # 办理 may be extended, within the "extend" rule's amount
    pausable: bool = False  # 复核: time for a hearing does not count
    petitioner_right: bool = False  # the petitioner's own window: a local rule may not touch it
    configurable: bool = False  # a local choice to begin with: may be set either way
    rule_set: str = "2022"

    @property
    def limit_text(self) -> str:
        return "由交办单位指定" if self.amount is None else f"{self.amount}{UNIT_TEXT[self.unit]}"


def _table(code: str, rules: list[Rule]) -> dict[str, Rule]:
    return {r.kind: replace(r, rule_set=code) for r in rules}


C, W = CALENDAR_DAYS, WORKING_DAYS

RULES_2022 = _table("2022", [
    # 第二十二条: 信访部门收到信访事项，应当予以登记，并区分情况，在15日内分别按照下列方式处理 …
    Rule("dispose", "处理", 15, C, f"{R2022}第二十二条"),
    # 第二十三条第二、三款: 不能当场告知的，应当自收到信访事项之日起15日内书面告知信访人；
    # 转送、交办的，自收到之日起15日内书面告知信访人接收情况以及处理途径和程序。
    Rule("accept", "受理告知", 15, C, f"{R2022}第二十三条"),
    # 第二十三条第三款: 不属于本机关、单位或者本系统职权范围的，应当自收到之日起5个工作日内提出异议。
    Rule("object", "异议", 5, W, f"{R2022}第二十三条", start_event="收到转送、交办"),
    # 第三十四条: 应当自受理之日起60日内办结；情况复杂的，经本机关、单位负责人批准，
    # 可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期理由。
    Rule("handle", "办理", 60, C, f"{R2022}第三十四条", start_event="受理", extendable=True),
    Rule("extend", "延期", 30, C, f"{R2022}第三十四条", start_event="原期限届满"),
    Rule("simple", "简易办理", 10, W, SIMPLE_PROCEDURE, start_event="受理"),
    # 第二十二条第（三）项: 交由有权处理的机关、单位办理，要求其在指定办理期限内反馈结果，提交办结报告。
    Rule("report_back", "交办报告", None, C, f"{R2022}第二十二条第（三）项", start_event="交办"),
    Rule("evaluate", "评价", 7, C, LOCAL, start_event="答复送达", configurable=True),
    # 第三十五条: 可以自收到书面答复之日起30日内请求原办理机关、单位的上一级机关、单位复查。
    # 收到复查请求的机关、单位应当自收到复查请求之日起30日内提出复查意见，并予以书面答复。
    Rule("review_request", "复查申请", 30, C, f"{R2022}第三十五条", start_event="收到书面答复",
         petitioner_right=True),
    Rule("review", "复查", 30, C, f"{R2022}第三十五条", start_event="收到复查请求"),
    # 第三十六条: 可以自收到书面答复之日起30日内向复查机关、单位的上一级机关、单位请求复核。
    # 收到复核请求的机关、单位应当自收到复核请求之日起30日内提出复核意见。
    # … 听证所需时间不计算在前款规定的期限内。
    Rule("reexamine_request", "复核申请", 30, C, f"{R2022}第三十六条", start_event="收到复查意见",
         petitioner_right=True),
    Rule("reexamine", "复核", 30, C, f"{R2022}第三十六条", start_event="收到复核请求", pausable=True),
])

RULES_2005 = _table("2005", [
    # 第二十一条: 县级以上人民政府信访工作机构收到信访事项，应当予以登记，并区分情况，在15日内分别按下列方式处理 …
    Rule("dispose", "处理", 15, C, f"{R2005}第二十一条"),
    # 第二十二条第二款: 不能当场答复的，应当自收到信访事项之日起15日内书面告知信访人。
    Rule("accept", "受理告知", 15, C, f"{R2005}第二十二条"),
    Rule("object", "异议", 5, W, OBJECTION_2014, start_event="收到转送、交办"),
    # 第三十三条: 信访事项应当自受理之日起60日内办结；情况复杂的，经本行政机关负责人批准，
    # 可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期理由。
    Rule("handle", "办理", 60, C, f"{R2005}第三十三条", start_event="受理", extendable=True),
    Rule("extend", "延期", 30, C, f"{R2005}第三十三条", start_event="原期限届满"),
    Rule("simple", "简易办理", 10, W, SIMPLE_PROCEDURE, start_event="受理"),
    # 第二十一条第一款第（三）项: 可以直接交由有权处理的行政机关办理，要求其在指定办理期限内反馈结果，提交办结报告。
    Rule("report_back", "交办报告", None, C, f"{R2005}第二十一条第一款第（三）项", start_event="交办"),
    Rule("evaluate", "评价", 7, C, LOCAL, start_event="答复送达", configurable=True),
    # 第三十四条: 可以自收到书面答复之日起30日内请求原办理行政机关的上一级行政机关复查。
    # 收到复查请求的行政机关应当自收到复查请求之日起30日内提出复查意见，并予以书面答复。
    Rule("review_request", "复查申请", 30, C, f"{R2005}第三十四条", start_event="收到书面答复",
         petitioner_right=True),
    Rule("review", "复查", 30, C, f"{R2005}第三十四条", start_event="收到复查请求"),
    # 第三十五条: 可以自收到书面答复之日起30日内向复查机关的上一级行政机关请求复核。
    # 收到复核请求的行政机关应当自收到复核请求之日起30日内提出复核意见。… 听证所需时间不计算在前款规定的期限内。
    Rule("reexamine_request", "复核申请", 30, C, f"{R2005}第三十五条", start_event="收到复查意见",
         petitioner_right=True),
    Rule("reexamine", "复核", 30, C, f"{R2005}第三十五条", start_event="收到复核请求", pausable=True),
])

BUILTIN: dict[str, dict[str, Rule]] = {"2022": RULES_2022, "2005": RULES_2005}
BUILTIN_NAMES = {"2022": f"{R2022}（2022年）", "2005": f"{R2005}（2005年）"}
OVERRIDABLE = {"amount", "unit", "extend_if_day_off", "article"}
MAX_CONFIGURABLE_DAYS = 365


def _load_local() -> tuple:
    from .models import RuleSet

    return tuple(RuleSet.objects.all())


# Read on every registration and every clock started under a local rule set,
# changed a few times a year: kept in this process (RulesConfig.ready clears it
# when a rule set is saved here). Only read here, never handed out.
_local_rule_sets: Memo[tuple] = Memo(_load_local, ttl=60.0)


def get_rule(rule_set_code: str, clock_kind: str) -> Rule:
    if clock_kind not in RULES_2022:
        raise RuleError(f"没有「{clock_kind}」这种期限")
    return rules_of(rule_set_code)[clock_kind]


def rules_of(rule_set_code: str) -> dict[str, Rule]:
    """Every rule of a rule set, local overrides applied."""
    if rule_set_code in BUILTIN:
        return BUILTIN[rule_set_code]
    local = next((rs for rs in _local_rule_sets.get() if rs.code == rule_set_code), None)
    if local is None:
        raise RuleError(f"没有代码为「{rule_set_code}」的规则")
    return apply_overrides(local.code, local.base, local.overrides)


def apply_overrides(code: str, base: str, overrides: dict) -> dict[str, Rule]:
    errors = override_errors(base, overrides)
    if errors:
        raise RuleError("；".join(errors))
    rules = {k: replace(r, rule_set=code) for k, r in BUILTIN[base].items()}
    for kind, changes in overrides.items():
        rules[kind] = replace(rules[kind], **changes)
    return rules


def override_errors(base: str, overrides: object) -> list[str]:
    """Why these overrides would loosen (or garble) the base rules; empty if they only tighten."""
    if base not in BUILTIN:
        return [f"基础规则「{base}」不存在，应为 2022 或 2005"]
    if not isinstance(overrides, dict):
        return ["从严规定须为按期限种类填写的对象，如 {\"dispose\": {\"amount\": 7}}"]
    errors: list[str] = []
    for kind, changes in overrides.items():
        rule = BUILTIN[base].get(kind)
        if rule is None:
            errors.append(f"没有「{kind}」这种期限")
        elif not isinstance(changes, dict) or not changes:
            errors.append(f"「{rule.name}」的规定须为非空对象，如 {{\"amount\": 7}}")
        else:
            errors.extend(_tightening_errors(rule, changes))
    return errors


def _tightening_errors(rule: Rule, changes: dict) -> list[str]:
    unknown = sorted(set(changes) - OVERRIDABLE)
    if unknown:
        return [f"「{rule.name}」不能设置 {'、'.join(unknown)}（可设置：amount、unit、extend_if_day_off、article）"]
    if rule.petitioner_right:
        return [f"「{rule.name}」期限是信访人的法定权利（{rule.article}），地方规则不得变更"]
    amount = changes.get("amount", rule.amount)
    unit = changes.get("unit", rule.unit)
    extend = changes.get("extend_if_day_off", rule.extend_if_day_off)
    if amount is None or isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        return [f"「{rule.name}」的天数须为正整数"]
    if unit not in UNIT_TEXT:
        return [f"「{rule.name}」的计算单位须为 calendar_days（日）或 working_days（工作日）"]
    if not isinstance(extend, bool):
        return [f"「{rule.name}」的 extend_if_day_off 须为 true 或 false"]
    if not isinstance(changes.get("article", ""), str):
        return [f"「{rule.name}」的依据须为文字"]
    if rule.configurable or rule.amount is None:
        if amount > MAX_CONFIGURABLE_DAYS:
            return [f"「{rule.name}」期限不得超过{MAX_CONFIGURABLE_DAYS}日"]
        return []
    errors = []
    looser = "；地方规则只能从严，不能放宽"
    if rule.unit == CALENDAR_DAYS and unit == WORKING_DAYS:
        errors.append(f"「{rule.name}」{rule.article}按日计算，改为按工作日计算会延长期限{looser}")
    if amount > rule.amount:
        errors.append(f"「{rule.name}」期限不得超过{rule.article}规定的{rule.limit_text}"
                      f"（填写的是{amount}{UNIT_TEXT[unit]}）{looser}")
    if extend and not rule.extend_if_day_off:
        errors.append(f"「{rule.name}」{rule.article}期满遇休息日不顺延，改为顺延会延长期限{looser}")
    return errors


# 《信访工作条例》 took effect on 2022-05-01 and replaced the 2005 《信访条例》.
REGULATION_2022_FROM = date(2022, 5, 1)


def rule_set_for(region_code: str, on: date) -> str:
    """The rule set in force for a case registered on `on` in this region: the
    most local rule set covering the region and already in effect, else the
    national regulation in force that day. A case keeps it for life."""
    local = [
        rs for rs in _local_rule_sets.get() if rs.region_id is not None
        and region_code.startswith(rs.region_id or "\uffff") and (rs.effective_from is None or rs.effective_from <= on)
    ]
    if local:
        return max(local, key=lambda rs: len(rs.region_id or "")).code
    return "2022" if on >= REGULATION_2022_FROM else "2005"
