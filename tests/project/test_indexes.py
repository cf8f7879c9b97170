"""The indexes the migrations leave on the tables every registration writes:
each unique rule still enforced, and nothing written that no query reads (the
LIKE twins PostgreSQL adds for unique=True and db_index=True text columns)."""

import pytest
from django.db import connection

from xinfang.cases.models import Case, CaseEvent, Petitioner, Submission
from xinfang.notifications.models import OutboxMessage
from xinfang.portal.models import PhoneVerification

pytestmark = pytest.mark.django_db

HOT = [Case, Petitioner, Submission, OutboxMessage, PhoneVerification]


def indexes(model) -> dict[str, dict]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: c for name, c in found.items() if c["index"] or c["unique"]}


def unique_on(model, column: str) -> bool:
    return any(c["unique"] and c["columns"] == [column] for c in indexes(model).values())


@pytest.mark.parametrize(("model", "column"), [
    (Case, "number"), (Case, "query_code"), (Submission, "client_token"), (OutboxMessage, "dedupe_key"),
    (Petitioner, "id_number_index"),  # partial: people without an ID number may share ""
])
def test_every_unique_rule_is_still_enforced_by_an_index(model, column):
    assert unique_on(model, column)


def test_the_petitioner_id_number_is_unique_when_given():
    from django.db import IntegrityError, transaction

    Petitioner.objects.bulk_create([Petitioner(name="甲", id_number_index=""), Petitioner(name="乙", id_number_index="")])
    Petitioner.objects.create(name="丙", id_number="110101199003074514")
    with pytest.raises(IntegrityError), transaction.atomic():
        Petitioner.objects.create(name="丁", id_number="110101199003074514")


# Hashes and random codes: matched by equality only, and their LIKE twins were
# written at random places on every registration.
KEYS = [(Case, "number"), (Case, "query_code"), (Petitioner, "id_number_index"), (Petitioner, "phone_index"),
        (Submission, "client_token"), (OutboxMessage, "dedupe_key"), (PhoneVerification, "phone_index")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the LIKE twins are PostgreSQL's")
@pytest.mark.parametrize(("model", "column"), KEYS)
def test_keys_have_no_like_index(model, column):
    like = [name for name, c in indexes(model).items() if c["columns"] == [column] and name.endswith("_like")]
    assert like == []


@pytest.mark.parametrize(("model", "column", "composite"), [
    (Case, "category_id", "case_category_recent"), (Case, "current_org_id", "case_current_org_recent"),
    (Case, "registered_at", "case_recent"), (PhoneVerification, "phone_index", "portal_verification_latest"),
    (CaseEvent, "case_id", "event_case_at"),
])
def test_a_column_a_composite_index_leads_with_has_no_index_of_its_own(model, column, composite):
    found = indexes(model)
    assert found[composite]["columns"][0] == column
    assert [name for name, c in found.items() if c["columns"] == [column]] == []


def test_the_numbering_region_is_not_indexed():
    """Never looked up by: only the county's counter row is (cases.numbering)."""
    assert [name for name, c in indexes(Case).items() if "numbering_region_id" in c["columns"]] == []


def test_the_id_number_blind_index_has_one_index_the_partial_unique_one():
    on_column = [name for name, c in indexes(Petitioner).items() if c["columns"] == ["id_number_index"]]
    assert on_column == ["petitioner_unique_id"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_lookups_by_id_number_use_the_partial_unique_index():
    """= and IN lists (as the integrity checks and the demo generator ask, up to
    100 values) must not scan the table: there is no other index to fall back on."""
    from xinfang.lib.crypto import index_field

    Petitioner.objects.bulk_create([Petitioner(name=f"人{i}", id_number_index=f"{i:064x}") for i in range(300)])
    with connection.cursor() as cursor:
        # On a test-sized table a scan is cheaper anyway: ask whether the index can
        # serve these lookups at all (the partial condition proved), not whether it wins.
        cursor.execute("SET LOCAL enable_seqscan = off")
    wanted = [index_field(str(i)) for i in range(100)]
    for qs in (Petitioner.objects.filter(id_number_index=wanted[0]),
               Petitioner.objects.filter(id_number_index__in=wanted)):
        plan = qs.explain()
        assert "petitioner_unique_id" in plan and "Seq Scan" not in plan, plan
