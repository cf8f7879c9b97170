"""Enqueue a task for what the current transaction writes.

The worker must not start before the rows it reads are committed, and must
not start at all if they roll back. The database task backend gives that for
free: its task row is written in the same transaction, so the worker sees it
exactly when the rest commits (and the request saves a commit of its own). A
backend that may run the task at once (the tests' immediate one) is asked only
after the commit."""

from functools import partial

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def enqueue_with_transaction(task: Task, *args) -> None:
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))
