"""The task backend (xinfang.jobs.backend): the library's database backend
with its task row written by one prepared INSERT. The row must be the one the
library writes, so the worker runs it the same way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import task
from django_tasks_db import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from xinfang.jobs.backend import DatabaseBackend

pytestmark = pytest.mark.django_db

COMPARED = ["status", "args_kwargs", "priority", "task_path", "queue_name", "backend_name", "run_after",
            "worker_ids", "return_value", "exception_class_path", "traceback", "started_at", "finished_at"]


@task()
def probe(case_id: int, *, note: str = "") -> int:
    return case_id


def row_values(result_id) -> dict:
    return DBTaskResult.objects.filter(pk=result_id).values(*COMPARED).get()


def test_the_site_enqueues_through_it():
    assert isinstance(probe.get_backend(), DatabaseBackend)


def test_its_row_is_the_librarys_row_in_one_statement():
    ours = DatabaseBackend("default", {})
    theirs = LibraryBackend("default", {})
    with CaptureQueriesContext(connection) as queries:
        mine = ours.enqueue(probe, (7,), {"note": "二"})
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    reference = theirs.enqueue(probe, (7,), {"note": "二"})
    assert row_values(mine.id) == row_values(reference.id)
    stored = DBTaskResult.objects.get(pk=mine.id)
    assert stored.run_after == get_date_max()  # the library's pre_save receiver ran
    assert stored.enqueued_at is not None
    assert stored.task_result.args == [7] and stored.task_result.kwargs == {"note": "二"}


def test_a_delayed_task_keeps_its_time():
    from datetime import timedelta

    from django.utils import timezone

    at = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    result = DatabaseBackend("default", {}).enqueue(probe.using(run_after=at), (1,), {})
    assert DBTaskResult.objects.get(pk=result.id).run_after == at
