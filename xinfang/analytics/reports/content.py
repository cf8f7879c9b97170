"""The figures of one analysis report, and the same figures written as
sentences. Read from the rollups for the report's region, exactly as a
region-wide user of that region sees them on the dashboard."""

from dataclasses import dataclass, field
from datetime import datetime

from xinfang.orgs.models import Region

from ..dashboard import dashboard_data
from ..filters import Filters
from ..insights_adapter import active_warnings, top_hotspots
from ..periods import add_months, report_period_label, report_range
from ..scope import ROLLUP, Scope, _counties_under


@dataclass
class ReportContent:
    title: str
    period_label: str
    unit: str  # 本月 / 本季度
    data: dict
    trend: dict
    trend_rates: dict
    hotspots: list[dict] | None
    warnings: list[dict] | None
    paragraphs: list[str] = field(default_factory=list)


def _n(value: int) -> str:
    return f"{value:,}"


def _change_words(value: float | None, what: str) -> str:
    if value is None:
        return f"{what}无可比数据"
    if value == 0:
        return f"{what}持平"
    return f"{what}{'上升' if value > 0 else '下降'} {abs(value):.1f}%"


def region_scope(region: Region) -> Scope:
    return Scope(ROLLUP, (region.code,), _counties_under({region.code}))


def sentences(content: ReportContent) -> list[str]:
    d, unit = content.data, content.unit
    s = d["summary"]
    previous = "上月" if unit == "本月" else "上季度"
    out = [f"{unit}共受理信访事项 {_n(s['total'])} 件，{_change_words(s['mom'], '环比')}"
           f"（{previous} {_n(s['previous'])} 件），{_change_words(s['yoy'], '同比')}（上年同期 {_n(s['year_ago'])} 件）。"]
    channels = sorted(d["channel"], key=lambda c: -c["value"])
    if s["total"]:
        parts = "，".join(f"{c['name']} {_n(c['value'])} 件（{c['value'] / s['total'] * 100:.1f}%）"
                          for c in channels if c["value"])
        out.append(f"从信访形式看，{parts}；网上信访占比 {s['online_share']:.1f}%。")
        out.append(f"集体访 {_n(s['group_cases'])} 件，有重复信访的事项 {_n(s['repeat_cases'])} 件。")
    top = [c for c in d["category"] if c["value"]][:3]
    if top:
        parts = "、".join(f"{c['name']}（{_n(c['value'])} 件，占 {c['value'] / max(s['total'], 1) * 100:.1f}%）"
                         for c in top)
        out.append(f"从内容分类看，反映较集中的是{parts}。")
        leaf = sorted((ch for c in d["category"] for ch in c["children"]), key=lambda x: -x["value"])[:3]
        if leaf:
            out.append("具体问题中，" + "、".join(f"{x['name']} {_n(x['value'])} 件" for x in leaf) + " 位居前列。")
    regions = sorted((r for r in d["region"] if r["value"]), key=lambda r: -r["value"])[:3]
    if regions and len(d["region"]) > 1:
        out.append("从地区看，信访量居前的是" + "、".join(f"{r['name']}（{_n(r['value'])} 件）" for r in regions) + "。")
    rate_parts = []
    for key, total in d["rates"]["totals"].items():
        name = d["rates"]["names"][key]
        if total["denominator"]:
            rate_parts.append(f"{name} {total['percent']}（{_n(total['numerator'])}/{_n(total['denominator'])}）")
        else:
            rate_parts.append(f"{name}本期无应统计事项")
    out.append("三率情况：" + "，".join(rate_parts) + "。")
    if d["overdue"]["count"]:
        worst = d["overdue"]["by_org"][:3]
        out.append(f"截至报告生成时，仍有 {_n(d['overdue']['count'])} 个办理期限已超期未完成"
                   + ("，主要在" + "、".join(f"{o['name']}（{o['value']} 个）" for o in worst) if worst else "")
                   + "，请督促相关单位尽快办结。")
    if content.hotspots:
        out.append("本期热点问题：" + "、".join(f"{h['phrase']}（{_n(int(h.get('count') or 0))} 件）"
                                          for h in content.hotspots[:5]) + "。")
    if content.warnings:
        out.append(f"当前有 {len(content.warnings)} 条预警：" + "；".join(w["title"] for w in content.warnings[:5]) + "。")
    return out


def build_content(kind: str, period: str, region: Region, now: datetime, user=None) -> ReportContent:
    start, end = report_range(kind, period)
    scope = region_scope(region)
    data = dashboard_data(user, scope, Filters(start, end, "month"), now,
                          charts={"summary", "channel", "category", "region", "org", "rates", "overdue"})
    trend = dashboard_data(user, scope, Filters(add_months(end, -12), end, "month"), now, charts={"series", "rates"})
    label = report_period_label(kind, period)
    content = ReportContent(
        title=f"{region.name}{label}信访形势分析研判报告", period_label=label,
        unit="本月" if kind == "monthly" else "本季度", data=data, trend=trend["series"], trend_rates=trend["rates"],
        hotspots=top_hotspots(user, start, end, region_code=region.code) if user is not None else None,
        warnings=active_warnings(user, start, end) if user is not None else None,
    )
    content.paragraphs = sentences(content)
    return content
