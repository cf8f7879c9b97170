"""Case numbers stay unique when registrars register at the same moment."""

import re
import threading

import pytest
from django.db import connection

from tests.cases.test_access_and_search import make_case


@pytest.mark.django_db(transaction=True)
def test_it_never_hands_out_a_number_twice_under_concurrency(orgs):
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(5):
                numbers.append(make_case(orgs["lx_bureau"], None, seq=n * 10 + i + 1).number)
        except BaseException as e:  # surfaced below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(numbers) == 30 == len(set(numbers))
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 31))


@pytest.mark.django_db
def test_the_case_row_is_written_once_with_its_number(orgs):
    """The number is written with the row, not by an UPDATE afterwards, which would
    write a second copy of it and of every index entry (PostgreSQL), on every
    registration. The rows referring to the case may come first (PostgreSQL
    checks foreign keys at commit); the number follows the county's last one."""
    from django.test.utils import CaptureQueriesContext

    from xinfang.cases.models import Case, CaseOrg, Submission

    first = make_case(orgs["lx_bureau"], None, seq=1)
    with CaptureQueriesContext(connection) as queries:
        case = make_case(orgs["lx_bureau"], None, seq=2)
    table = Case._meta.db_table
    sqls = [q["sql"] for q in queries]
    writes = [sql for sql in sqls if re.search(rf'INSERT INTO "?{table}"? ', sql)]
    updates = [sql for sql in sqls if re.search(rf'UPDATE "?{table}"? ', sql)]
    assert len(writes) == 1 and updates == []
    stored = Case.objects.get(pk=case.pk)
    assert stored.number == case.number and not stored.number.startswith("~")
    assert int(stored.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1
    assert CaseOrg.objects.filter(case=stored).exists() and Submission.objects.filter(case=stored).exists()
