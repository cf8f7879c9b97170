"""Each chart's data as a table, and as an xlsx download."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

CHART_TITLES = {
    "series": "信访总量趋势",
    "channel": "信访形式分布",
    "category": "内容分类分布",
    "region": "各县（市、区）信访量",
    "org": "办理单位信访量（前15位）",
    "online": "网上信访占比",
    "repeat_group": "重复信访与集体访",
    "rates": "三率走势",
    "overdue": "当前超期事项",
    "hotspots": "热点问题",
    "warnings": "预警信息",
}


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is stored as plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def chart_table(name: str, data: dict) -> tuple[list[str], list[list]]:
    """(headers, rows) of one chart. KeyError for an unknown chart."""
    if name == "series":
        s = data["series"]
        return (["期间", "信访事项数", "上年同期", "同比(%)", "环比(%)"],
                [list(r) for r in zip(s["labels"], s["cases"], s["year_ago"], s["yoy"], s["mom"], strict=True)])
    if name == "online":
        s = data["series"]
        return (["期间", "信访事项数", "网上信访", "网上占比(%)"],
                [list(r) for r in zip(s["labels"], s["cases"], s["online"], s["online_share"], strict=True)])
    if name == "repeat_group":
        s = data["series"]
        return (["期间", "信访事项数", "重复信访事项", "集体访事项"],
                [list(r) for r in zip(s["labels"], s["cases"], s["repeat_cases"], s["group_cases"], strict=True)])
    if name == "channel":
        return ["信访形式", "信访事项数"], [[c["name"], c["value"]] for c in data["channel"]]
    if name == "category":
        rows = []
        for top in data["category"]:
            rows.append([top["name"], "（合计）", top["value"]])
            rows.extend([top["name"], child["name"], child["value"]] for child in top["children"])
        return ["一级分类", "二级分类", "信访事项数"], rows
    if name == "region":
        return ["区划代码", "县（市、区）", "信访事项数"], [[r["code"], r["name"], r["value"]] for r in data["region"]]
    if name == "org":
        return ["办理单位", "信访事项数"], [[o["name"], o["value"]] for o in data["org"]]
    if name == "rates":
        r = data["rates"]
        names = [r["names"][k] + "(%)" for k in r["series"]]
        return (["月份", *names],
                [[m, *(r["series"][k][i] for k in r["series"])] for i, m in enumerate(r["months"])])
    if name == "overdue":
        return (["信访事项编号", "标题", "当前办理单位", "期限种类", "期满时间", "超期天数"],
                [[i["number"], i["title"], i["org"], i["kind"], i["due"][:16].replace("T", " "), i["days_over"]]
                 for i in data["overdue"]["items"]])
    if name == "hotspots":
        return (["热点", "权重", "件数", "增长"],
                [[h.get("phrase"), h.get("weight"), h.get("count"), h.get("growth")] for h in data["hotspots"] or []])
    if name == "warnings":
        return (["类型", "级别", "标题", "说明"],
                [[w.get("kind"), w.get("level"), w.get("title"), w.get("explanation")] for w in data["warnings"] or []])
    raise KeyError(name)


def chart_for(name: str) -> set[str]:
    """Which parts of dashboard_data a chart's table needs."""
    return {"online": {"series"}, "repeat_group": {"series"}}.get(name, {name})


def xlsx_bytes(sheets: list[tuple[str, list[str], list[list]]], note: str = "") -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title[:31])
        if note:
            ws.append([note])
        ws.append(headers)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([safe_cell(v) for v in row])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
