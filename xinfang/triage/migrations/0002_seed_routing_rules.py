from django.db import migrations


def seed(apps, schema_editor):
    # On a fresh database there are no orgs yet and this does nothing; the
    # demo set-up and `seed_routing_rules` seed once the org tree exists.
    from xinfang.triage.seeding import seed_default_rules

    seed_default_rules(apps.get_model("triage", "RoutingRule"), apps.get_model("cases", "Category"),
                       apps.get_model("orgs", "Org"))


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
