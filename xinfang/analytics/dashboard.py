"""All the dashboard's chart data for one user and one filter set, computed on
the server. The page asks for it in one request; each chart's data can also
be downloaded as a spreadsheet (exports.py) from the same function."""

from datetime import date, datetime

from django.utils import timezone

from xinfang.cases.models import Category, Channel
from xinfang.disclosure import rates
from xinfang.orgs.models import Org

from . import insights_adapter
from .filters import GRANULARITIES, Filters
from .overdue import overdue_now
from .periods import add_months, bucket_of, buckets, month_start, shift_year
from .scope import ROLLUP, Scope
from .sources import RATE_NAMES, source_for

CHANNELS = dict(Channel.choices)
TOP_ORGS = 15


def change(now_value: float, before: float) -> float | None:
    """Percentage change, one decimal; None when there is nothing to compare with."""
    if not before:
        return None
    return round((now_value - before) / before * 100, 1)


def bucket_label(b: date, granularity: str) -> str:
    if granularity == "month":
        return f"{b:%Y-%m}"
    if granularity == "week":
        return f"{b:%Y-%m-%d}周"
    return f"{b:%Y-%m-%d}"


def _previous_range(f: Filters) -> tuple[date, date]:
    """The period just before, of the same length (whole months when the filter is whole months)."""
    if f.start.day == 1:  # whole months (the last one may be running): as many months before
        months = (f.end.year - f.start.year) * 12 + f.end.month - f.start.month + (f.end.day > 1)
        return add_months(f.start, -months), f.start
    return f.start - (f.end - f.start), f.start


def _series(source, f: Filters) -> dict:
    dim = "month" if f.granularity == "month" else "day"
    rows = source.volume((dim, "channel"), shift_year(f.start), f.end)
    per_bucket: dict[date, list[int]] = {}
    for (day, channel), (n, repeat, group, _) in rows.items():
        b = bucket_of(day, f.granularity)
        acc = per_bucket.setdefault(b, [0, 0, 0, 0])
        acc[0] += n
        acc[1] += n if channel == Channel.ONLINE else 0
        acc[2] += repeat
        acc[3] += group
    labels: list[str] = []
    cases: list[int] = []
    online: list[int] = []
    share: list[float | None] = []
    repeats: list[int] = []
    groups: list[int] = []
    mom: list[float | None] = []
    yoy: list[float | None] = []
    year_ago: list[int] = []
    previous = None
    for b in buckets(f.start, f.end, f.granularity):
        n, on, rep, grp = per_bucket.get(b, [0, 0, 0, 0])
        ago = per_bucket.get(bucket_of(shift_year(b), f.granularity), [0])[0]
        labels.append(bucket_label(b, f.granularity))
        cases.append(n)
        online.append(on)
        share.append(round(on / n * 100, 1) if n else None)
        repeats.append(rep)
        groups.append(grp)
        year_ago.append(ago)
        yoy.append(change(n, ago))
        mom.append(change(n, previous) if previous is not None else None)
        previous = n
    return {"labels": labels, "cases": cases, "year_ago": year_ago, "mom": mom, "yoy": yoy, "online": online,
            "online_share": share, "repeat_cases": repeats, "group_cases": groups}


CUBE = ("county", "category_id", "channel")  # org apart: with it the cube would be ~5× larger


def _project(cube: dict[tuple, tuple], dim: str) -> dict[tuple, tuple]:
    """Sum the period's cube down to one of its dimensions: one scan of the
    rollups serves the summary, channel, category and region charts."""
    i = CUBE.index(dim)
    out: dict[tuple, list[int]] = {}
    for key, values in cube.items():
        acc = out.setdefault((key[i],), [0, 0, 0, 0])
        for j, v in enumerate(values):
            acc[j] += v
    return {k: tuple(v) for k, v in out.items()}


def _categories(cube: dict) -> list[dict]:
    rows = _project(cube, "category_id")
    cats = {c.pk: c for c in Category.objects.all()}
    tree: dict[int, dict] = {}
    for (cat_id,), (n, *_) in rows.items():
        cat = cats.get(cat_id)
        if cat is None:
            continue
        parent = cats.get(cat.parent_id, cat) if cat.parent_id else cat
        node = tree.setdefault(parent.pk, {"name": parent.name, "id": parent.pk, "value": 0, "children": []})
        node["value"] += n
        if parent.pk != cat.pk:
            node["children"].append({"name": cat.name, "id": cat.pk, "value": n})
    out = sorted(tree.values(), key=lambda x: (-x["value"], x["id"]))
    for node in out:
        node["children"].sort(key=lambda x: (-x["value"], x["id"]))
    return out


def _regions(cube: dict, scope: Scope, f: Filters) -> list[dict]:
    rows = _project(cube, "county")
    counts = {k[0]: v[0] for k, v in rows.items()}
    shown = [(c, n) for c, n in scope.counties if not f.county or c == f.county]
    return [{"code": c, "name": n, "value": counts.get(c, 0)} for c, n in shown]


def _orgs(source, f: Filters) -> list[dict]:
    rows = source.volume(("org_id",), f.start, f.end)
    top = sorted(((k[0], v[0]) for k, v in rows.items()), key=lambda x: (-x[1], x[0]))[:TOP_ORGS]
    names = dict(Org.objects.filter(pk__in=[o for o, _ in top]).values_list("id", "name"))
    return [{"name": names.get(o, "—"), "value": n} for o, n in top]


def _rates(source, f: Filters) -> dict:
    first = month_start(f.start)
    by_month = source.rates(first, f.end)
    months: list[str] = []
    series: dict[str, list[float | None]] = {name: [] for name in RATE_NAMES}
    totals = {name: [0, 0] for name in RATE_NAMES}
    m = first
    while m < f.end:
        months.append(f"{m:%Y-%m}")
        figures = by_month.get(m, {})
        for name in RATE_NAMES:
            r = figures.get(name) or rates.Rate.of(0, 0)
            series[name].append(None if r.rate is None else round(r.rate * 100, 1))
            totals[name][0] += r.numerator
            totals[name][1] += r.denominator
        m = add_months(m, 1)
    return {
        "months": months,
        "series": series,
        "names": {name: rates.FORMULAS[name].name for name in RATE_NAMES},
        "totals": {name: {"numerator": a, "denominator": b, "percent": rates.Rate.of(a, b).percent,
                          "formula": rates.FORMULAS[name].text} for name, (a, b) in totals.items()},
    }


def dashboard_data(user, scope: Scope, f: Filters, now: datetime | None = None, *,
                   charts: set[str] | None = None) -> dict:
    """Every chart's data (or only `charts`)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    source = source_for(user, scope, f, today, now)
    wanted = charts or {"summary", "series", "channel", "category", "region", "org", "rates", "overdue",
                        "hotspots", "warnings"}
    out: dict = {"mode": scope.mode, "scope": scope.label, "filters": f.as_params(),
                 "granularity_label": GRANULARITIES[f.granularity]}
    cube = source.volume(CUBE, f.start, f.end) if wanted & {"summary", "channel", "category", "region"} else {}
    if wanted & {"summary", "channel"}:
        totals = _project(cube, "channel")
        total = sum(v[0] for v in totals.values())
        if "channel" in wanted:
            out["channel"] = [{"name": label, "code": code, "value": totals.get((code,), (0,))[0]}
                              for code, label in CHANNELS.items()]
        if "summary" in wanted:
            prev_start, prev_end = _previous_range(f)
            previous = sum(v[0] for v in source.volume((), prev_start, prev_end).values())
            year_ago = sum(v[0] for v in source.volume((), shift_year(f.start), shift_year(f.end)).values())
            online = totals.get((Channel.ONLINE,), (0,))[0]
            out["summary"] = {
                "total": total, "previous": previous, "year_ago": year_ago,
                "mom": change(total, previous), "yoy": change(total, year_ago),
                "online": online, "online_share": round(online / total * 100, 1) if total else None,
                "repeat_cases": sum(v[1] for v in totals.values()),
                "group_cases": sum(v[2] for v in totals.values()),
                "headcount": sum(v[3] for v in totals.values()),
            }
    if "series" in wanted:
        out["series"] = _series(source, f)
    if "category" in wanted:
        out["category"] = _categories(cube)
    if "region" in wanted:
        out["region"] = _regions(cube, scope, f)
    if "org" in wanted:
        out["org"] = _orgs(source, f)
    if "rates" in wanted:
        out["rates"] = _rates(source, f)
    if "overdue" in wanted:
        counts = source.overdue_counts() if hasattr(source, "overdue_counts") else None
        out["overdue"] = overdue_now(source.cases(), now, counts=counts)
        out["overdue"]["basis"] = ("受理告知、办理期限已届满仍未完成的（按汇总表）" if counts is not None
                                   else "正在计时且已超过期限的办理期限")
    if "hotspots" in wanted:
        out["hotspots"] = insights_adapter.top_hotspots(user, f.start, f.end, region_code=f.county)
    if "warnings" in wanted:
        out["warnings"] = insights_adapter.active_warnings(user, f.start, f.end)
    return out


def live_note(scope: Scope) -> str:
    if scope.mode == ROLLUP:
        return "统计口径：问题属地在本辖区的信访事项（按县级区划汇总表统计）。"
    return "统计口径：本单位及下属单位经办过的信访事项（实时统计）。"

