"""Which task runs how often. The scheduler enqueues; the worker runs."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    task_path: str
    every_seconds: int


SCHEDULE = [
    Job("xinfang.jobs.tasks.close_lapsed_cases", 600),
]
