from xinfang.jobs.schedule import SCHEDULE


def test_it_sweeps_deadlines_every_minute():
    jobs = {j.task_path: j.every_seconds for j in SCHEDULE}
    assert jobs["xinfang.jobs.tasks.deadline_sweep"] == 60


def test_it_runs_the_sweep_as_a_task(accepted):
    from xinfang.jobs.tasks import deadline_sweep

    assert {"fired", "escalated", "report_reminders"} <= set(deadline_sweep.call())
