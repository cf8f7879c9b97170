"""Staff message templates (editable in the admin) and one default escalation
rule: a 办理 clock overdue 5 days tells the supervising bureau and drafts a 督办单."""

from django.db import migrations


def seed(apps, schema_editor):
    from xinfang.supervision.texts import seed_staff_templates

    alias = schema_editor.connection.alias
    seed_staff_templates(apps.get_model("notifications", "MessageTemplate"), using=alias)
    EscalationRule = apps.get_model("supervision", "EscalationRule")
    EscalationRule.objects.using(alias).get_or_create(
        clock_kind="handle", overdue_days=5,
        defaults={"notify_supervisors": True, "draft_order": True, "order_days": 7, "is_active": True})


def unseed(apps, schema_editor):
    from xinfang.supervision.texts import STAFF_TEMPLATES

    alias = schema_editor.connection.alias
    apps.get_model("notifications", "MessageTemplate").objects.using(alias).filter(key__in=STAFF_TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_orders_escalation_digest"),
        ("notifications", "0004_seed_message_templates"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
