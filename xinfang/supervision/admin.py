from django.contrib import admin

from .models import (
    CirculatedNotice,
    DigestLog,
    EscalationLog,
    EscalationRule,
    ReminderLog,
    ReminderRule,
    StaffContact,
    SupervisionOrder,
    SupervisionUrge,
)


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["clock_kind", "days_before", "daily_when_overdue", "send_sms", "send_email", "is_active"]
    list_editable = ["days_before", "daily_when_overdue", "send_sms", "send_email", "is_active"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["clock", "key", "fired_at", "recipients"]
    list_filter = ["fired_at"]
    raw_id_fields = ["clock"]

    def has_add_permission(self, request) -> bool:
        return False  # written only by reminders.sweep


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["clock_kind", "overdue_days", "notify_supervisors", "draft_order", "order_days", "is_active"]
    list_editable = ["overdue_days", "notify_supervisors", "draft_order", "order_days", "is_active"]


@admin.register(EscalationLog)
class EscalationLogAdmin(admin.ModelAdmin):
    list_display = ["clock", "rule", "fired_at"]
    raw_id_fields = ["clock"]

    def has_add_permission(self, request) -> bool:
        return False  # written only by escalation.escalate


@admin.register(StaffContact)
class StaffContactAdmin(admin.ModelAdmin):
    list_display = ["user", "wants_sms", "wants_email"]
    raw_id_fields = ["user"]


class UrgeInline(admin.TabularInline):
    model = SupervisionUrge
    extra = 0
    readonly_fields = ["by", "at", "text", "channel"]
    can_delete = False


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "issued_by_org", "org", "status", "deadline", "issued_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["org", "issued_by_org", "case", "created_by", "issued_by", "reported_by", "closed_by"]
    readonly_fields = ["number", "status", "issued_at", "reported_at", "closed_at"]
    inlines = [UrgeInline]


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ["org", "date", "sent_at", "recipients"]
    list_filter = ["date"]


@admin.register(CirculatedNotice)
class CirculatedNoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "scope_org", "period_label", "generated_by", "generated_at"]
    readonly_fields = ["rows"]
