from django.db import migrations


def seed(apps, schema_editor):
    from xinfang.notifications.seed import seed_templates

    seed_templates(apps.get_model("notifications", "MessageTemplate"), using=schema_editor.connection.alias)


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_outbox_lease_message_template")]
    operations = [migrations.RunPython(seed, unseed)]
