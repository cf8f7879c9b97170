"""Staff screens: the rule tables, and the work calendar with the yearly notice import."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .calendar import weekday_name
from .models import CalendarYear, RuleSet, WorkCalendar
from .notices import NoticeError, import_notice
from .rulesets import BUILTIN, BUILTIN_NAMES, RuleError, rules_of


class NoticeForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    source = forms.CharField(label="来源（通知文号）", max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": "国办发明电〔2026〕7号"}))
    notice = forms.CharField(
        label="节假日安排", widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text="每行一项：日期（或 起..止） 类型（holiday 放假 / workday 调休上班） 名称",
    )


@login_required
@require_GET
def rule_tables(request):
    sets = [(code, BUILTIN_NAMES[code], rules.values()) for code, rules in BUILTIN.items()]
    for local in RuleSet.objects.all():
        title = f"{local.name}（以{BUILTIN_NAMES.get(local.base, local.base)}为基础）"
        try:
            sets.append((local.code, title, rules_of(local.code).values()))
        except RuleError as e:
            sets.append((local.code, f"{title}：规则有误，未生效（{e}）", []))
    return render(request, "rules/rule_tables.html", {"sets": sets})


def _runs(rows: list[WorkCalendar]) -> list[dict]:
    """Consecutive holiday dates of one name, as one line: 春节 2026-02-15 至 2026-02-23（9天）."""
    runs: list[dict] = []
    for row in rows:
        last = runs[-1] if runs else None
        if last and last["name"] == row.name and (row.date - last["last"]).days == 1:
            last["last"], last["days"] = row.date, last["days"] + 1
        else:
            runs.append({"name": row.name, "first": row.date, "last": row.date, "days": 1})
    return runs


@login_required
@require_http_methods(["GET", "POST"])
def calendar_screen(request):
    if not request.user.has_perm("rules.change_workcalendar"):
        raise PermissionDenied
    today = timezone.localdate()
    years = list(CalendarYear.objects.all())
    form = NoticeForm(request.POST or None, initial={"year": max([y.year for y in years] + [today.year - 1]) + 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = import_notice(data["year"], data["notice"], source=data["source"], at=timezone.now())
        except NoticeError as e:
            for error in e.errors:
                form.add_error("notice", error)
        else:
            messages.success(request, f"已录入{result.year}年节假日安排：放假{result.holidays}天，"
                                      f"调休上班{result.workdays}天；重新计算后有{result.moved}个期限发生变化。")
            return redirect(f"{request.path}?year={result.year}")
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    rows = list(WorkCalendar.objects.filter(date__year=year))
    workdays = [(r, weekday_name(r.date)) for r in rows if r.kind == "workday"]
    return render(request, "rules/calendar.html", {
        "form": form, "year": year, "years": years,
        "known": next((y for y in years if y.year == year), None),
        "holiday_runs": _runs([r for r in rows if r.kind == "holiday"]), "workdays": workdays,
    })
