"""A partial index of the running clocks for the deadline sweep.

The sweep reads every running clock due before its furthest reminder window,
every minute. Finished clocks are the vast majority of rules_clock (a million
cases leave millions of met/missed/cancelled clocks), so an index holding only
the running ones, with the columns the sweep reads, keeps that scan small and,
on PostgreSQL, index-only. It indexes the rules app's table but belongs to the
sweep, hence here; plain SQL because Django cannot add an index to another
app's model from this app."""

from django.db import migrations

NAME = "supervision_running_clock_due"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        sql = (f"CREATE INDEX IF NOT EXISTS {NAME} ON rules_clock (due_at) INCLUDE (kind, due_date, case_id, id) "
               "WHERE state = 'running'")
    else:
        sql = f"CREATE INDEX IF NOT EXISTS {NAME} ON rules_clock (due_at, kind, due_date, case_id) WHERE state = 'running'"
    schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_seed_templates_and_escalation"), ("rules", "0003_ruleset_region")]
    operations = [migrations.RunPython(create, drop)]
