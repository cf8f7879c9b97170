from django.db import migrations


def seed(apps, schema_editor):
    from xinfang.rules.seed import seed_work_calendar

    seed_work_calendar(apps.get_model("rules", "WorkCalendar"), apps.get_model("rules", "CalendarYear"))


def unseed(apps, schema_editor):
    from xinfang.rules.seed import SOURCE

    apps.get_model("rules", "WorkCalendar").objects.filter(source=SOURCE).delete()
    apps.get_model("rules", "CalendarYear").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
