"""Which task runs how often. The scheduler enqueues; the worker runs."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    task_path: str
    every_seconds: int


SCHEDULE = [
    Job("xinfang.jobs.tasks.close_lapsed_cases", 600),
    Job("xinfang.jobs.tasks.deliver_outbox", 10),
    Job("xinfang.jobs.tasks.invite_evaluations", 300),
    Job("xinfang.jobs.tasks.deadline_sweep", 60),
    Job("xinfang.jobs.tasks.integrity_sweep", 3600),
    Job("xinfang.jobs.tasks.ingest_insights", 120),
    Job("xinfang.jobs.tasks.refresh_rate_tallies", 3600),
    Job("xinfang.jobs.tasks.daily_digest", 3600),
    Job("xinfang.jobs.tasks.fold_rollups", 10),
    Job("xinfang.jobs.tasks.generate_due_reports", 3600),
]
