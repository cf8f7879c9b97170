from django.contrib import admin

from .models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("region_prefix", "category", "org", "priority", "is_active", "updated_at")
    list_filter = ("is_active", "category__parent")
    search_fields = ("region_prefix", "org__name", "category__name", "note")
    autocomplete_fields = ("org",)
    list_select_related = ("category__parent", "org")
