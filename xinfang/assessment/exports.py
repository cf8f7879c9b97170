"""The rates table and the assessment table as xlsx (openpyxl): the figures
as numbers, with the formula text beside them, ready for a hand-off."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from .scoring import ScoreTable
from .tables import Table, ranking

TARGET_LABEL = {"handler": "办理单位", "bureau": "信访部门"}


def _bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ws, cells: list[str]) -> None:
    ws.append(cells)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def rates_xlsx(table: Table, min_volume: int, rank_by: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "三率"
    ws.append([f"三率（{TARGET_LABEL.get(table.target, table.target)}）", table.period.label,
               f"统计时点 {table.now:%Y-%m-%d %H:%M}"])
    names = [f.formula.name for f in table.totals]
    _header(ws, ["单位/区划", "排名"] + [f"{n}{suffix}" for n in names for suffix in ("", "分子", "分母")])
    ranked, unranked = ranking(table.rows, rank_by, min_volume) if table.group_by == "org" else (table.rows, [])
    for i, row in enumerate(ranked + unranked, 1):
        cells: list[object] = [row.label, i if i <= len(ranked) and table.group_by == "org" else "未排名"]
        for _, rate in row.cells():
            cells += [None if rate.rate is None else round(rate.rate, 4), rate.numerator, rate.denominator]
        ws.append(cells)
    total: list[object] = ["合计", ""]
    for f in table.totals:
        total += [None if f.rate.rate is None else round(f.rate.rate, 4), f.rate.numerator, f.rate.denominator]
    ws.append(total)
    ws.append([])
    for f in table.totals:
        ws.append([f.formula.text, f.formula.basis])
    ws.append([f"排名依据：{dict((f.key, f.formula.name) for f in table.totals).get(rank_by, rank_by)}，"
               f"分母不足 {min_volume} 件的单位不参与排名"])
    return _bytes(wb)


def scores_xlsx(table: ScoreTable) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效考评"
    ws.append([str(table.scheme), table.period.label, f"统计时点 {table.as_of:%Y-%m-%d %H:%M}"])
    _header(ws, ["排名", "单位", "总分", "件数"] + [f"{i.label}（权重{table.scheme.weights[i.key]:g}）"
                                               for i in table.indicators])
    _header(ws, ["", "", "", ""] + ["原始值 / 得分"] * len(table.indicators))
    for row in table.ranked + table.unranked:
        cells: list[object] = [row.rank or "未排名", row.org.name, row.score, row.volume]
        cells += [f"{p.shown} → {p.points if p.points is not None else '—'}" for p in row.parts]
        ws.append(cells)
    ws.append([])
    ws.append([f"件数不足 {table.scheme.min_volume} 件的单位不参与排名；各项得分之和为总分"])
    return _bytes(wb)
