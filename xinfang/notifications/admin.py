"""Admin screens: staff edit message texts and watch the outbox.

The outbox is read-only here except for one action, "retry failed", which is a
conditional update like everything the worker does. Recipients are shown
masked and payloads (which hold query codes) not at all."""

from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html

from .conf import conf
from .models import MessageTemplate, OutboxMessage, OutboxState
from .texts import DEFAULTS, SAMPLE_VALUES, help_text, render


def sms_segments(text: str) -> int:
    """China's carriers bill 70 characters as one SMS, 67 per part beyond that."""
    return 1 if len(text) <= 70 else -(-len(text) // 67)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "channel", "short_body", "updated_at", "updated_by"]
    list_filter = ["channel"]
    search_fields = ["key", "name", "body"]
    fields = ["key", "name", "channel", "body", "preview", "updated_at", "updated_by"]
    readonly_fields = ["key", "preview", "updated_at", "updated_by"]
    actions = ["restore_default"]

    # Every template the code sends is seeded; adding or deleting one would
    # only make messages fall back to the built-in text.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "body" in form.base_fields:
            form.base_fields["body"].help_text = help_text(obj.key)
        return form

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="通知内容")
    def short_body(self, obj: MessageTemplate) -> str:
        return obj.body if len(obj.body) <= 40 else obj.body[:39] + "…"

    @admin.display(description="效果预览（示例数据）")
    def preview(self, obj: MessageTemplate) -> str:
        text = render(obj.body, SAMPLE_VALUES, value_limit=conf()["VALUE_MAX_CHARS"])
        sms = getattr(settings, "SMS_SIGNATURE", "") + text
        return format_html("{}<br><small>共{}个字，按{}条短信计费（含签名）</small>", sms, len(sms),
                           sms_segments(sms))

    @admin.action(description="恢复为系统默认内容", permissions=["change"])
    def restore_default(self, request, queryset):
        n = 0
        for obj in queryset:
            spec = DEFAULTS.get(obj.key)
            if spec is not None and obj.body != spec.body:
                obj.body, obj.updated_by = spec.body, request.user
                obj.save(update_fields=["body", "updated_by", "updated_at"])
                n += 1
        self.message_user(request, f"已将{n}个模板恢复为系统默认内容。", messages.SUCCESS)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "template", "channel", "recipient_masked", "case_number", "state", "attempts",
                    "created_at", "next_attempt_at", "sent_at", "short_error"]
    list_filter = ["state", "channel", "template"]
    search_fields = ["case__number", "dedupe_key"]
    date_hierarchy = "created_at"
    list_select_related = ["case"]
    fields = ("template", "channel", "recipient_masked", "case_number", "state", "attempts", "created_at",
              "next_attempt_at", "sent_at", "provider_id", "last_error", "dedupe_key", "claimed_by",
              "claimed_until")
    readonly_fields = fields
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="接收人")
    def recipient_masked(self, obj: OutboxMessage) -> str:
        return obj.masked_recipient or "—"

    @admin.display(description="信访事项", ordering="case__number")
    def case_number(self, obj: OutboxMessage) -> str:
        return obj.case.number if obj.case is not None else "—"

    @admin.display(description="最近一次错误")
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error if len(obj.last_error) <= 40 else obj.last_error[:39] + "…"

    @admin.action(description="重新发送所选的发送失败通知", permissions=["change"])
    def retry_failed(self, request, queryset):
        # Conditional: only rows still failed; attempts start over, the
        # idempotency key stays the same, so a provider that did get an
        # earlier attempt still sends once.
        total = queryset.count()
        n = queryset.filter(state=OutboxState.FAILED).update(
            state=OutboxState.PENDING, attempts=0, next_attempt_at=None, claimed_by="", claimed_until=None)
        skipped = total - n
        text = f"已将{n}条发送失败的通知重新放入发送队列。"
        if skipped:
            text += f"另有{skipped}条不是“发送失败”状态，未作处理。"
        self.message_user(request, text, messages.SUCCESS if n else messages.WARNING)
