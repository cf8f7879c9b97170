from django.contrib import admin

from .models import CaseLink, Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("rule", "case", "org", "raised_at", "resolved_at")
    list_filter = ("rule",)
    raw_id_fields = ("case", "org", "resolved_by")
    readonly_fields = ("raised_at", "explanation", "details")


@admin.register(CaseLink)
class CaseLinkAdmin(admin.ModelAdmin):
    list_display = ("case", "earlier", "same_petitioner", "score", "state")
    list_filter = ("state", "same_petitioner")
    raw_id_fields = ("case", "earlier", "decided_by")
