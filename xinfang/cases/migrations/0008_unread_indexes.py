"""Two indexes written on every registration and never read: the case's
numbering region (only the county's counter row is looked up) and the event's
case alone (event_case_at leads with it). Only the indexes are dropped: letting
AlterField do it would also drop and re-check the foreign keys over every row."""

import django.db.models.deletion
from django.db import migrations, models

DROP = [
    "DROP INDEX IF EXISTS cases_case_numbering_region_id_31e9ec0e",
    "DROP INDEX IF EXISTS cases_case_numbering_region_id_31e9ec0e_like",  # PostgreSQL's LIKE twin
    "DROP INDEX IF EXISTS cases_caseevent_case_id_6c6031ac",
]
CREATE = [
    "CREATE INDEX IF NOT EXISTS cases_case_numbering_region_id_31e9ec0e ON cases_case (numbering_region_id)",
    "CREATE INDEX IF NOT EXISTS cases_caseevent_case_id_6c6031ac ON cases_caseevent (case_id)",
]
CREATE_POSTGRESQL = ["CREATE INDEX IF NOT EXISTS cases_case_numbering_region_id_31e9ec0e_like"
                     " ON cases_case (numbering_region_id varchar_pattern_ops)"]


def run(statements, postgresql_only=()):
    def apply(apps, schema_editor):
        extra = list(postgresql_only) if schema_editor.connection.vendor == "postgresql" else []
        for sql in [*statements, *extra]:
            schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_fewer_indexes_to_write"),
        ("orgs", "0002_load_regions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="numbering_region",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="orgs.region", verbose_name="编号区划"),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="case",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="events", to="cases.case"),
                ),
            ],
            database_operations=[migrations.RunPython(run(DROP), run(CREATE, CREATE_POSTGRESQL))],
        ),
    ]
