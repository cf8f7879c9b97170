"""Indexes on other apps' tables that the rates need: a year of clocks of one
kind, and evaluations of one target in a period, are index range scans.
Plain `CREATE INDEX IF NOT EXISTS` works on SQLite and PostgreSQL alike."""

from django.db import migrations

INDEXES = [
    ("assess_clock_kind_due", "rules_clock", "kind, due_at"),
    ("assess_eval_target_at", "cases_evaluation", "target, at"),
    ("assess_letter_case_signed", "cases_replyletter", "case_id, kind, signed_at"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("rules", "0003_ruleset_region"),
        ("cases", "0005_case_is_level_skipping_case_merged_into_and_more"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
                          f"DROP INDEX IF EXISTS {name}")
        for name, table, columns in INDEXES
    ]
