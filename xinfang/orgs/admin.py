from django.contrib import admin

from .models import Membership, Org, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ["parent"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "parent", "superior", "is_active")
    list_filter = ("kind", "is_active", "region__level")
    search_fields = ("name", "short_name", "region__name")
    autocomplete_fields = ["region", "parent", "superior"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "org", "role", "is_active")
    list_filter = ("role", "is_active", "org__kind")
    search_fields = ("user__username", "user__full_name", "org__name")
    autocomplete_fields = ["user", "org"]
