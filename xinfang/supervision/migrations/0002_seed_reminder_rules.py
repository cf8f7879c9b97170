"""One reminder rule per clock kind: 3 days before, on the due day, daily when overdue.

The windows that belong to the petitioner (evaluating, requesting review or
re-examination) are seeded inactive: nobody on staff can act to meet them."""

from django.db import migrations

PETITIONER_WINDOWS = {"evaluate", "review_request", "reexamine_request"}


def seed(apps, schema_editor):
    from xinfang.rules.kinds import ClockKind

    ReminderRule = apps.get_model("supervision", "ReminderRule")
    for kind in ClockKind.values:
        ReminderRule.objects.get_or_create(
            clock_kind=kind,
            defaults={"days_before": "3,0", "daily_when_overdue": True, "is_active": kind not in PETITIONER_WINDOWS},
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
