"""Background tasks run by the django-tasks-db worker. Each is idempotent, so
running it twice (two schedulers, a retry) changes nothing the second time."""

from django_tasks import task


@task()
def close_lapsed_cases() -> dict[str, int]:
    from xinfang.cases.sweep import close_lapsed

    return close_lapsed()
