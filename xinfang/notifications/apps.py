from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_templates(sender, using="default", **kwargs):
    """Message templates are reference data seeded by a migration: after a
    `flush` (which emits post_migrate) put back any that are missing. Existing
    rows are never touched, so staff edits survive."""
    from django.db import connections

    from .models import MessageTemplate
    from .seed import seed_templates

    # Not there when migrating backwards past the table's creation.
    if MessageTemplate._meta.db_table in connections[using].introspection.table_names():
        seed_templates(MessageTemplate, using=using)


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        post_migrate.connect(ensure_templates, sender=self)
