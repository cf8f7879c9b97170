"""Case numbers stay unique when registrars register at the same moment."""

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
