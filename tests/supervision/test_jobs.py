from xinfang.jobs.schedule import SCHEDULE


def test_it_sweeps_deadlines_every_minute():
    jobs = {j.task_path: j.every_seconds for j in SCHEDULE}
    assert jobs["xinfang.jobs.tasks.deadline_sweep"] == 60


def test_it_runs_the_sweep_as_a_task(accepted):
    from xinfang.jobs.tasks import deadline_sweep

    assert {"fired", "escalated", "report_reminders"} <= set(deadline_sweep.call())


def test_every_scheduled_job_is_a_worker_task():
    """The scheduler enqueues each path; a plain function there would fail at run time."""
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for job in SCHEDULE:
        assert isinstance(import_string(job.task_path), Task), job.task_path
