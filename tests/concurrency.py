"""Run one callable in several threads at once, each with its own database
connection, released together by a barrier: how the suite proves that two
workers doing the same job never do it twice."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def run_concurrently(fn: Callable[[], T], workers: int = 2) -> list[T]:
    """Results of `fn` from every thread; re-raises the first error any thread hit."""
    start = threading.Barrier(workers)
    results: list[T] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(fn())
        except BaseException as e:  # surfaced below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
