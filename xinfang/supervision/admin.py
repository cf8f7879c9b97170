from django.contrib import admin

from .models import ReminderLog, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["clock_kind", "days_before", "daily_when_overdue", "is_active"]
    list_editable = ["days_before", "daily_when_overdue", "is_active"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["clock", "key", "fired_at", "recipients"]
    list_filter = ["fired_at"]
    raw_id_fields = ["clock"]

    def has_add_permission(self, request) -> bool:
        return False  # written only by reminders.sweep
