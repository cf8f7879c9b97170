from django.db import migrations


def forwards(apps, schema_editor):
    from xinfang.cases.categories import load_categories

    load_categories(apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_fulltext")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
