from django.contrib import admin

from .models import AssessmentScheme, HandlerAssessment, ThirdPartyEvaluator, ThirdPartySample


@admin.register(ThirdPartyEvaluator)
class ThirdPartyEvaluatorAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "active", "created_at")
    list_filter = ("active",)
    raw_id_fields = ("user",)


@admin.register(ThirdPartySample)
class ThirdPartySampleAdmin(admin.ModelAdmin):
    list_display = ("created_at", "region_code", "period_start", "period_end", "population", "size", "seed")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a drawn sample is a record, not a draft


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "effective_from", "effective_to", "created_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # versions are edited through the page, which writes a new one


@admin.register(HandlerAssessment)
class HandlerAssessmentAdmin(admin.ModelAdmin):
    list_display = ("case", "org", "verdict", "at")
    raw_id_fields = ("case",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False
