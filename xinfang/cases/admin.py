from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Staff maintain the taxonomy here. Cases themselves are never edited in the
    admin: every change to a case goes through an action that writes its event."""

    list_display = ("code", "name", "parent")
    list_filter = ("parent",)
    search_fields = ("code", "name")
