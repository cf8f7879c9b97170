"""Admin screens for the calendar and local rule sets. Any change to the
calendar recomputes the running clocks in the same transaction, so no due date
is left computed from a holiday table that no longer exists."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join

from .calendar import invalidate_calendar_cache, weekday_name
from .clocks import recompute_running_clocks
from .models import CalendarYear, Clock, RuleSet, WorkCalendar
from .rulesets import BUILTIN, RuleError, apply_overrides


def _recompute(request, what: str) -> None:
    invalidate_calendar_cache()
    user = getattr(request.user, "display_name", request.user.get_username())
    moved = recompute_running_clocks(f"{user} 在系统管理中{what}", at=timezone.now())
    if moved:
        from django.contrib import messages

        messages.info(request, f"已按新的节假日安排重新计算，{moved}个期限发生变化。")


class RecomputesClocks(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute(request, f"{'修改' if change else '新增'}「{obj}」")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute(request, f"删除「{obj}」")

    def delete_queryset(self, request, queryset):
        names = "、".join(str(o) for o in queryset[:3])
        super().delete_queryset(request, queryset)
        _recompute(request, f"删除「{names}」等")


@admin.register(WorkCalendar)
class WorkCalendarAdmin(RecomputesClocks):
    list_display = ["date", "weekday", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", "name"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"

    @admin.display(description="星期")
    def weekday(self, obj: WorkCalendar) -> str:
        return weekday_name(obj.date)


@admin.register(CalendarYear)
class CalendarYearAdmin(RecomputesClocks):
    list_display = ["year", "is_complete", "source", "updated_at"]
    list_filter = ["is_complete"]


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "base", "updated_at"]
    readonly_fields = ["effective_rules"]
    fields = ["code", "name", "base", "overrides", "description", "effective_rules"]

    @admin.display(description="生效的期限")
    def effective_rules(self, obj: RuleSet) -> str:
        if not obj.pk or obj.base not in BUILTIN:
            return "保存后显示"
        try:
            rules = apply_overrides(obj.code, obj.base, obj.overrides).values()
        except RuleError as e:
            return f"规则有误：{e}"
        return format_html_join("", "<div>{}：{}（{}）</div>",
                                ((r.name, r.limit_text, r.article) for r in rules))


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Read-only: clocks change only through the workflow (clocks.py)."""

    list_display = ["case", "kind", "rule_set", "start_date", "due_date", "state"]
    list_filter = ["state", "kind", "rule_set"]
    search_fields = ["case__number"]
    raw_id_fields = ["case"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
