from django.contrib import admin
from django.utils import timezone

from .models import Article, Publication


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Staff with the article permissions write and publish policy interpretations here."""

    list_display = ("title", "category", "is_published", "published_at", "author", "updated_at")
    list_filter = ("category", "is_published")
    search_fields = ("title", "body")
    date_hierarchy = "published_at"
    readonly_fields = ("author", "created_at", "updated_at")
    fields = ("title", "category", "body", "is_published", "published_at", "author", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        if obj.is_published and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read only: publishing and withdrawing go through the approval screen
    (/open/manage/), which checks consent and region, masks and audits."""

    list_display = ("title", "district", "approved_at", "approved_by", "withdrawn")
    list_filter = ("withdrawn", "district")
    search_fields = ("title",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
